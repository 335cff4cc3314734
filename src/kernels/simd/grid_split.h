// How a kernel whose work is a grid of row tiles × column panels (a
// convolution's pixel tiles × filter panels, a GEMM's MR-row tiles × NR-column
// panels) is cut into chunks for parallel_for (thread_policy.h), chosen by
// what the chunks read.
//
// A chunk of rows × columns reads its rows' input and its columns' weights.
// Each chunk streams its weights from L3 or memory once (its loop keeps a
// slice of them in L2 while it walks its rows), and its input once per
// such slice, so a grid of R row chunks by C column chunks reads about
// R · weight_bytes + C · input_bytes. Cutting only the rows (grid_chunks)
// suits the early layers of a CNN (large images, small filters), but in the
// deep ones the filter is the larger: ResNet-50's 7×7 1×1 layers
// (512 → 2048 channels, 4 MiB of filter for 100 KiB of input) cut into 7 row
// chunks streamed 28 MiB for one layer and scaled 1.5× on 2 threads.
#pragma once

#include <cstdint>

#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {

// Chunks of a rows × cols grid for `threads` threads: as many as
// grid_chunks gives (chunk_count of the cells), with the least bytes read as
// above, and among equals the fewest column chunks (a row chunk writes whole
// output pixels, which the next layer's row chunk on the same thread reads
// from its own cache; parallel_for hands each thread the same end of every
// layer). Pure.
inline GridChunks traffic_grid_chunks(int64_t rows, int64_t cols, double input_bytes, double weight_bytes,
                                      int threads) {
  const int64_t want = chunk_count(rows * cols, threads);
  if (want <= 1) return {1, 1};
  // want ≤ rows · cols, so c = cols always fits.
  GridChunks best{0, 0};
  double best_cost = 0;
  for (int64_t c = 1; c <= cols; ++c) {
    const int64_t r = (want + c - 1) / c;
    if (r > rows) continue;  // too few rows: a wider grid will do
    const double cost = static_cast<double>(r) * weight_bytes + static_cast<double>(c) * input_bytes;
    if (best.row_chunks == 0 || cost < best_cost) {
      best = {r, c};
      best_cost = cost;
    }
    if (r == 1) break;  // more columns only add input reads
  }
  return best;
}

}  // namespace frost::kernels::simd
