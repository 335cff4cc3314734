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

#include <cstdint>

#include "kernels/gemm.h"

namespace frost::kernels::simd {

// The register tiles the kernel is instantiated for (pixels × channels):
// the AVX-512 direct tiles that broadcast each input value into a register
// (direct_register_broadcast).
inline constexpr int kPanelTiles[][2] = {{12, 32}, {7, 48}, {6, 64}};

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
