#include "runtime/cpu_lower_conv_transpose.h"

#include <memory>
#include <vector>

#include "kernels/conv_simd.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

// The filter packed for the GEMM, what it was packed from, and the geometry
// it was packed for (input_sizes fixes the group count, so a non-constant
// input_sizes could change the packing).
struct PackedFilter {
  const void* source = nullptr;
  kernels::Conv2DParams params;
  std::vector<float> data;
};

bool same_packing(const kernels::Conv2DParams& a, const kernels::Conv2DParams& b) {
  // The packed layout is fixed by the filter shape and the group count (a
  // 1×1 filter packs the same for the direct and the col2im paths).
  return a.in_c == b.in_c && a.out_c == b.out_c && a.filter_h == b.filter_h && a.filter_w == b.filter_w &&
         a.groups == b.groups;
}

}  // namespace

KernelFn lower_conv2d_backprop_input(const Node& n, const OpDef& def, bool constant_filter) {
  if (n.op != "Conv2DBackpropInput" || n.attr_type_or("T", DType::Float) != DType::Float ||
      n.attr_string_or("data_format", "NHWC") != "NHWC")
    return {};
  auto packed = std::make_shared<PackedFilter>();
  return [&def, constant_filter, packed](OpContext& ctx) {
    if (ctx.num_inputs() == 3 && ctx.input(2).dtype() != DType::Float)
      return def.reference(ctx);  // float64 graphs with a stale T attr: the reference handles them
    const kernels::Conv2DParams p = nn::conv2d_backprop_input_params(ctx, nn::read_conv_attrs(ctx.node()));
    const Tensor& w = ctx.input(1);
    if (!constant_filter || packed->source != w.raw_data() || !same_packing(packed->params, p)) {
      packed->data.resize(kernels::conv2d_backprop_input_packed_filter_floats(p));
      kernels::conv2d_backprop_input_pack_filter(p, w.data<float>(), packed->data.data());
      packed->source = constant_filter ? w.raw_data() : nullptr;
      packed->params = p;
    }
    // The kernel zeroes in_backprop before adding into it, so an arena view (old values) is fine.
    Tensor& dx = ctx.allocate_output(0, DType::Float, Shape{p.batch, p.in_h, p.in_w, p.in_c});
    kernels::conv2d_backprop_input_f32(p, ctx.input(2).data<float>(), packed->data.data(), dx.data<float>());
  };
}

}  // namespace frost
