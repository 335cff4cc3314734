// Convolution throughput (NHWC, batch 1, single precision) of Frost's
// kernels beside oneDNN's convolution primitive and "im2col + SGEMM" with
// oneDNN's dnnl_sgemm, OpenBLAS and Eigen, 1 and 2 threads; the transposed
// convolution (Conv2DBackpropInput) beside oneDNN's deconvolution primitive.
//
// Each benchmark is named conv/<shape>/<library>/threads:<t> with GFLOP/s
// (2·multiply-adds per second) and pct_peak counters, the peak measured by
// this binary's FMA loop. Weights are prepared (packed / reordered) once,
// outside the timed loop, as a planned model does; the im2col buffer of the
// "im2col_*" peers is filled inside it. oneDNN's primitive reads and writes
// NHWC (format_tag::nhwc) and chooses its own weight layout.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "kernels/conv.h"
#include "kernels/conv_direct.h"
#include "kernels/conv_simd.h"
#include "kernels/conv_transpose_direct.h"
#include "kernels/conv_winograd.h"
#include "kernels/simd/conv_pointwise_panel.h"
#include "kernels/padding.h"
#include "bench_util.h"

#if FROST_BENCH_HAVE_EIGEN
#include <Eigen/Core>
#endif
#if FROST_BENCH_HAVE_OPENBLAS
#include <cblas.h>
#endif
#if FROST_BENCH_HAVE_ONEDNN
#include <dnnl.h>

#include <dnnl.hpp>
#endif

