// Conv2D and DepthwiseConv2dNative (plain and _Fused*: bias, residual add,
// activation in the GEMM epilogue), float32 NHWC, on the SIMD kernels
// (kernels/conv_simd.h, kernels/conv_direct.h), tried in this order after
// conv2d/winograd (impl_conv_winograd.cc, 3×3 stride 1 where its cost rule
// says it wins):
//  - conv2d/direct_nhwc: the direct (implicit-GEMM) kernel, which reads the
//    input in place and keeps each output tile in registers over the whole
//    reduction, with the whole epilogue (bias, residual, activation, scale,
//    shift) applied there. Chosen for every ungrouped convolution with a
//    constant filter on a CPU with AVX2 or AVX-512, and for one whose input
//    depth is unknown at prepare time (a grouped feed then runs im2col_gemm's
//    kernel): measured in bench_conv it is at least as fast as im2col + GEMM
//    on every shape there (3×3, 1×1, strided, the 3-channel stem, ResNet's
//    7×7×512 last stage), so the cost rule is just "one group". Its register
//    tile and mode (the stem mode for few input channels, kernels/conv_direct.h)
//    are chosen here from the channels and pixels, and the filter packed for it.
//  - conv2d/im2col_gemm: a GEMM per image tile and group (1×1 stride-1
//    convolutions read the input as the A matrix directly); grouped when the
//    filter's in-depth is C / G (as group_convolutions writes it). A constant
//    filter is packed into the GEMM's B layout at prepare time, for the group
//    count the input's inferred channel count gives.
//  - depthwise/simd: vectorised over channels, the filter used as stored.
#include "kernels/conv_direct.h"
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

// One group: the input's channel count equals the filter's in-depth, or is
// not known at prepare time (a Conv2DBackpropInput whose input_sizes is
// computed, concatenated with a skip branch: U-Net decoders); a known grouped
// depth stays with im2col_gemm.
bool direct_applies(const PrepareContext& ctx) {
  const Tensor* w = constant_filter(ctx);
  if (!conv_applies(ctx) || w == nullptr || w->shape()[2] <= 0 || w->shape()[3] <= 0) return false;
  const int64_t in_c = ctx.input_dim(0, 3);
  return (in_c == w->shape()[2] || in_c < 0) && kernels::conv2d_direct_isa_supported(ctx.isa);
}

// The layer's geometry as far as prepare knows it: the filter always, the
// output pixels when the input's height and width are known (an unknown
// batch counts as 1).
kernels::Conv2DParams prepare_geometry(const PrepareContext& ctx, const nn::Window2DAttrs& attrs, const Shape& w) {
  kernels::Conv2DParams p = filter_params(w, 1);
  const int64_t h = ctx.input_dim(0, 1), wd = ctx.input_dim(0, 2);
  if (h > 0 && wd > 0) {
    try {
      const int64_t n = ctx.input_dim(0, 0);
      p = nn::conv_params(ctx.node, attrs, Shape{n > 0 ? n : 1, h, wd, w[2]}, w);
      p.out_c = w[3];
    } catch (const Error&) {
      // A window larger than the input: the run reports it (reference).
    }
  }
  return p;
}

KernelFn prepare_direct(const PrepareContext& ctx) {
  const OpDef* def = &ctx.def;
  const Fusion f = *read_fusion(ctx.node);
  const nn::Window2DAttrs attrs = nn::read_conv_attrs(ctx.node);
  const Tensor& w = *constant_filter(ctx);
  const kernels::Conv2DParams geometry = prepare_geometry(ctx, attrs, w.shape());
  const kernels::ConvDirectPlan plan = kernels::conv2d_direct_plan(geometry, ctx.isa);
  const PackedConstant packed(w, kernels::conv2d_direct_packed_filter_floats(plan, geometry),
                              [&](float* out) { kernels::conv2d_direct_pack_filter(plan, geometry, w.data<float>(), out); });
  // A depth unknown at prepare time may turn out grouped: im2col_gemm runs those.
  const KernelFn grouped = ctx.input_dim(0, 3) < 0 ? prepare_conv(ctx) : KernelFn{};
  return [def, f, attrs, plan, packed, grouped](OpContext& ctx) {
    const Tensor &x = ctx.input(0), &w = ctx.input(1);
    if (!float_rank4(x, w)) return def->reference(ctx);
    // A feed of another depth: grouped, or malformed (the reference reports).
    if (x.shape()[3] != w.shape()[2]) return grouped ? grouped(ctx) : def->reference(ctx);
    kernels::Conv2DParams p = nn::conv_params(ctx.node(), attrs, x.shape(), w.shape());
    p.out_c = w.shape()[3];
    const Shape out_shape{p.batch, p.out_h, p.out_w, p.out_c};
    const kernels::GemmEpilogue ep = epilogue(ctx, f, out_shape, p.out_c);
    Tensor& y = ctx.allocate_output(0, DType::Float, out_shape);
    with_packed(
        packed, w, kernels::conv2d_direct_packed_filter_floats(plan, p),
        [&](float* out) { kernels::conv2d_direct_pack_filter(plan, p, w.data<float>(), out); },
        [&](const float* filter) { kernels::conv2d_direct_f32(plan, p, x.data<float>(), filter, y.data<float>(), ep); });
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

KernelFn prepare_conv_im2col(const PrepareContext& ctx) { return prepare_conv(ctx); }

std::vector<Implementation> conv_implementations() {
  return {
      conv_winograd_implementation(),  // 3×3 stride 1 where its cost rule says it wins
      {"conv2d/direct_nhwc", {"Conv2D", "_FusedConv2D"}, direct_applies, prepare_direct},
      {"conv2d/im2col_gemm", {"Conv2D", "_FusedConv2D"}, conv_applies, prepare_conv},
      {"depthwise/simd", {"DepthwiseConv2dNative", "_FusedDepthwiseConv2dNative"}, conv_applies, prepare_depthwise},
  };
}

}  // namespace frost
