// winograd_block_count (kernels/simd/winograd_blocks.h): how a Winograd
// call's tiles are cut into blocks for the threads.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>

#include "kernels/simd/winograd_blocks.h"

namespace frost::kernels::simd {

TEST_CASE("winograd blocks: one thread keeps the cache budget's blocks") {
  CHECK(winograd_block_count(10, 6, 100, 1) == 1);
  CHECK(winograd_block_count(40, 12, 1, 1) == 40);
  CHECK(winograd_block_count(40, 12, 3, 1) == 14);
  CHECK(winograd_block_count(1, 12, 1, 2) == 1);
}

TEST_CASE("winograd blocks: a small layer gets blocks of at least kMinWinogradBlockTiles, one per thread at least") {
  // resnet_small's 32²×16→16: 64 tiles in 10 units of 6 (AVX2 GEMM rows).
  CHECK(winograd_block_count(10, 6, 100, 2) == 2);
  // Fewer tiles than two blocks' minimum still give every thread a block.
  CHECK(winograd_block_count(3, 6, 100, 2) == 2);
  // 256 tiles of 8 units of 32 tiles: 8 blocks, kChunksPerThread per thread.
  CHECK(winograd_block_count(32, 8, 100, 2) == kChunksPerThread * 2);
}

TEST_CASE("winograd blocks: one block where the filter outweighs every tile's V and M") {
  // opencv_face_detector's 19²×256→256 on 1 thread: 2 units, U 9.4 MB, V
  // and M of the 25 tiles 1.8 MB.
  CHECK(winograd_fit_units(0, 2, 9.4e6, 1.8e6) == 2);
  CHECK(winograd_block_count(2, 12, winograd_fit_units(0, 2, 9.4e6, 1.8e6), 1) == 1);
  // Below kWholeBlockFilterRatio times the tiles' bytes the budget stays.
  CHECK(winograd_fit_units(3, 40, 6.0e6, 6.0e6) == 3);
  CHECK(winograd_fit_units(0, 40, 6.0e6, 6.0e6) == 1);
  CHECK(winograd_fit_units(5, 40, kWholeBlockFilterRatio * 6.0e6, 6.0e6) == 40);
  // A filter below kWholeBlockFilterBytes stays in L3 between blocks:
  // captcha_cnn's 32×11×128→129 (U 2.4 MB, V and M 0.94 MB) keeps its blocks.
  CHECK(winograd_fit_units(0, 2, 2.4e6, 0.94e6) == 1);
}

TEST_CASE("winograd blocks: random counts stay within their bounds") {
  std::mt19937_64 rng(20261207);
  for (int iter = 0; iter < 2000; ++iter) {
    const int64_t units = 1 + static_cast<int64_t>(rng() % 300), mr = 1 + static_cast<int64_t>(rng() % 16);
    const int64_t fit = 1 + static_cast<int64_t>(rng() % 40);
    const int threads = 1 + static_cast<int>(rng() % 4);
    const int64_t blocks = winograd_block_count(units, mr, fit, threads);
    CAPTURE(units);
    CAPTURE(mr);
    CAPTURE(fit);
    CAPTURE(threads);
    CHECK(blocks >= 1);
    CHECK(blocks <= units);
    CHECK(blocks >= (units + fit - 1) / fit);  // never larger than the cache budget allows
    if (threads > 1 && units >= threads) CHECK(blocks >= threads);
    // Beyond the budget's blocks and one per thread, no block is cut below the minimum.
    const int64_t needed = std::max<int64_t>((units + fit - 1) / fit, threads > 1 ? threads : 1);
    if (blocks > needed) CHECK(units * mr / blocks >= kMinWinogradBlockTiles);
  }
}

}  // namespace frost::kernels::simd
