// The work of a broadcast binary op in the element-wise kernels' units
// (eltwise_f32.cc: one cheap operation on one element), by which their
// front end chooses the threads (thread_policy.h).
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/elementwise.h"

namespace frost::kernels::simd {

// A unit an element, and kBinaryRowUnits for each row of the innermost
// dimension, which is one call of the inner loop (rows shorter than a vector
// go through padded copies): a per-channel scale on a 3-channel image took
// 5 ns an element (opencv_face's input batch-norm, 300×300×3: 1.35 ms on
// AVX-512), 20× a vectorised add, and was kept on one thread. Pure.
inline constexpr int64_t kBinaryRowUnits = 32;
inline int64_t binary_work(const Broadcast& b) {
  if (b.num_elements <= 0 || b.rank < 1) return 0;
  const int64_t len = std::max<int64_t>(b.out_dims[b.rank - 1], 1);
  return b.num_elements + b.num_elements / len * kBinaryRowUnits;
}

}  // namespace frost::kernels::simd
