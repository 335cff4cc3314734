// traffic_grid_chunks (kernels/simd/grid_split.h): the cut of a tiles ×
// panels grid by the bytes the chunks read, checked against a search of every
// cut on random grids, and on the two kinds of layer it is for.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>

#include "kernels/simd/grid_split.h"

namespace frost::kernels::simd {
namespace {

double traffic(GridChunks g, double input_bytes, double weight_bytes) {
  return static_cast<double>(g.row_chunks) * weight_bytes + static_cast<double>(g.col_chunks) * input_bytes;
}

}  // namespace

TEST_CASE("grid split: one thread or one cell is one chunk") {
  CHECK(traffic_grid_chunks(100, 16, 1e6, 1e3, 1).row_chunks == 1);
  CHECK(traffic_grid_chunks(100, 16, 1e6, 1e3, 1).col_chunks == 1);
  CHECK(traffic_grid_chunks(1, 1, 1e6, 1e3, 2).row_chunks == 1);
  CHECK(traffic_grid_chunks(1, 1, 1e6, 1e3, 2).col_chunks == 1);
}

TEST_CASE("grid split: a large image with a small filter is cut by rows only") {
  // 56² pixels × 64 channels, 1×1 filter 64 → 256 (ResNet's conv2 expand).
  const GridChunks g = traffic_grid_chunks(56 * 56 / 8, 256 / 32, 4.0 * 56 * 56 * 64, 4.0 * 64 * 256, 2);
  CHECK(g.row_chunks == chunk_count(56 * 56 / 8 * 8, 2));
  CHECK(g.col_chunks == 1);
}

TEST_CASE("grid split: a small image with a large filter cuts the filter's panels") {
  // 7² pixels × 512 channels, 1×1 filter 512 → 2048 (ResNet's conv5 expand):
  // 7 row tiles could give 7 chunks, each reading the whole 4 MiB filter.
  const double input = 4.0 * 49 * 512, filter = 4.0 * 512 * 2048;
  const GridChunks g = traffic_grid_chunks(7, 2048 / 32, input, filter, 2);
  CHECK(g.col_chunks > 1);
  CHECK(g.row_chunks * g.col_chunks >= chunk_count(7 * 64, 2));
  CHECK(traffic(g, input, filter) < traffic(grid_chunks(7, 2048 / 32, 2), input, filter));
}

TEST_CASE("grid split: the cut reads the least of every cut with enough chunks") {
  std::mt19937_64 rng(0x6772696473706c74ULL);
  for (int iter = 0; iter < 2000; ++iter) {
    const int64_t rows = 1 + static_cast<int64_t>(rng() % 40), cols = 1 + static_cast<int64_t>(rng() % 40);
    const int threads = 1 + static_cast<int>(rng() % 4);
    const double input = static_cast<double>(1 + rng() % 100000), weight = static_cast<double>(1 + rng() % 100000);
    const GridChunks g = traffic_grid_chunks(rows, cols, input, weight, threads);
    const int64_t want = chunk_count(rows * cols, threads);
    INFO(rows << "x" << cols << " threads " << threads << " input " << input << " weight " << weight);
    REQUIRE(g.row_chunks >= 1);
    REQUIRE(g.col_chunks >= 1);
    CHECK(g.row_chunks <= rows);
    CHECK(g.col_chunks <= cols);
    CHECK(g.row_chunks * g.col_chunks >= want);
    double least = -1;
    for (int64_t r = 1; r <= rows; ++r)
      for (int64_t c = 1; c <= cols; ++c)
        if (r * c >= want && (least < 0 || traffic({r, c}, input, weight) < least)) least = traffic({r, c}, input, weight);
    CHECK(traffic(g, input, weight) == least);
  }
}

}  // namespace frost::kernels::simd
