// MaxPool / AvgPool (float32, NHWC) on the SIMD pooling kernels. The attrs
// are read once when the node is lowered; the geometry depends on the input
// shape, so it is computed at run time.
#include "kernels/pool.h"
#include "runtime/cpu_lowerings.h"
#include "runtime/ops/nn_common.h"

namespace frost {

KernelFn lower_pool(const Node& n, const OpDef& def) {
  const bool max = n.op == "MaxPool";
  if ((!max && n.op != "AvgPool") || n.attr_type_or("T", DType::Float) != DType::Float ||
      n.attr_string_or("data_format", "NHWC") != "NHWC")
    return {};
  nn::Window2DAttrs a;
  try {
    a = nn::read_pool_attrs(n, /*allow_explicit=*/max);
  } catch (const Error&) {
    return {};  // the reference reports bad attrs when the node runs
  }
  return [&def, a, max](OpContext& ctx) {
    if (ctx.num_inputs() != 1 || ctx.input(0).dtype() != DType::Float || ctx.input(0).rank() != 4)
      return def.reference(ctx);
    const Tensor& x = ctx.input(0);
    const kernels::Pool2DParams p = nn::pool_params(ctx.node(), a, x.shape());
    Tensor y(DType::Float, Shape{p.batch, p.out_h, p.out_w, p.channels});
    if (max)
      kernels::max_pool2d_f32(p, x.data<float>(), y.data<float>());
    else
      kernels::avg_pool2d_f32(p, x.data<float>(), y.data<float>());
    ctx.set_output(0, y);
  };
}

}  // namespace frost
