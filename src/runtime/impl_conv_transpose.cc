// Conv2DBackpropInput (the transposed convolution), float32 NHWC, on the
// SIMD kernel conv2d_backprop_input_f32 (kernels/conv_simd.h):
// conv2d_backprop_input/gemm_col2im. A constant filter is packed at prepare
// time (for the group count that a constant input_sizes gives, else for
// one group); input_sizes is read again at run time, so neither needs to be
// constant.
#include "kernels/conv_simd.h"
#include "runtime/impl_epilogue.h"
#include "runtime/impl_families.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

bool conv_transpose_applies(const PrepareContext& ctx) { return float_nhwc(ctx.node); }

// What the packing depends on, from a constant filter and input_sizes
// (filter shape and group count); nullopt when the filter is not constant
// or they do not fit (the reference reports that at run time). An
// input_sizes computed at run time (Keras and tf.layers build it from the
// batch size: Pack(StridedSlice(Shape(x)), h, w, c)) leaves the group count
// open: the filter is packed for one group, the usual case, and a run with
// more groups packs its own.
std::optional<kernels::Conv2DParams> packing_params(const PrepareContext& ctx) {
  const Tensor *sizes = ctx.constant(0), *w = ctx.constant(1);
  if (!w || w->dtype() != DType::Float || w->rank() != 4) return std::nullopt;
  if (sizes && (sizes->rank() != 1 || sizes->num_elements() != 4 ||
                (sizes->dtype() != DType::Int32 && sizes->dtype() != DType::Int64)))
    return std::nullopt;
  kernels::Conv2DParams p;
  p.in_c = sizes ? sizes->to_int64_vector()[3] : w->shape()[2];
  p.filter_h = w->shape()[0];
  p.filter_w = w->shape()[1];
  p.out_c = w->shape()[3];
  const int64_t filter_in = w->shape()[2];
  if (filter_in < 1 || p.in_c < filter_in || p.in_c % filter_in != 0) return std::nullopt;
  p.groups = p.in_c / filter_in;
  if (p.out_c % p.groups != 0) return std::nullopt;
  return p;
}

KernelFn prepare_conv_transpose(const PrepareContext& ctx) {
  const OpDef* def = &ctx.def;
  const nn::Window2DAttrs attrs = nn::read_conv_attrs(ctx.node);
  PackedConstant packed;
  int64_t packed_groups = 0;
  if (const std::optional<kernels::Conv2DParams> p = packing_params(ctx)) {
    const Tensor* w = ctx.constant(1);
    packed = PackedConstant(*w, kernels::conv2d_backprop_input_packed_filter_floats(*p),
                            [&](float* out) { kernels::conv2d_backprop_input_pack_filter(*p, w->data<float>(), out); });
    packed_groups = p->groups;
  }
  return [def, attrs, packed, packed_groups](OpContext& ctx) {
    if (ctx.num_inputs() == 3 && ctx.input(2).dtype() != DType::Float)
      return def->reference(ctx);  // float64 graphs with a stale T attr: the reference handles them
    const kernels::Conv2DParams p = nn::conv2d_backprop_input_params(ctx, attrs);
    const Tensor& w = ctx.input(1);
    // The kernel zeroes in_backprop before adding into it, so an arena view (old values) is fine.
    Tensor& dx = ctx.allocate_output(0, DType::Float, Shape{p.batch, p.in_h, p.in_w, p.in_c});
    with_packed(
        p.groups == packed_groups ? packed : PackedConstant{}, w,
        kernels::conv2d_backprop_input_packed_filter_floats(p),
        [&](float* out) { kernels::conv2d_backprop_input_pack_filter(p, w.data<float>(), out); },
        [&](const float* filter) {
          kernels::conv2d_backprop_input_f32(p, ctx.input(2).data<float>(), filter, dx.data<float>());
        });
  };
}

}  // namespace

std::vector<Implementation> conv_transpose_implementations() {
  return {{"conv2d_backprop_input/gemm_col2im", {"Conv2DBackpropInput"}, conv_transpose_applies,
           prepare_conv_transpose}};
}

}  // namespace frost
