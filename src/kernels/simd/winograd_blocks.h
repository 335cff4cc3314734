// How many blocks of tiles a Winograd call (conv_winograd_f32.cc) is cut
// into when it is cut by tiles: the blocks are the chunks the threads take
// in turn (parallel_for, thread_policy.h).
//
// Each block costs a fixed amount beyond its tiles' work: its 36 GEMM calls
// (one per point ξ, each set up, its A rows packed and its B panels walked
// for a few rows) and a pass over the whole transformed filter U. A block
// of a handful of tiles spends about as long on that as on its products.
// Cut into kChunksPerThread blocks per thread regardless, the small layers
// ran slower on 2 threads than on 1: resnet_small's 32²×16→16 layers (64
// tiles; AVX2 kernels as the runtime picks them for 16 channels) took
// 24 µs at 1 thread as one block, and 25-30 µs at 2 threads as 8 blocks of
// 6-12 tiles; the whole model ran 2 threads at 0.192-0.200 ms (min of 1500
// runs) against 0.165-0.167 ms with 2 blocks and 0.178-0.179 with 4
// (AVX-512 machine, 1 thread 0.166-0.171). So a block gets at least
// kMinWinogradBlockTiles tiles, unless that leaves fewer blocks than
// threads; larger layers keep kChunksPerThread blocks per thread, or more
// where the cache budget asks for smaller blocks.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/simd/conv_util.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {

inline constexpr int64_t kMinWinogradBlockTiles = 32;

// Units of tiles a block may take: `budget_units` (what fits the cache
// budget of a block's V and M), or all `units` where the transformed filter
// of a part (`filter_bytes`, U over the part's channels) is at least
// kWholeBlockFilterBytes and kWholeBlockFilterRatio times the V and M of
// all the tiles (`all_tiles_bytes`). Each further block streams all of U
// again, and a U of several MiB, among a model's other filters, comes from
// memory more than from L3; one block's V and M beyond L2 are written and
// read back once. Pure.
//
// Zen 5 VM, AVX-512, in the model, per-node ms over interleaved rounds
// against the budget's blocks: opencv_face_detector's 19²×256→256 (25
// tiles in 2 units of 12, U 9.4 MB, V and M of all tiles 1.8 MB), 1 thread
// 0.97/1.05/0.97/1.03 -> 0.92/1.00/0.85/0.91 as one block, 2 threads (2
// parts of U 4.7 MB) 1.01/0.88/0.75/0.81 -> 0.67/0.86/0.63/0.80; but
// captcha_cnn's 32×11×128→129 (24 tiles, U 2.4 MB, V and M 0.94 MB), 1
// thread, 0.18-0.19 -> 0.20-0.26 as one block: a U that small stays in L3.
inline constexpr int64_t kWholeBlockFilterRatio = 2;
inline constexpr double kWholeBlockFilterBytes = 4.0 * (1 << 20);
inline int64_t winograd_fit_units(int64_t budget_units, int64_t units, double filter_bytes,
                                  double all_tiles_bytes) {
  if (filter_bytes >= kWholeBlockFilterBytes &&
      filter_bytes >= static_cast<double>(kWholeBlockFilterRatio) * all_tiles_bytes)
    return std::max<int64_t>(units, 1);
  return std::max<int64_t>(budget_units, 1);
}

// Blocks for `units` units of `mr` tiles (the GEMM's row tile) on
// `threads` threads, when at most `fit_units` units fit the cache budget of
// one block. At most one block per unit. Pure.
inline int64_t winograd_block_count(int64_t units, int64_t mr, int64_t fit_units, int threads) {
  if (units <= 1) return 1;
  int64_t blocks = div_up(units, std::max<int64_t>(fit_units, 1));
  if (threads > 1) {
    const int64_t worth = std::max<int64_t>(threads, units * mr / kMinWinogradBlockTiles);
    blocks = std::max(blocks, std::min<int64_t>(kChunksPerThread * threads, worth));
  }
  return std::min(blocks, units);
}

}  // namespace frost::kernels::simd
