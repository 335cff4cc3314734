#include "runtime/cpu_lower_conv_transpose.h"

#include <memory>
#include <vector>

#include "kernels/conv_simd.h"
#include "runtime/ops/nn_common.h"
#include "runtime/packed_weights.h"

namespace frost {

namespace {

// What the packed filter depends on: the filter shape and the group count
// (input_sizes fixes the group count, so a non-constant input_sizes could
// change the packing; a 1×1 filter packs the same for the direct and the
// col2im paths).
std::vector<int64_t> packing_layout(const kernels::Conv2DParams& p) {
  return {p.in_c, p.out_c, p.filter_h, p.filter_w, p.groups};
}

}  // namespace

KernelFn lower_conv2d_backprop_input(const Node& n, const OpDef& def, bool constant_filter) {
  if (n.op != "Conv2DBackpropInput" || n.attr_type_or("T", DType::Float) != DType::Float ||
      n.attr_string_or("data_format", "NHWC") != "NHWC")
    return {};
  auto packed = std::make_shared<PackedWeights>();
  return [&def, constant_filter, packed](OpContext& ctx) {
    if (ctx.num_inputs() == 3 && ctx.input(2).dtype() != DType::Float)
      return def.reference(ctx);  // float64 graphs with a stale T attr: the reference handles them
    const kernels::Conv2DParams p = nn::conv2d_backprop_input_params(ctx, nn::read_conv_attrs(ctx.node()));
    const Tensor& w = ctx.input(1);
    const auto pack = [&](float* out) { kernels::conv2d_backprop_input_pack_filter(p, w.data<float>(), out); };
    const size_t floats = kernels::conv2d_backprop_input_packed_filter_floats(p);
    const PackedWeights::Buffer filter = constant_filter ? packed->get(w.raw_data(), packing_layout(p), floats, pack)
                                                         : pack_once(floats, pack);
    // The kernel zeroes in_backprop before adding into it, so an arena view (old values) is fine.
    Tensor& dx = ctx.allocate_output(0, DType::Float, Shape{p.batch, p.in_h, p.in_w, p.in_c});
    kernels::conv2d_backprop_input_f32(p, ctx.input(2).data<float>(), filter->data(), dx.data<float>());
  };
}

}  // namespace frost