namespace {

using frost::kernels::Conv2DParams;

struct ConvCase {
  std::string label;
  Conv2DParams p;  // the forward convolution, also for a transposed case
  bool depthwise;
  bool transpose = false;  // out_backprop (out_h×out_w×out_c) -> in_backprop (in_h×in_w×in_c)
};

// A SAME convolution with an fh × fw window (speech models convolve
// spectrograms with tall rectangular windows).
Conv2DParams same_conv(int64_t h, int64_t w, int64_t cin, int64_t cout, int64_t fh, int64_t fw, int64_t stride,
                       bool depthwise) {
  Conv2DParams p;
  p.batch = 1;
  p.in_h = h;
  p.in_w = w;
  p.in_c = cin;
  p.out_c = depthwise ? cin : cout;
  p.filter_h = fh;
  p.filter_w = fw;
  p.stride_h = p.stride_w = stride;
  frost::kernels::WindowDim dh, dw;
  frost::kernels::compute_window_dim(h, fh, stride, 1, frost::kernels::PaddingMode::Same, 0, 0, &dh);
  frost::kernels::compute_window_dim(w, fw, stride, 1, frost::kernels::PaddingMode::Same, 0, 0, &dw);
  p.out_h = dh.output;
  p.out_w = dw.output;
  p.pad_top = dh.pad_before;
  p.pad_left = dw.pad_before;
  return p;
}

Conv2DParams same_conv(int64_t h, int64_t w, int64_t cin, int64_t cout, int64_t f, int64_t stride, bool depthwise) {
  return same_conv(h, w, cin, cout, f, f, stride, depthwise);
}

// Issue 8's shapes (ResNet 3×3 and 1×1 at 56×56, MobileNet depthwise at
// 112×112) plus ResNet's last stage, a stride-2 RGB stem and a stride-2
// depthwise.
std::vector<ConvCase> cases() {
  return {
      {"3x3_56x56x64_to_64", same_conv(56, 56, 64, 64, 3, 1, false), false},
      // The other 3×3 stride-1 stages of ResNet50 / VGG (Winograd's shapes).
      {"3x3_28x28x128_to_128", same_conv(28, 28, 128, 128, 3, 1, false), false},
      {"3x3_14x14x256_to_256", same_conv(14, 14, 256, 256, 3, 1, false), false},
      {"3x3_7x7x512_to_512", same_conv(7, 7, 512, 512, 3, 1, false), false},
      {"1x1_56x56x64_to_256", same_conv(56, 56, 64, 256, 1, 1, false), false},
      // ResNet50's last stage: few pixels, a deep reduction (the filter, not
      // the input, is what streams through the caches).
      {"1x1_7x7x2048_to_512", same_conv(7, 7, 2048, 512, 1, 1, false), false},
      {"3x3s2_224x224x3_to_32", same_conv(224, 224, 3, 32, 3, 2, false), false},
      // ResNet50's stem, and the few-channel ends of small CNNs: an RGB
      // first layer with 8 outputs, a grayscale one, a 1×1 head with 3.
      {"7x7s2_224x224x3_to_64", same_conv(224, 224, 3, 64, 7, 2, false), false},
      {"3x3_32x32x3_to_8", same_conv(32, 32, 3, 8, 3, 1, false), false},
      {"3x3_28x28x1_to_28", same_conv(28, 28, 1, 28, 3, 1, false), false},
      {"1x1_32x32x8_to_3", same_conv(32, 32, 8, 3, 1, 1, false), false},
      // 8 channels in: where the stem mode (in_c <= 8) meets Winograd's rule.
      {"3x3_32x32x8_to_8", same_conv(32, 32, 8, 8, 3, 1, false), false},
      {"3x3_64x64x8_to_32", same_conv(64, 64, 8, 32, 3, 1, false), false},
      {"3x3_368x640x8_to_8", same_conv(368, 640, 8, 8, 3, 1, false), false},  // sbd_yolo
      {"3x3_184x320x8_to_16", same_conv(184, 320, 8, 16, 3, 1, false), false},  // sbd_yolo
      {"3x3_184x320x16_to_16", same_conv(184, 320, 16, 16, 3, 1, false), false},  // sbd_yolo
      {"3x3_56x56x12_to_32", same_conv(56, 56, 12, 32, 3, 1, false), false},
      {"3x3_56x56x16_to_32", same_conv(56, 56, 16, 32, 3, 1, false), false},
      {"3x3_32x32x16_to_16", same_conv(32, 32, 16, 16, 3, 1, false), false},  // resnet_small
      {"3x3_16x16x32_to_32", same_conv(16, 16, 32, 32, 3, 1, false), false},  // resnet_small
      {"3x3_92x160x32_to_32", same_conv(92, 160, 32, 32, 3, 1, false), false},  // sbd_yolo
      // unet_small's decoder: a skip concatenation into few outputs.
      {"3x3_32x32x24_to_8", same_conv(32, 32, 24, 8, 3, 1, false), false},
      {"3x3_16x16x32_to_16", same_conv(16, 16, 32, 16, 3, 1, false), false},
      // speech_commands_conv: an MFCC image (98 frames × 40 coefficients)
      {"20x8_98x40x1_to_64", same_conv(98, 40, 1, 64, 20, 8, 1, false), false},
      {"10x4_49x20x64_to_64", same_conv(49, 20, 64, 64, 10, 4, 1, false), false},
      {"5x5_128x43x32_to_64", same_conv(128, 43, 32, 64, 5, 1, false), false},  // captcha_cnn
      // opencv_face_detector's 19² layers: 25 Winograd tiles, two GEMM row
      // tiles and one tile more.
      {"3x3_19x19x256_to_256", same_conv(19, 19, 256, 256, 3, 1, false), false},
      {"3x3_19x19x256_to_128", same_conv(19, 19, 256, 128, 3, 1, false), false},
      // MobileNetV2's 1×1 layers at their extremes, at width 1.0 (large/) and
      // at the corpus' small width: an expansion of few channels over many
      // pixels (the output, not the FMAs, is most of the traffic), a
      // projection to 8, and the last layer, 1280 channels over 7×7 pixels.
      {"1x1_112x112x16_to_96", same_conv(112, 112, 16, 96, 1, 1, false), false},
      {"1x1_112x112x8_to_48", same_conv(112, 112, 8, 48, 1, 1, false), false},
      {"1x1_112x112x16_to_8", same_conv(112, 112, 16, 8, 1, 1, false), false},
      // Filter panels that fit the registers (conv_resident.h): MobileNetV1
      // 0.25's first pointwise layer at 128², an MNIST-style first layer.
      {"1x1_64x64x8_to_16", same_conv(64, 64, 8, 16, 1, 1, false), false},
      {"3x3_28x28x1_to_32", same_conv(28, 28, 1, 32, 3, 1, false), false},
      {"3x3_64x64x2_to_32", same_conv(64, 64, 2, 32, 3, 1, false), false},
      // The taps kernel's other layers (conv_taps.h): one or two channels
      // whose filter does not fit the registers (an MNIST 5×5 layer, a
      // grayscale stem to 64, two channels at stride 2), 8 channels to one
      // vector of outputs.
      {"5x5_28x28x1_to_32", same_conv(28, 28, 1, 32, 5, 1, false), false},
      {"3x3_112x112x1_to_64", same_conv(112, 112, 1, 64, 3, 1, false), false},
      {"3x3s2_128x128x2_to_32", same_conv(128, 128, 2, 32, 3, 2, false), false},
      {"3x3_56x56x8_to_16", same_conv(56, 56, 8, 16, 3, 1, false), false},
      {"3x3_32x32x8_to_12", same_conv(32, 32, 8, 12, 3, 1, false), false},
      {"1x1_56x56x24_to_144", same_conv(56, 56, 24, 144, 1, 1, false), false},
      {"1x1_28x28x32_to_192", same_conv(28, 28, 32, 192, 1, 1, false), false},
      {"1x1_56x56x96_to_24", same_conv(56, 56, 96, 24, 1, 1, false), false},
      {"1x1_56x56x48_to_8", same_conv(56, 56, 48, 8, 1, 1, false), false},
      // The rest of MobileNetV2 (224²)'s expansions and projections.
      {"1x1_14x14x64_to_384", same_conv(14, 14, 64, 384, 1, 1, false), false},
      {"1x1_7x7x160_to_960", same_conv(7, 7, 160, 960, 1, 1, false), false},
      {"1x1_112x112x32_to_16", same_conv(112, 112, 32, 16, 1, 1, false), false},
      {"1x1_56x56x144_to_24", same_conv(56, 56, 144, 24, 1, 1, false), false},
      {"1x1_7x7x960_to_160", same_conv(7, 7, 960, 160, 1, 1, false), false},
      // Output channels ≡ 8 mod 16 (MobileNetV2 at width 0.35: 24, 56).
      {"1x1_28x28x144_to_24", same_conv(28, 28, 144, 24, 1, 1, false), false},
      {"1x1_14x14x336_to_56", same_conv(14, 14, 336, 56, 1, 1, false), false},
      {"3x3_28x28x24_to_40", same_conv(28, 28, 24, 40, 3, 1, false), false},
      {"1x1_7x7x320_to_1280", same_conv(7, 7, 320, 1280, 1, 1, false), false},
      {"1x1_7x7x112_to_1280", same_conv(7, 7, 112, 1280, 1, 1, false), false},
      {"3x3s2_224x224x3_to_16", same_conv(224, 224, 3, 16, 3, 2, false), false},
      {"dw3x3_112x112x32", same_conv(112, 112, 32, 32, 3, 1, true), true},
      {"dw3x3s2_112x112x64", same_conv(112, 112, 64, 64, 3, 2, true), true},
      // MobileNetV2 (224²) depthwise layers: stride 1 at each resolution, the
      // stride-2 one of the largest input.
      {"dw3x3_56x56x144", same_conv(56, 56, 144, 144, 3, 1, true), true},
      {"dw3x3_28x28x192", same_conv(28, 28, 192, 192, 3, 1, true), true},
      {"dw3x3_14x14x384", same_conv(14, 14, 384, 384, 3, 1, true), true},
      {"dw3x3_7x7x960", same_conv(7, 7, 960, 960, 3, 1, true), true},
      {"dw3x3s2_112x112x96", same_conv(112, 112, 96, 96, 3, 2, true), true},
      // A U-Net/decoder upsampling step: 28×28×64 -> 56×56×32, 3×3 stride 2 SAME.
      {"deconv3x3s2_28x28x64_to_56x56x32", same_conv(56, 56, 32, 64, 3, 2, false), false, true},
      // A small autoencoder's decoder (corpus cae_mnist): 7×7×32 -> 14×14×16, 5×5 stride 2 SAME.
      {"deconv5x5s2_7x7x32_to_14x14x16", same_conv(14, 14, 16, 32, 5, 2, false), false, true},
  };
}

// A transposed case does exactly the multiply-adds of its forward convolution.
double conv_gflop(const ConvCase& c) {
  const Conv2DParams& p = c.p;
  const double per_out = static_cast<double>(p.filter_h * p.filter_w) * (c.depthwise ? 1.0 : static_cast<double>(p.in_c));
  return 2.0 * static_cast<double>(p.batch * p.out_h * p.out_w * p.out_c) * per_out * 1e-9;
}

std::vector<float> random_floats(size_t n) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

size_t input_size(const Conv2DParams& p) { return static_cast<size_t>(p.batch * p.in_h * p.in_w * p.in_c); }
size_t output_size(const Conv2DParams& p) { return static_cast<size_t>(p.batch * p.out_h * p.out_w * p.out_c); }
size_t filter_size(const ConvCase& c) {
  const Conv2DParams& p = c.p;
  return static_cast<size_t>(p.filter_h * p.filter_w * (c.depthwise ? p.in_c : p.in_c * p.out_c));
}

void add_counters(benchmark::State& st, const ConvCase& c, int threads) {
  frost::bench::add_flop_counters(st, conv_gflop(c), threads);
}

// The kernels' generic entry points: conv2d_f32 (im2col + GEMM, direct
// GEMM for 1×1), conv2d_backprop_input_f32 (GEMM + col2im) and the
// depthwise kernel. The runtime falls back to the first two only where its
// direct and Winograd kernels do not apply (groups, SSE2): bm_frost below
// runs what it picks.
void bm_frost_generic(benchmark::State& st, const ConvCase& c, int threads) {
  frost::bench::set_threads(threads);
  const Conv2DParams& p = c.p;
  const std::vector<float> in = random_floats(input_size(p)), filter = random_floats(filter_size(c));
  std::vector<float> out(output_size(p));
  frost::kernels::GemmRun run;
  run.threads = threads;
  if (c.transpose) {
    const std::vector<float> dy = random_floats(output_size(p));
    std::vector<float> dx(input_size(p));
    std::vector<float> packed(frost::kernels::conv2d_backprop_input_packed_filter_floats(p));
    frost::kernels::conv2d_backprop_input_pack_filter(p, filter.data(), packed.data());
    std::vector<float> scratch(frost::kernels::conv2d_backprop_input_scratch_floats(p, threads));
    run.scratch = scratch.data();
    frost::kernels::conv2d_backprop_input_f32(p, dy.data(), packed.data(), dx.data(), run);  // warm-up
    for (auto _ : st) {
      frost::kernels::conv2d_backprop_input_f32(p, dy.data(), packed.data(), dx.data(), run);
      benchmark::ClobberMemory();
    }
  } else if (c.depthwise) {
    std::vector<float> scratch(frost::kernels::depthwise_conv2d_scratch_floats(p));
    run.scratch = scratch.data();
    frost::kernels::depthwise_conv2d_f32(p, in.data(), filter.data(), out.data(), {}, run);  // warm-up
    for (auto _ : st) {
      frost::kernels::depthwise_conv2d_f32(p, in.data(), filter.data(), out.data(), {}, run);
      benchmark::ClobberMemory();
    }
  } else {
    std::vector<float> packed(frost::kernels::conv2d_packed_filter_floats(p));
    frost::kernels::conv2d_pack_filter(p, filter.data(), packed.data());
    std::vector<float> scratch(frost::kernels::conv2d_scratch_floats(p, threads));
    run.scratch = scratch.data();
    frost::kernels::conv2d_f32(p, in.data(), packed.data(), out.data(), {}, run);  // warm-up
    for (auto _ : st) {
      frost::kernels::conv2d_f32(p, in.data(), packed.data(), out.data(), {}, run);
      benchmark::ClobberMemory();
    }
  }
  add_counters(st, c, threads);
}

// The epilogue MobileNets fuse into their convolutions: bias and ReLU6.
frost::kernels::GemmEpilogue bias_relu6(const std::vector<float>& bias) {
  frost::kernels::GemmEpilogue ep;
  ep.bias = bias.data();
  ep.activation = frost::kernels::Activation::kRelu6;
  return ep;
}

// The depthwise kernel with bias and ReLU6 fused, as the runtime runs
// MobileNets' layers; the plain row has no epilogue.
void bm_frost_dw_bias_relu6(benchmark::State& st, const ConvCase& c, int threads) {
  frost::bench::set_threads(threads);
  const Conv2DParams& p = c.p;
  const std::vector<float> in = random_floats(input_size(p)), filter = random_floats(filter_size(c));
  const std::vector<float> bias = random_floats(static_cast<size_t>(p.out_c));
  std::vector<float> out(output_size(p));
  std::vector<float> scratch(frost::kernels::depthwise_conv2d_scratch_floats(p));
  frost::kernels::GemmRun run;
  run.threads = threads;
  run.scratch = scratch.data();
  const frost::kernels::GemmEpilogue ep = bias_relu6(bias);
  frost::kernels::depthwise_conv2d_f32(p, in.data(), filter.data(), out.data(), ep, run);  // warm-up
  for (auto _ : st) {
    frost::kernels::depthwise_conv2d_f32(p, in.data(), filter.data(), out.data(), ep, run);
    benchmark::ClobberMemory();
  }
  add_counters(st, c, threads);
}

// The direct (implicit-GEMM) convolution with the tile its plan picks for
// the shape, on `isa` (kAuto: the best the CPU has); the label names the tile.
// tile >= 0 forces that tile of the ISA's table instead, in the stem mode
// where it fits (conv2d_direct_stem_fits), as the plan would. fused: with
// bias and ReLU6 (bias_relu6), as in MobileNets.
// panel: tile i in the panel kernel of pointwise layers (ConvDirectPlan::panel),
// panel_mr pixels per tile there (0: the tile's).
void bm_frost_direct(benchmark::State& st, const ConvCase& c, int threads, frost::kernels::GemmIsa isa, int tile,
                     bool fused, bool panel, int panel_mr) {
  frost::bench::set_threads(threads);
  const Conv2DParams& p = c.p;
  frost::kernels::ConvDirectPlan plan =
      tile >= 0 ? frost::kernels::conv2d_direct_tile(tile, isa) : frost::kernels::conv2d_direct_plan(p, isa);
  if (tile >= 0 && plan.valid()) plan.stem = frost::kernels::conv2d_direct_stem_fits(p, plan.nr);
  if (tile >= 0 && plan.valid()) plan.panel = panel;
  if (tile >= 0 && plan.valid()) plan.panel_mr = panel_mr;
  if (!plan.valid()) {
    st.SkipWithError("no direct kernel for this ISA");
    return;
  }
  const std::vector<float> in = random_floats(input_size(p)), filter = random_floats(filter_size(c));
  std::vector<float> out(output_size(p));
  std::vector<float> packed(frost::kernels::conv2d_direct_packed_filter_floats(plan, p));
  frost::kernels::conv2d_direct_pack_filter(plan, p, filter.data(), packed.data());
  std::vector<float> scratch(frost::kernels::conv2d_direct_scratch_floats(plan, p, threads));
  frost::kernels::GemmRun run;
  run.threads = threads;
  run.scratch = scratch.data();
  const std::vector<float> bias = random_floats(static_cast<size_t>(p.out_c));
  const frost::kernels::GemmEpilogue ep = fused ? bias_relu6(bias) : frost::kernels::GemmEpilogue{};
  frost::kernels::conv2d_direct_f32(plan, p, in.data(), packed.data(), out.data(), ep, run);  // warm-up
  for (auto _ : st) {
    frost::kernels::conv2d_direct_f32(plan, p, in.data(), packed.data(), out.data(), ep, run);
    benchmark::ClobberMemory();
  }
  st.SetLabel(frost::kernels::conv2d_direct_kernel_name(plan));
  add_counters(st, c, threads);
}

// The direct transposed convolution (kernels/conv_transpose_direct.h), as
// conv2d_backprop_input/direct_nhwc runs it; counted in the forward
// convolution's FLOPs like the gemm_col2im row.
void bm_frost_transpose_direct(benchmark::State& st, const ConvCase& c, int threads) {
  frost::bench::set_threads(threads);
  const Conv2DParams& p = c.p;
  const std::vector<float> dy = random_floats(output_size(p)), filter = random_floats(filter_size(c));
  std::vector<float> dx(input_size(p));
  std::vector<float> packed(frost::kernels::conv2d_transpose_direct_packed_filter_floats(p));
  frost::kernels::conv2d_transpose_direct_pack_filter(p, filter.data(), packed.data());
  std::vector<float> scratch(frost::kernels::conv2d_transpose_direct_scratch_floats(p));
  frost::kernels::GemmRun run;
  run.threads = threads;
  run.scratch = scratch.data();
  frost::kernels::conv2d_transpose_direct_f32(p, dy.data(), packed.data(), dx.data(), run);  // warm-up
  for (auto _ : st) {
    frost::kernels::conv2d_transpose_direct_f32(p, dy.data(), packed.data(), dx.data(), run);
    benchmark::ClobberMemory();
  }
  st.SetLabel(frost::kernels::conv2d_transpose_direct_kernel_name());
  add_counters(st, c, threads);
}

// Winograd F(4×4, 3×3) (kernels/conv_winograd.h), whatever its cost rule
// says, on the ISA conv2d_winograd_isa picks (as conv2d/winograd runs it) or
// on `forced` (to check that pick); counted in the direct convolution's
// FLOPs like every other row.
void bm_frost_winograd(benchmark::State& st, const ConvCase& c, int threads,
                       frost::kernels::GemmIsa forced = frost::kernels::GemmIsa::kAuto) {
  frost::bench::set_threads(threads);
  const Conv2DParams& p = c.p;
  const frost::kernels::GemmIsa isa =
      forced == frost::kernels::GemmIsa::kAuto ? frost::kernels::conv2d_winograd_isa(p) : forced;
  const std::vector<float> in = random_floats(input_size(p)), filter = random_floats(filter_size(c));
  std::vector<float> out(output_size(p));
  std::vector<float> packed(frost::kernels::conv2d_winograd_packed_filter_floats(p, isa));
  frost::kernels::conv2d_winograd_pack_filter(p, filter.data(), packed.data(), isa);
  std::vector<float> scratch(frost::kernels::conv2d_winograd_scratch_floats(p, threads, isa));
  frost::kernels::GemmRun run;
  run.threads = threads;
  run.scratch = scratch.data();
  run.isa = isa;
  frost::kernels::conv2d_winograd_f32(p, in.data(), packed.data(), out.data(), {}, run);  // warm-up
  for (auto _ : st) {
    frost::kernels::conv2d_winograd_f32(p, in.data(), packed.data(), out.data(), {}, run);
    benchmark::ClobberMemory();
  }
  st.SetLabel(frost::kernels::conv2d_winograd_kernel_name(isa));
  add_counters(st, c, threads);
}

// What the runtime runs for the layer, in its order (impl_conv_winograd.cc,
// impl_conv.cc, impl_conv_transpose.cc): Winograd where its cost rule says
// it pays, else the direct kernel with its planned tile, else the generic
// entry point; transposed layers the direct transposed kernel where it
// applies. The label names the kernel.
void bm_frost(benchmark::State& st, const ConvCase& c, int threads) {
  if (c.transpose) {
    if (frost::kernels::conv2d_transpose_direct_supported(c.p)) return bm_frost_transpose_direct(st, c, threads);
  } else if (!c.depthwise) {
    if (frost::kernels::conv2d_winograd_supported(c.p) && frost::kernels::conv2d_winograd_pays(c.p))
      return bm_frost_winograd(st, c, threads);
    if (frost::kernels::conv2d_direct_plan(c.p).valid())
      return bm_frost_direct(st, c, threads, frost::kernels::GemmIsa::kAuto, -1, false, false, 0);
  }
  bm_frost_generic(st, c, threads);
}

// The full im2col matrix (pixels × fh·fw·in_c), as Caffe-style engines build it.
void im2col_full(const Conv2DParams& p, const float* in, float* cols) {
  const int64_t k = p.filter_h * p.filter_w * p.in_c;
  for (int64_t oy = 0; oy < p.out_h; ++oy)
    for (int64_t ox = 0; ox < p.out_w; ++ox) {
      float* row = cols + (oy * p.out_w + ox) * k;
      for (int64_t ky = 0; ky < p.filter_h; ++ky)
        for (int64_t kx = 0; kx < p.filter_w; ++kx) {
          const int64_t iy = oy * p.stride_h - p.pad_top + ky, ix = ox * p.stride_w - p.pad_left + kx;
          float* dst = row + (ky * p.filter_w + kx) * p.in_c;
          if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) {
            std::memset(dst, 0, static_cast<size_t>(p.in_c) * sizeof(float));
          } else {
            std::memcpy(dst, in + (iy * p.in_w + ix) * p.in_c, static_cast<size_t>(p.in_c) * sizeof(float));
          }
        }
    }
}

