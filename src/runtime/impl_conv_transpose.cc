// Conv2DBackpropInput (the transposed convolution), float32 NHWC, tried in
// this order:
//  - conv2d_backprop_input/direct_nhwc (kernels/conv_transpose_direct.h):
//    each output pixel gathers the taps that reach it (phase decomposition
//    by stride), the filter packed at prepare time. One group, no dilation,
//    a constant filter and input_sizes (the packing depends on in_c). In
//    bench_conv it beats gemm_col2im on every transposed shape there (AVX-512,
//    1 thread: the 3×3 s2 28×28×64 decoder step ~0.9× its time, a 5×5 s2
//    7×7×32 one ~0.75×, a 1-channel output layer ~0.2×), as it does no
//    col2im pass, no zeroing and multiplies no tap that lands in the padding.
//  - conv2d_backprop_input/gemm_col2im (kernels/conv_simd.h): any group
//    count and dilation. A constant filter is packed at prepare time (for
//    the group count that a constant input_sizes gives, else for one
//    group); input_sizes is read again at run time, so neither needs to be
//    constant.
#include "kernels/conv_simd.h"
#include "kernels/conv_transpose_direct.h"
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

// The direct kernel's packing depends on the filter's shape and in_c, which
// one group makes the filter's in-depth (input_sizes, often computed from
// the batch at run time, is not needed); the run checks the full geometry
// and falls back to gemm_col2im for anything else.
std::optional<kernels::Conv2DParams> direct_packing(const PrepareContext& ctx) {
  std::optional<kernels::Conv2DParams> p = constant_filter_params(ctx, nn::read_conv_attrs(ctx.node));
  if (p && (p->filter_h < 1 || p->filter_w < 1 || p->in_c < 1 || p->out_c < 1)) return std::nullopt;
  return p;
}

bool direct_applies(const PrepareContext& ctx) {
  if (!conv_transpose_applies(ctx)) return false;
  const std::optional<kernels::Conv2DParams> p = direct_packing(ctx);
  return p && kernels::conv2d_transpose_direct_supported(*p, ctx.isa);
}

KernelFn prepare_direct(const PrepareContext& ctx) {
  const OpDef* def = &ctx.def;
  const nn::Window2DAttrs attrs = nn::read_conv_attrs(ctx.node);
  const kernels::Conv2DParams packing = *direct_packing(ctx);
  const kernels::GemmIsa isa = ctx.isa;
  const Tensor& w = *ctx.constant(1);
  const PackedConstant packed(w, kernels::conv2d_transpose_direct_packed_filter_floats(packing, isa), [&](float* out) {
    kernels::conv2d_transpose_direct_pack_filter(packing, w.data<float>(), out, isa);
  });
  // What the direct kernel does not take at run time (another input depth).
  const KernelFn fallback = prepare_conv_transpose(ctx);
  return [def, attrs, packing, isa, packed, fallback](OpContext& ctx) {
    if (ctx.num_inputs() == 3 && ctx.input(2).dtype() != DType::Float) return def->reference(ctx);
    const kernels::Conv2DParams p = nn::conv2d_backprop_input_params(ctx, attrs);
    const Tensor& w = ctx.input(1);
    if (p.in_c != packing.in_c || p.out_c != packing.out_c || p.filter_h != packing.filter_h ||
        p.filter_w != packing.filter_w || p.groups != 1 || !kernels::conv2d_transpose_direct_supported(p, isa))
      return fallback(ctx);
    Tensor& dx = ctx.allocate_output(0, DType::Float, Shape{p.batch, p.in_h, p.in_w, p.in_c});
    kernels::GemmRun run;
    run.isa = isa;
    with_packed(
        packed, w, kernels::conv2d_transpose_direct_packed_filter_floats(p, isa),
        [&](float* out) { kernels::conv2d_transpose_direct_pack_filter(p, w.data<float>(), out, isa); },
        [&](const float* filter) {
          kernels::conv2d_transpose_direct_f32(p, ctx.input(2).data<float>(), filter, dx.data<float>(), run);
        });
  };
}

}  // namespace

std::vector<Implementation> conv_transpose_implementations() {
  return {{"conv2d_backprop_input/direct_nhwc", {"Conv2DBackpropInput"}, direct_applies, prepare_direct},
          {"conv2d_backprop_input/gemm_col2im", {"Conv2DBackpropInput"}, conv_transpose_applies,
           prepare_conv_transpose}};
}

}  // namespace frost
