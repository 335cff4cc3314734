// A pointwise convolution (1×1, stride 1, no padding: an n·h·w × in_c by
// in_c × out_c product) with so few input channels that a whole panel of
// the filter fits in registers (in_c · NV ≤ kResidentMaxFilterVectors for
// a panel of NV vectors of output channels: 1×1 112²×8→48 holds 8 × 3), so
// the filter stays in registers while the pixels stream past: per pixel
// in_c broadcasts of its input and in_c · NV FMAs, no filter loads, no tile
// of accumulators to reduce and store in a block. The direct kernel's stem
// tiles reload the filter per tile (3 vectors per 7 broadcasts on 7 × 48)
// and store 21 vectors after only 8 FMAs each
// (conv_pointwise_resident_f32_avx512.cc has the numbers).
// Kernel only: the direct convolution's plan picks it (conv_direct_f32.cc).
#pragma once

#include <cstdint>

#include "kernels/gemm.h"

namespace frost::kernels::simd {

// Filter vectors a panel may keep in the 32 zmm registers: the rest hold a
// pixel's accumulators, its broadcast input value and the clamp bounds.
inline constexpr int64_t kResidentMaxFilterVectors = 24;
// The most input channels: the kernel is instantiated per channel count.
inline constexpr int64_t kResidentMaxInC = 8;

// Whether a panel of `nr` output channels (a multiple of 16) with in_c
// input channels fits the registers.
constexpr bool pointwise_resident_fits(int64_t in_c, int64_t nr) {
  return in_c >= 1 && in_c <= kResidentMaxInC && nr >= 16 && nr % 16 == 0 && nr <= 64 &&
         in_c * (nr / 16) <= kResidentMaxFilterVectors;
}

// output[m·out_c + j] = epilogue(Σ_k input[m·in_c + k] · filter[k·nr + j])
// for m < pixels, j < out_c, the filter packed as the direct convolution's
// panels (panel q of in_c rows of nr floats at filter + q·in_c·nr;
// pointwise_resident_fits(in_c, nr)); the epilogue as GemmEpilogue says
// (its residual with row stride ep.ldr, accumulate adds output's previous
// contents). `threads` share the pixels; the caller has chosen the count.
// AVX-512F only: call only after the CPU check.
void conv_pointwise_resident_f32_avx512(int64_t pixels, int64_t in_c, int64_t out_c, const float* input,
                                        const float* filter, int64_t nr, float* output, const GemmEpilogue& ep,
                                        int threads);

}  // namespace frost::kernels::simd