enum class Gemm { kOneDnn, kOpenBlas, kEigen };

void bm_im2col(benchmark::State& st, const ConvCase& c, int threads, Gemm which) {
  frost::bench::set_threads(threads);
  const Conv2DParams& p = c.p;
  const std::vector<float> in = random_floats(input_size(p)), filter = random_floats(filter_size(c));
  std::vector<float> out(output_size(p));
  const int64_t m = p.out_h * p.out_w, n = p.out_c, k = p.filter_h * p.filter_w * p.in_c;
  const bool pointwise = p.filter_h == 1 && p.filter_w == 1 && p.stride_h == 1 && p.stride_w == 1;
  std::vector<float> cols(pointwise ? 0 : static_cast<size_t>(m * k));
  for (auto _ : st) {
    const float* a = in.data();
    if (!pointwise) {
      im2col_full(p, in.data(), cols.data());
      a = cols.data();
    }
    switch (which) {
      case Gemm::kOneDnn:
#if FROST_BENCH_HAVE_ONEDNN
        dnnl_sgemm('N', 'N', m, n, k, 1.0f, a, k, filter.data(), n, 0.0f, out.data(), n);
#endif
        break;
      case Gemm::kOpenBlas:
#if FROST_BENCH_HAVE_OPENBLAS
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<blasint>(m), static_cast<blasint>(n),
                    static_cast<blasint>(k), 1.0f, a, static_cast<blasint>(k), filter.data(), static_cast<blasint>(n),
                    0.0f, out.data(), static_cast<blasint>(n));
#endif
        break;
      case Gemm::kEigen: {
#if FROST_BENCH_HAVE_EIGEN
        using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        Eigen::Map<const RowMajor> am(a, m, k), bm(filter.data(), k, n);
        Eigen::Map<RowMajor> cm(out.data(), m, n);
        cm.noalias() = am * bm;
#endif
        break;
      }
    }
    benchmark::ClobberMemory();
  }
  add_counters(st, c, threads);
}

