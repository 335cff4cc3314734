// Conv2D and DepthwiseConv2dNative (plain and _Fused*: bias, residual add,
// activation in the GEMM epilogue), float32 NHWC, on the SIMD kernels
// (kernels/conv_simd.h):
//  - conv2d/im2col_gemm: a GEMM per image tile (1×1 stride-1 convolutions
//    read the input as the A matrix directly); a constant filter is packed
//    into the GEMM's B layout at prepare time.
//  - depthwise/simd: vectorised over channels, the filter used as stored.
// Grouped convolutions (filter in_c ≠ input channels) run the reference.
#include "kernels/conv_simd.h"
#include "runtime/impl_epilogue.h"
#include "runtime/impl_families.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

// A float rank-4 filter, or nullptr.
const Tensor* constant_filter(const PrepareContext& ctx) {
  const Tensor* w = ctx.constant(1);
  return w && w->dtype() == DType::Float && w->rank() == 4 ? w : nullptr;
}

bool conv_applies(const PrepareContext& ctx) {
  return float_nhwc(ctx.node) && ctx.num_inputs() >= 2 && read_fusion(ctx.node).has_value();
}

// Whether the run-time inputs are ones the SIMD kernels take (else the
// reference validates and reports, or computes the grouped form).
bool takes(const Tensor& x, const Tensor& w) {
  return x.dtype() == DType::Float && w.dtype() == DType::Float && x.rank() == 4 && w.rank() == 4 &&
         w.shape()[2] == x.shape()[3];
}

// The packing depends only on the filter (groups = 1: in_c is the filter's).
kernels::Conv2DParams filter_params(const Shape& w) {
  kernels::Conv2DParams p;
  p.filter_h = w[0];
  p.filter_w = w[1];
  p.in_c = w[2];
  p.out_c = w[3];
  return p;
}

KernelFn prepare_conv(const PrepareContext& ctx) {
  const OpDef* def = &ctx.def;
  const Fusion f = *read_fusion(ctx.node);
  const nn::Window2DAttrs attrs = nn::read_conv_attrs(ctx.node);
  PackedConstant packed;
  if (const Tensor* w = constant_filter(ctx)) {
    const kernels::Conv2DParams p = filter_params(w->shape());
    packed = PackedConstant(*w, kernels::conv2d_packed_filter_floats(p),
                            [&](float* out) { kernels::conv2d_pack_filter(p, w->data<float>(), out); });
  }
  return [def, f, attrs, packed](OpContext& ctx) {
    const Tensor &x = ctx.input(0), &w = ctx.input(1);
    if (!takes(x, w)) return def->reference(ctx);
    kernels::Conv2DParams p = nn::conv_params(ctx.node(), attrs, x.shape(), w.shape());
    p.out_c = w.shape()[3];
    const Shape out_shape{p.batch, p.out_h, p.out_w, p.out_c};
    const kernels::GemmEpilogue ep = epilogue(ctx, f, out_shape, p.out_c);
    Tensor& y = ctx.allocate_output(0, DType::Float, out_shape);
    with_packed(
        packed, w, kernels::conv2d_packed_filter_floats(p),
        [&](float* out) { kernels::conv2d_pack_filter(p, w.data<float>(), out); },
        [&](const float* filter) { kernels::conv2d_f32(p, x.data<float>(), filter, y.data<float>(), ep); });
  };
}

KernelFn prepare_depthwise(const PrepareContext& ctx) {
  const OpDef* def = &ctx.def;
  const Fusion f = *read_fusion(ctx.node);
  const nn::Window2DAttrs attrs = nn::read_conv_attrs(ctx.node);
  return [def, f, attrs](OpContext& ctx) {
    const Tensor &x = ctx.input(0), &w = ctx.input(1);
    if (!takes(x, w)) return def->reference(ctx);
    kernels::Conv2DParams p = nn::conv_params(ctx.node(), attrs, x.shape(), w.shape());
    p.depth_multiplier = w.shape()[3];
    p.out_c = p.in_c * w.shape()[3];
    const Shape out_shape{p.batch, p.out_h, p.out_w, p.out_c};
    const kernels::GemmEpilogue ep = epilogue(ctx, f, out_shape, p.out_c);
    Tensor& y = ctx.allocate_output(0, DType::Float, out_shape);
    kernels::depthwise_conv2d_f32(p, x.data<float>(), w.data<float>(), y.data<float>(), ep);
  };
}

}  // namespace

std::vector<Implementation> conv_implementations() {
  return {
      {"conv2d/im2col_gemm", {"Conv2D", "_FusedConv2D"}, conv_applies, prepare_conv},
      {"depthwise/simd", {"DepthwiseConv2dNative", "_FusedDepthwiseConv2dNative"}, conv_applies, prepare_depthwise},
  };
}

}  // namespace frost
