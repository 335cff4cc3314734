// conv2d/winograd: Conv2D and _FusedConv2D (bias, residual add, activation)
// with a constant 3×3 filter, stride 1, dilation 1 and one group, float32
// NHWC, by Winograd F(4×4, 3×3) (kernels/conv_winograd.h). Chosen before
// conv2d/im2col_gemm when the layer's shape passes the kernel's cost rule
// (conv2d_winograd_pays): enough input and output channels and an image
// that is not tiny. The filter is transformed and packed at prepare time,
// for the ISA conv2d_winograd_isa picks for the layer's channel counts; a
// filter that is not a Const leaves the node to im2col_gemm, and a feed that
// replaces the Const at run time is transformed per run. An input depth not
// known at prepare time counts as one group (a grouped feed runs
// im2col_gemm's kernel): U-Net decoders concatenate a transposed
// convolution of computed input_sizes with a skip branch (unet_small's 3×3
// 16²×32→16 layer: 16 µs here, 27 by the direct kernel planned without its
// size, bench_conv AVX-512 1 thread).
#include <algorithm>
#include <optional>

#include "kernels/conv_winograd.h"
#include "runtime/impl_epilogue.h"
#include "runtime/impl_families.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

// The layer as far as prepare time knows it: the filter's channels, the
// input's spatial size when inferred (else out_h = out_w = 0).
std::optional<kernels::Conv2DParams> known_params(const PrepareContext& ctx, const nn::Window2DAttrs& attrs) {
  std::optional<kernels::Conv2DParams> known = constant_filter_params(ctx, attrs);
  if (!known) return std::nullopt;
  kernels::Conv2DParams& p = *known;
  // One group: the input's channels must be the filter's in-depth, or not
  // known yet (a U-Net decoder's Concat of a Conv2DBackpropInput whose
  // input_sizes is computed); a grouped depth then runs im2col_gemm's kernel.
  const int64_t depth = ctx.input_dim(0, 3);
  if (depth >= 0 && depth != p.in_c) return std::nullopt;
  const int64_t h = ctx.input_dim(0, 1), wd = ctx.input_dim(0, 2);
  if (h > 0 && wd > 0) {
    p.in_h = h;
    p.in_w = wd;
    p.batch = std::max<int64_t>(1, ctx.input_dim(0, 0));
    try {
      nn::fill_conv_window(ctx.node, attrs, p);
    } catch (const Error&) {
      return std::nullopt;  // the run reports the bad geometry
    }
  }
  return known;
}

bool winograd_applies(const PrepareContext& ctx) {
  if (!float_nhwc(ctx.node) || ctx.num_inputs() < 2 || !read_fusion(ctx.node).has_value()) return false;
  nn::Window2DAttrs attrs;
  try {
    attrs = nn::read_conv_attrs(ctx.node);
  } catch (const Error&) {
    return false;  // malformed attrs: left to the implementation that reports them
  }
  const std::optional<kernels::Conv2DParams> p = known_params(ctx, attrs);
  return p && kernels::conv2d_winograd_supported(*p, ctx.isa) && kernels::conv2d_winograd_pays(*p);
}

KernelFn prepare_winograd(const PrepareContext& ctx) {
  const OpDef* def = &ctx.def;
  const Fusion f = *read_fusion(ctx.node);
  const nn::Window2DAttrs attrs = nn::read_conv_attrs(ctx.node);
  const Tensor& w = *ctx.constant(1);
  const kernels::Conv2DParams fp = *known_params(ctx, attrs);
  // The kernel for this layer's channel counts unless the caller forces one.
  const kernels::GemmIsa isa = ctx.isa == kernels::GemmIsa::kAuto ? kernels::conv2d_winograd_isa(fp) : ctx.isa;
  const PackedConstant packed(w, kernels::conv2d_winograd_packed_filter_floats(fp, isa), [&](float* out) {
    kernels::conv2d_winograd_pack_filter(fp, w.data<float>(), out, isa);
  });
  const KernelFn grouped = ctx.input_dim(0, 3) < 0 ? prepare_conv_im2col(ctx) : KernelFn{};
  return [def, f, attrs, packed, isa, grouped](OpContext& ctx) {
    const Tensor &x = ctx.input(0), &w = ctx.input(1);
    // Malformed inputs: the reference reports them.
    if (x.dtype() != DType::Float || w.dtype() != DType::Float || x.rank() != 4 || w.rank() != 4)
      return def->reference(ctx);
    // A feed of another depth: grouped, or malformed (the reference reports).
    if (x.shape()[3] != w.shape()[2]) return grouped ? grouped(ctx) : def->reference(ctx);
    kernels::Conv2DParams p = nn::conv_params(ctx.node(), attrs, x.shape(), w.shape());
    p.out_c = w.shape()[3];
    // A fed filter that is not 3×3: the reference computes it.
    if (!kernels::conv2d_winograd_supported(p, isa)) return def->reference(ctx);
    const Shape out_shape{p.batch, p.out_h, p.out_w, p.out_c};
    const kernels::GemmEpilogue ep = epilogue(ctx, f, out_shape, p.out_c);
    Tensor& y = ctx.allocate_output(0, DType::Float, out_shape);
    kernels::GemmRun run;
    run.isa = isa;
    // The prepared filter, or one transformed now from a fed filter.
    with_packed(
        packed, w, kernels::conv2d_winograd_packed_filter_floats(p, isa),
        [&](float* out) { kernels::conv2d_winograd_pack_filter(p, w.data<float>(), out, isa); },
        [&](const float* filter) { kernels::conv2d_winograd_f32(p, x.data<float>(), filter, y.data<float>(), ep, run); });
  };
}

}  // namespace

Implementation conv_winograd_implementation() {
  return {"conv2d/winograd", {"Conv2D", "_FusedConv2D"}, winograd_applies, prepare_winograd};
}

}  // namespace frost