#if FROST_BENCH_HAVE_ONEDNN
// Times a oneDNN primitive on random data, weights in the layout it chose
// (reordered once, as a planned model would).
void time_onednn(benchmark::State& st, const ConvCase& c, int threads, const dnnl::engine& eng,
                 const dnnl::primitive& prim, const dnnl::primitive_desc_base& pd) {
  dnnl::stream strm(eng);
  std::vector<float> in = random_floats(pd.src_desc(0).get_size() / sizeof(float));
  std::vector<float> out(pd.dst_desc(0).get_size() / sizeof(float));
  std::vector<float> weights = random_floats(pd.weights_desc(0).get_size() / sizeof(float) + 1);
  const std::unordered_map<int, dnnl::memory> args{
      {DNNL_ARG_SRC, dnnl::memory(pd.src_desc(0), eng, in.data())},
      {DNNL_ARG_WEIGHTS, dnnl::memory(pd.weights_desc(0), eng, weights.data())},
      {DNNL_ARG_DST, dnnl::memory(pd.dst_desc(0), eng, out.data())}};
  prim.execute(strm, args);  // warm-up
  strm.wait();
  for (auto _ : st) {
    prim.execute(strm, args);
    strm.wait();
    benchmark::ClobberMemory();
  }
  st.SetLabel(pd.impl_info_str());
  add_counters(st, c, threads);
}

