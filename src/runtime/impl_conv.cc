// Conv2D and DepthwiseConv2dNative (plain and _Fused*: bias, residual add,
// activation in the GEMM epilogue), float32 NHWC, on the SIMD kernels
// (kernels/conv_simd.h):
//  - conv2d/im2col_gemm: a GEMM per image tile and group (1×1 stride-1
//    convolutions read the input as the A matrix directly); grouped when the
//    filter's in-depth is C / G (as group_convolutions writes it). A constant
//    filter is packed into the GEMM's B layout at prepare time, for the group
//    count the input's inferred channel count gives.
//  - depthwise/simd: vectorised over channels, the filter used as stored.
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

// Whether the run-time inputs are float NHWC tensors of rank 4 (else the
// reference validates and reports).
bool float_rank4(const Tensor& x, const Tensor& w) {
  return x.dtype() == DType::Float && w.dtype() == DType::Float && x.rank() == 4 && w.rank() == 4;
}

// The group count of input channels `in_c` with a filter of in-depth
// `filter_in` and `out_c` outputs; 0 when they do not fit.
int64_t groups_of(int64_t in_c, int64_t filter_in, int64_t out_c) {
  if (filter_in <= 0 || in_c <= 0 || in_c % filter_in != 0) return 0;
  const int64_t groups = in_c / filter_in;
  return out_c % groups == 0 ? groups : 0;
}

// The packing depends only on the filter and the group count.
kernels::Conv2DParams filter_params(const Shape& w, int64_t groups) {
  kernels::Conv2DParams p;
  p.filter_h = w[0];
  p.filter_w = w[1];
  p.in_c = w[2] * groups;
  p.out_c = w[3];
  p.groups = groups;
  return p;
}

KernelFn prepare_conv(const PrepareContext& ctx) {
  const OpDef* def = &ctx.def;
  const Fusion f = *read_fusion(ctx.node);
  const nn::Window2DAttrs attrs = nn::read_conv_attrs(ctx.node);
  PackedConstant packed;
  int64_t packed_groups = 0;
  if (const Tensor* w = constant_filter(ctx)) {
    // Input channels unknown before the run: pack for one group (a grouped
    // run then packs per call, still correct).
    const int64_t in_c = ctx.input_dim(0, 3);
    const int64_t groups = in_c > 0 ? groups_of(in_c, w->shape()[2], w->shape()[3]) : 1;
    if (groups > 0) {
      const kernels::Conv2DParams p = filter_params(w->shape(), groups);
      packed = PackedConstant(*w, kernels::conv2d_packed_filter_floats(p),
                              [&](float* out) { kernels::conv2d_pack_filter(p, w->data<float>(), out); });
      packed_groups = groups;
    }
  }
  return [def, f, attrs, packed, packed_groups](OpContext& ctx) {
    const Tensor &x = ctx.input(0), &w = ctx.input(1);
    if (!float_rank4(x, w)) return def->reference(ctx);
    const int64_t groups = groups_of(x.shape()[3], w.shape()[2], w.shape()[3]);
    if (groups == 0) return def->reference(ctx);  // malformed: the reference validates and reports
    kernels::Conv2DParams p = nn::conv_params(ctx.node(), attrs, x.shape(), w.shape());
    p.out_c = w.shape()[3];
    p.groups = groups;
    const Shape out_shape{p.batch, p.out_h, p.out_w, p.out_c};
    const kernels::GemmEpilogue ep = epilogue(ctx, f, out_shape, p.out_c);
    Tensor& y = ctx.allocate_output(0, DType::Float, out_shape);
    with_packed(
        groups == packed_groups ? packed : PackedConstant{}, w, kernels::conv2d_packed_filter_floats(p),
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
    if (!float_rank4(x, w) || w.shape()[2] != x.shape()[3]) return def->reference(ctx);
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
      conv_winograd_implementation(),  // 3×3 stride 1 where its cost rule says it wins
      {"conv2d/im2col_gemm", {"Conv2D", "_FusedConv2D"}, conv_applies, prepare_conv},
      {"depthwise/simd", {"DepthwiseConv2dNative", "_FusedDepthwiseConv2dNative"}, conv_applies, prepare_depthwise},
  };
}

}  // namespace frost
