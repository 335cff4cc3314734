// A convolution whose filter panel fits in registers: K = fh·fw·in_c
// reduction steps × NV vectors of output channels with K · NV ≤
// kResidentMaxFilterVectors (1×1 112²×8→48 holds 8 × 3, a 3×3 layer on
// one channel with 28 outputs 9 × 2). The filter stays in registers while
// the pixels stream past: per pixel K broadcasts of its input values and
// K · NV FMAs, no filter loads, no tile of accumulators to reduce and store
// in a block. The direct kernel's stem tiles reload the filter per tile (3
// vectors per 7 broadcasts on 7 × 48) and, with K this short, spend as long
// around a tile (its window, its store) as in its FMAs
// (conv_resident_f32_avx512.cc has the numbers).
//  - pointwise layers (1×1, stride 1, no padding) read the input in place,
//    a pixel's K values side by side;
//  - other layers read each output row's fh input rows from a zero-padded
//    copy of them (a strip per thread), so that every tap of every pixel is
//    at a fixed offset from the pixel's base.
// Kernel only: the direct convolution's plan picks it (conv_direct_f32.cc).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/conv.h"
#include "kernels/gemm.h"

namespace frost::kernels::simd {

// Filter vectors a panel may keep in the 32 zmm registers: the rest hold a
// pixel's accumulators, its broadcast input value and the clamp bounds.
inline constexpr int64_t kResidentMaxFilterVectors = 24;

// Whether a panel of `nr` output channels (a multiple of 16, at most 64)
// with k reduction steps fits the registers.
constexpr bool resident_panel_fits(int64_t k, int64_t nr) {
  return k >= 1 && nr >= 16 && nr % 16 == 0 && nr <= 64 && k * (nr / 16) <= kResidentMaxFilterVectors;
}

// Floats of scratch for `threads` threads: a strip per thread (none for a
// pointwise layer).
size_t conv_resident_scratch_floats(const Conv2DParams& p, int threads);

// output = epilogue(conv(input, filter)) for one group, the filter packed
// as the direct convolution's panels (panel q of K rows of nr floats at
// filter + q·K·nr; resident_panel_fits(K, nr)); the epilogue as
// GemmEpilogue says (its residual with row stride ep.ldr, accumulate adds
// output's previous contents). pointwise: p is a pointwise layer (its
// pixels are then one run). `threads` share the output rows; the caller
// has chosen the count; scratch: conv_resident_scratch_floats(p, threads).
// AVX-512F only: call only after the CPU check.
void conv_resident_f32_avx512(const Conv2DParams& p, bool pointwise, const float* input, const float* filter,
                              int64_t nr, float* output, const GemmEpilogue& ep, int threads, float* scratch);

}  // namespace frost::kernels::simd