void onednn_conv(benchmark::State& st, const ConvCase& c, int threads, dnnl::algorithm algo) {
  frost::bench::set_threads(threads);
  const Conv2DParams& p = c.p;
  using dnnl::memory;
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  const memory::dims src_dims = {p.batch, p.in_c, p.in_h, p.in_w};
  const memory::dims dst_dims = {p.batch, p.out_c, p.out_h, p.out_w};
  const memory::dims w_dims = c.depthwise ? memory::dims{p.in_c, 1, 1, p.filter_h, p.filter_w}
                                          : memory::dims{p.out_c, p.in_c, p.filter_h, p.filter_w};
  const memory::dims strides = {p.stride_h, p.stride_w};
  const int64_t pad_bottom = (p.out_h - 1) * p.stride_h + p.filter_h - p.in_h - p.pad_top;
  const int64_t pad_right = (p.out_w - 1) * p.stride_w + p.filter_w - p.in_w - p.pad_left;
  const memory::dims pad_l = {p.pad_top, p.pad_left};
  const memory::dims pad_r = {std::max<int64_t>(0, pad_bottom), std::max<int64_t>(0, pad_right)};
  const memory::desc src_md(src_dims, memory::data_type::f32, memory::format_tag::nhwc);
  const memory::desc dst_md(dst_dims, memory::data_type::f32, memory::format_tag::nhwc);
  const memory::desc w_md(w_dims, memory::data_type::f32, memory::format_tag::any);
  const dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, algo, src_md, w_md, dst_md, strides,
                                             pad_l, pad_r);
  dnnl::convolution_forward::primitive_desc pd;
  try {
    pd = dnnl::convolution_forward::primitive_desc(desc, eng);
  } catch (const dnnl::error&) {
    st.SkipWithError("oneDNN has no implementation of this algorithm here");
    return;
  }
  time_onednn(st, c, threads, eng, dnnl::convolution_forward(pd), pd);
}

