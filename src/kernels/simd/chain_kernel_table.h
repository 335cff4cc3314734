// The seam between the fused element-wise chain's front end (chain_f32.cc:
// ISA choice, rows, threads) and its per-ISA translation units
// (chain_f32_<isa>.cc, templates in chain_impl.h).
#pragma once

#include <cstdint>

#include "kernels/elementwise_chain.h"

namespace frost::kernels::simd {

// Elements [begin, end) of y = chain(x), begin a multiple of `row`;
// channel[s] is step s's per-channel operand over one row (see chain_impl.h).
using ChainRangeFn = void (*)(const ChainParams& p, const float* const* channel, int64_t row, const float* x,
                              float* y, int64_t begin, int64_t end);

ChainRangeFn chain_f32_range_sse2();
ChainRangeFn chain_f32_range_avx2();
ChainRangeFn chain_f32_range_avx512();

}  // namespace frost::kernels::simd
