// A pointwise convolution (1×1, stride 1, no padding: the input is one
// pixels × in_c matrix) in the shape of oneDNN's brgemm: one call of the
// inner kernel multiplies a long run of pixel tiles by one filter panel,
// the input's row stride in a register, so that what the direct kernel pays
// per tile and panel (the pointer table or the stem's row geometry, the
// epilogue's pointers and flags, the panel's address) is paid once per run.
// Every tile of the run reads the same panel (from L1 where it fits); the
// epilogue (bias as the accumulators' first value, residual, ReLU / ReLU6
// as a clamp) is compiled in per kind, not tested per vector.
// Runs on the direct convolution's packed filter (conv2d_direct_pack_filter,
// panels of NR columns); the plan picks it (conv_direct_f32.cc).
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/gemm.h"

namespace frost::kernels::simd {

// The register tiles the kernel is instantiated for (pixels × channels):
// the AVX-512 direct tiles that broadcast each input value into a register
// (direct_register_broadcast), and taller ones on the same panels (NR alone
// shapes the packing) that conv_pointwise_panel_best_tile may pick instead
// (ConvDirectPlan::panel_mr). 7 × 64 is not one: its 28 accumulators and 4
// filter vectors leave no register for the broadcast, and GCC spilled
// accumulators in its FMA loop. Nor is 8 × 48: against 7 × 48 it ran
// 1×1 112²×16→96 at 179 / 193 / 194 µs vs 187 / 187 / 188 and 56²×24→144
// at 99 / 103 / 101 vs 96 / 98 / 105 (bench_conv, Zen 5 VM, AVX-512, 1
// thread, minima of three runs of 4–8 randomly interleaved repetitions).
inline constexpr int kPanelTiles[][2] = {{12, 32}, {14, 32}, {7, 48}, {6, 64}};

// The cost of a layer of `pixels` × out_c on the panel tile mr × nr, in
// multiply-adds per reduction step: its panels (out_c rounded up to nr)
// × its pixel rows × the broadcasts' share (one per nr / 16 FMAs: the
// direct plan's 1 + 0.25 / NV). A short last tile is charged at least 16
// accumulators' rows: with fewer its FMA chains wait on their own latency
// (4 cycles, 2 pipes) and its filter vectors are loaded for fewer FMAs.
// That rule moves 7² layers off the tiles that leave one pixel over (6 ×
// 64, 12 × 32) to 7 × 48 and 14 × 32 (bench_conv, Zen 5 VM,
// AVX-512, 1 thread, two runs of 4–6 randomly interleaved repetitions,
// mean of the runs' minima, µs: 1×1 7²×2048→512 6 × 64 458, 7 × 48 442
// (oneDNN 440); 7²×960→160 12 × 32 64.3, 14 × 32 63.2 (63.5); 7²×320→1280
// 6 × 64 173, 7 × 48 169 (174); 7²×112→1280 6 × 64 60.9, 7 × 48 59.3
// (60.0)), and layers of more than 12 pixels off 12 × 32 where 14 fits
// them better (56²×96→24 79.3, 78.7; 28²×144→24 30.5, 28.8).
inline double conv_pointwise_panel_cost(int mr, int nr, int64_t pixels, int64_t out_c) {
  const int64_t nv = nr / 16, rest = pixels % mr;
  const double short_rows = rest == 0 ? 0.0 : std::max(static_cast<double>(rest), 16.0 / static_cast<double>(nv));
  const double rows = static_cast<double>(pixels - rest) + short_rows;
  const double cols = static_cast<double>((out_c + nr - 1) / nr * nr);
  return cols * rows * (1.0 + 0.25 / static_cast<double>(nv));
}

inline bool conv_pointwise_panel_has_tile(int mr, int nr) {
  for (const auto& t : kPanelTiles)
    if (t[0] == mr && t[1] == nr) return true;
  return false;
}

// "conv2d_pointwise_panel_f32_<MR>x<NR>_avx512", or null without such a tile.
inline const char* conv_pointwise_panel_name(int mr, int nr) {
  if (mr == 12 && nr == 32) return "conv2d_pointwise_panel_f32_12x32_avx512";
  if (mr == 7 && nr == 48) return "conv2d_pointwise_panel_f32_7x48_avx512";
  if (mr == 6 && nr == 64) return "conv2d_pointwise_panel_f32_6x64_avx512";
  if (mr == 14 && nr == 32) return "conv2d_pointwise_panel_f32_14x32_avx512";
  return nullptr;
}

// Whether the kernel computes the epilogue ep: bias, a residual added
// before the activation, and an activation that is a clamp (none, ReLU,
// ReLU6); not accumulate, post_scale / post_shift or a residual after the
// activation (the direct kernel runs those).
inline bool conv_pointwise_panel_takes(const GemmEpilogue& ep) {
  const bool clamp =
      ep.activation == Activation::kNone || ep.activation == Activation::kRelu || ep.activation == Activation::kRelu6;
  return clamp && !ep.accumulate && ep.post_scale == nullptr && ep.post_shift == nullptr &&
         !(ep.residual != nullptr && ep.residual_after_activation);
}

// output[m·out_c + j] = epilogue(Σ_k input[m·in_c + k] · W[k][j]) for
// m < pixels, j < out_c, W as panels of nr columns (K = in_c rows each)
// at packed; the tile mr × nr must be one of kPanelTiles and ep one the
// kernel takes. `threads` share the tiles and panels (the caller chose the
// count). AVX-512F only: call only after the CPU check.
void conv_pointwise_panel_f32_avx512(int mr, int nr, int64_t pixels, int64_t in_c, int64_t out_c, const float* input,
                                     const float* packed, float* output, const GemmEpilogue& ep, int threads);

}  // namespace frost::kernels::simd