void bm_onednn_primitive(benchmark::State& st, const ConvCase& c, int threads) {
  onednn_conv(st, c, threads, dnnl::algorithm::convolution_direct);
}

// oneDNN's own Winograd (F(4×4, 3×3) on AVX-512 cores; skipped where it has none).
void bm_onednn_winograd(benchmark::State& st, const ConvCase& c, int threads) {
  onednn_conv(st, c, threads, dnnl::algorithm::convolution_winograd);
}

// The transposed convolution as oneDNN's deconvolution primitive: its source
// is out_backprop (out_c channels), its destination in_backprop (in_c).
void bm_onednn_deconv(benchmark::State& st, const ConvCase& c, int threads) {
  frost::bench::set_threads(threads);
  const Conv2DParams& p = c.p;
  using dnnl::memory;
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  const memory::desc src_md({p.batch, p.out_c, p.out_h, p.out_w}, memory::data_type::f32, memory::format_tag::nhwc);
  const memory::desc dst_md({p.batch, p.in_c, p.in_h, p.in_w}, memory::data_type::f32, memory::format_tag::nhwc);
  const memory::desc w_md({p.in_c, p.out_c, p.filter_h, p.filter_w}, memory::data_type::f32, memory::format_tag::any);
  // oneDNN: dst = (src − 1)·stride + filter − pad_l − pad_r, the forward
  // convolution's relation read backwards.
  const int64_t pad_bottom = (p.out_h - 1) * p.stride_h + p.filter_h - p.in_h - p.pad_top;
  const int64_t pad_right = (p.out_w - 1) * p.stride_w + p.filter_w - p.in_w - p.pad_left;
  const dnnl::deconvolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct, src_md, w_md, dst_md,
      {p.stride_h, p.stride_w}, {p.pad_top, p.pad_left}, {pad_bottom, pad_right});
  const dnnl::deconvolution_forward::primitive_desc pd(desc, eng);
  time_onednn(st, c, threads, eng, dnnl::deconvolution_forward(pd), pd);
}
#endif

