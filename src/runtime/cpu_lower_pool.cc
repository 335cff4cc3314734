// MaxPool / AvgPool (float32, NHWC) on the SIMD pooling kernels, and Mean
// over the two spatial axes of a rank-4 NHWC tensor (Keras's global average
// pooling), which is an average pool whose window is the whole image. The
// attrs are read once when the node is lowered; the geometry depends on the
// input shape, so it is computed at run time.
#include "kernels/pool.h"
#include "runtime/cpu_lowerings.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

// Whether a reduction_indices value names exactly axes 1 and 2 of a rank-4 tensor.
bool spatial_axes(const Tensor& axes) {
  if ((axes.dtype() != DType::Int32 && axes.dtype() != DType::Int64) || axes.rank() != 1 ||
      axes.num_elements() != 2)
    return false;
  std::vector<int64_t> a = axes.to_int64_vector();
  for (int64_t& v : a) v = v < 0 ? v + 4 : v;
  return (a[0] == 1 && a[1] == 2) || (a[0] == 2 && a[1] == 1);
}

KernelFn spatial_mean_kernel(const OpDef& def) {
  return [&def](OpContext& ctx) {
    if (ctx.num_inputs() != 2) return def.reference(ctx);
    const Tensor& x = ctx.input(0);
    if (x.dtype() != DType::Float || x.rank() != 4 || !spatial_axes(ctx.input(1)) || x.shape()[1] == 0 ||
        x.shape()[2] == 0)
      return def.reference(ctx);  // other axes; an empty mean is the reference's case
    kernels::Pool2DParams p;
    p.batch = x.shape()[0];
    p.in_h = p.window_h = x.shape()[1];
    p.in_w = p.window_w = x.shape()[2];
    p.channels = x.shape()[3];
    p.out_h = p.out_w = 1;
    const bool keep = ctx.node().attr_bool_or("keep_dims", false);
    const Shape out_shape = keep ? Shape{p.batch, 1, 1, p.channels} : Shape{p.batch, p.channels};
    Tensor& y = ctx.allocate_output(0, DType::Float, out_shape);
    kernels::avg_pool2d_f32(p, x.data<float>(), y.data<float>());
  };
}

}  // namespace

KernelFn lower_pool(const Node& n, const OpDef& def) {
  if (n.op == "Mean")
    return element_type_is_float(n) ? spatial_mean_kernel(def) : KernelFn{};
  const bool max = n.op == "MaxPool";
  if ((!max && n.op != "AvgPool") || !element_type_is_float(n) ||
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
    Tensor& y = ctx.allocate_output(0, DType::Float, Shape{p.batch, p.out_h, p.out_w, p.channels});
    if (max)
      kernels::max_pool2d_f32(p, x.data<float>(), y.data<float>());
    else
      kernels::avg_pool2d_f32(p, x.data<float>(), y.data<float>());
  };
}

}  // namespace frost
