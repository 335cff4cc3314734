// The work of a broadcast binary op in the element-wise kernels' units
// (eltwise_f32.cc: one cheap operation on one element), by which their
// front end chooses the threads (thread_policy.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>

#include "kernels/elementwise.h"

namespace frost::kernels::simd {

// The per-channel case ([rows, c] op [c]) repeats a row that is not a whole
// number of vectors to lcm(c, W) floats when that is at most kMaxChannelTile
// (binary_impl.h: 4 KiB on the stack), so that it runs in whole vectors.
// Pure.
inline constexpr int64_t kMaxChannelTile = 1024;
inline int64_t channel_tile(int64_t c, int64_t w) { return c / std::gcd(c, w) * w; }

// Whether every row of b runs in whole vectors of width W <= 16 (no call or
// padded tail per row): the per-channel case with c a multiple of 16 or
// tiled. Pure.
inline bool binary_rows_vectorised(const Broadcast& b) {
  if (b.rank != 2 || b.strides[0][1] != 1 || b.strides[1][1] != 1) return false;
  const int64_t c = b.out_dims[1];
  const bool per_channel = (b.strides[0][0] == c && b.strides[1][0] == 0) || (b.strides[1][0] == c && b.strides[0][0] == 0);
  return per_channel && (c % 16 == 0 || channel_tile(c, 16) <= kMaxChannelTile);
}

// A unit an element, and kBinaryRowUnits for each row of the innermost
// dimension that is one call of the inner loop (rows shorter than a vector
// go through padded copies: a 3-channel image's per-channel scale took 5 ns
// an element before binary_impl.h tiled it). Pure.
inline constexpr int64_t kBinaryRowUnits = 32;
inline int64_t binary_work(const Broadcast& b) {
  if (b.num_elements <= 0 || b.rank < 1) return 0;
  if (binary_rows_vectorised(b)) return b.num_elements;
  const int64_t len = std::max<int64_t>(b.out_dims[b.rank - 1], 1);
  return b.num_elements + b.num_elements / len * kBinaryRowUnits;
}

}  // namespace frost::kernels::simd