void register_all() {
  benchmark::AddCustomContext("frost_depthwise_kernel", frost::kernels::depthwise_conv2d_kernel_name());
  for (const ConvCase& c : cases()) {
    for (int t : {1, 2}) {
      const std::string base = "conv/" + c.label + "/", tail = "/threads:" + std::to_string(t);
      auto reg = [&](const std::string& lib, auto fn, auto... args) {
        benchmark::RegisterBenchmark((base + lib + tail).c_str(), fn, c, t, args...)
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
      };
      reg("frost", bm_frost);
      reg("frost_generic", bm_frost_generic);
      if (c.depthwise) reg("frost_bias_relu6", bm_frost_dw_bias_relu6);
      if (c.transpose && frost::kernels::conv2d_transpose_direct_supported(c.p))
        reg("frost_direct", bm_frost_transpose_direct);
      if (!c.depthwise && !c.transpose) {
        reg("frost_direct", bm_frost_direct, frost::kernels::GemmIsa::kAuto, -1, false, false, 0);
        reg("frost_direct_bias_relu6", bm_frost_direct, frost::kernels::GemmIsa::kAuto, -1, true, false, 0);
        reg("frost_direct_avx2", bm_frost_direct, frost::kernels::GemmIsa::kAvx2, -1, false, false, 0);
        reg("frost_direct_avx2_bias_relu6", bm_frost_direct, frost::kernels::GemmIsa::kAvx2, -1, true, false, 0);
        // Every tile of the best ISA, to check the plan's choice.
        for (int i = 0; i < frost::kernels::conv2d_direct_tile_count(); ++i) {
          reg("frost_direct_tile" + std::to_string(i), bm_frost_direct, frost::kernels::GemmIsa::kAuto, i, false, false, 0);
          frost::kernels::ConvDirectPlan panel = frost::kernels::conv2d_direct_tile(i);
          panel.panel = true;
          if (std::string(frost::kernels::conv2d_direct_kernel_name(panel)).find("panel") == std::string::npos ||
              c.p.filter_h != 1 || c.p.filter_w != 1 || c.p.stride_h != 1 || c.p.stride_w != 1)
            continue;
          reg("frost_panel_tile" + std::to_string(i), bm_frost_direct, frost::kernels::GemmIsa::kAuto, i, false, true, 0);
          // The panel kernel's other tiles on this tile's panels (ConvDirectPlan::panel_mr).
          for (const auto& other : frost::kernels::simd::kPanelTiles)
            if (other[1] == panel.nr && other[0] != panel.mr)
              reg("frost_panel_tile" + std::to_string(i) + "_mr" + std::to_string(other[0]), bm_frost_direct,
                  frost::kernels::GemmIsa::kAuto, i, false, true, other[0]);
        }
      }
#if FROST_BENCH_HAVE_ONEDNN
      reg("onednn", c.transpose ? bm_onednn_deconv : bm_onednn_primitive);
#endif
      if (c.depthwise || c.transpose) continue;
      if (frost::kernels::conv2d_winograd_supported(c.p)) {
        reg("frost_winograd", bm_frost_winograd, frost::kernels::GemmIsa::kAuto);
        if (frost::kernels::gemm_isa_available(frost::kernels::GemmIsa::kAvx512)) {
          reg("frost_winograd_avx512", bm_frost_winograd, frost::kernels::GemmIsa::kAvx512);
          reg("frost_winograd_avx2", bm_frost_winograd, frost::kernels::GemmIsa::kAvx2);
        }
#if FROST_BENCH_HAVE_ONEDNN
        reg("onednn_winograd", bm_onednn_winograd);
#endif
      }
#if FROST_BENCH_HAVE_ONEDNN
      reg("im2col_onednn_sgemm", bm_im2col, Gemm::kOneDnn);
#endif
#if FROST_BENCH_HAVE_OPENBLAS
      reg("im2col_openblas", bm_im2col, Gemm::kOpenBlas);
#endif
#if FROST_BENCH_HAVE_EIGEN
      reg("im2col_eigen", bm_im2col, Gemm::kEigen);
#endif
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  return frost::bench::run_benchmarks(argc, argv, frost::bench::Peak::kMeasure, register_all);
}
