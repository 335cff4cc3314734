// A few-channel convolution (in_c · stride_w floats between neighbouring
// pixels' windows: 1, 2, 4 or 8) as one reduction over a table of taps.
//
// The stem mode of the direct convolution (conv_direct_stem_impl.h) splits
// the reduction into runs (one per filter row, fw·in_c floats each) and
// tiles a row into whole MR-pixel tiles and a tail. With one input channel
// and a tall window (speech_commands_conv's 20×8 on 98×40) a run is 8 steps,
// so a tile spends a fifth of its time setting up its 20 runs, and the
// 4-pixel tail of a 40-pixel row on 6 × 64 took 19% of the layer for 10% of
// its pixels. Here instead
//  - every tap (ky, kx, c) of a pixel lies at a fixed offset from the
//    pixel's base, in the input itself for a tile whose window lies inside
//    it, else in a zero-padded strip of the thread (the fh input rows of
//    the output row, only the columns under the tile copied): the
//    reduction is one loop over a table of K offsets (those of the filter
//    rows inside the image), or, for filter rows of 16 or more contiguous
//    taps (8 channels × 3), one loop per filter row;
//  - a row is split into tiles of near-equal pixel counts, at most the
//    tile height of its vectors (24, 12 or 6 pixels for 1, 2 or 4
//    vectors), each count a kernel of its own, so no tile computes pixels
//    past the row.
// The filter is packed as the direct convolution's panels (panel q of K
// rows of nr floats at filter + q·K·nr, rows in HWIO order).
// Kernel only: the direct convolution's plan picks it (conv_direct_f32.cc).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/conv.h"
#include "kernels/gemm.h"

namespace frost::kernels::simd {

// Whether the taps kernel runs p with panels of nr channels: one group, a
// layer that is not pointwise (its own kernels run those), in_c · stride_w
// ∈ {1, 2, 4, 8} (the instantiated pixel steps) and nr ∈ {16, 32, 64}.
bool conv_taps_fits(const Conv2DParams& p, int64_t nr);

// Floats of scratch for `threads` threads: the tap offsets and a strip per
// thread.
size_t conv_taps_scratch_floats(const Conv2DParams& p, int threads);

// output = epilogue(conv(input, filter)) for one group, the filter packed in
// panels of nr channels (conv_taps_fits(p, nr)); the epilogue as
// GemmEpilogue says (its residual with row stride ep.ldr, accumulate adds
// output's previous contents). `threads` share the output rows; the caller
// has chosen the count; scratch: conv_taps_scratch_floats(p, threads).
// AVX-512F only: call only after the CPU check.
void conv_taps_f32_avx512(const Conv2DParams& p, const float* input, const float* filter, int64_t nr,
                          float* output, const GemmEpilogue& ep, int threads, float* scratch);

}  // namespace frost::kernels::simd
