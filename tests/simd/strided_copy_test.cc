// The CPU backend's strided copy (kernels/simd/strided_copy.cc) against the
// reference's (kernels/reference/strided_copy.cc): random geometries of
// ranks 1-5 whose reads are slices of a larger tensor (steps 2, reversed,
// broadcast) and whose writes land in a larger, possibly transposed tensor
// (as Pad and Concat write), every element size the dtypes have plus odd
// ones, on 1 and on 3 forced threads. The whole destination buffer is
// compared bytewise, so a write outside the region fails too. Then the short
// contiguous rows its fixed-size and chunked loops take (1 to 2056 bytes),
// long enough to be shared by the threads; and concat_rows / split_rows
// (kernels/concat.h), which copy through it, against a row-by-row join. The
// kernels have no per-ISA code, so the ISA is not varied.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <sstream>
#include <vector>

#include "kernels/concat.h"
#include "kernels/strided_copy.h"
#include "runnable_isas.h"
#include "support/describe_list.h"
#include "support/test_seed.h"

using namespace frost;

namespace {

struct Case {
  std::vector<int64_t> dims, src_strides, dst_strides;
  int64_t src_offset = 0, dst_offset = 0;  // elements
  int64_t src_elements = 0, dst_elements = 0;
  size_t elem = 4;
};

std::string describe(const Case& c, int threads) {
  std::ostringstream s;
  testing::describe_list(s, "dims", c.dims);
  testing::describe_list(s, "src strides", c.src_strides);
  testing::describe_list(s, "dst strides", c.dst_strides);
  s << "offsets " << c.src_offset << "/" << c.dst_offset << ", elem " << c.elem << " bytes, threads " << threads;
  return s.str();
}

std::vector<int64_t> row_major(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t k = dims.size(); k-- > 1;) s[k - 1] = s[k] * dims[k];
  return s;
}

int64_t product(const std::vector<int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), int64_t{1}, std::multiplies<>());
}

// Reads: the region steps through a parent tensor (step 1 mostly; 2, -1 and
// 0 sometimes) from a random start. Writes: a dense box inside a larger
// destination whose dims are laid out in a random order.
Case random_case(std::mt19937_64& rng, int rank, int64_t max_dim) {
  Case c;
  const size_t elems[] = {1, 2, 4, 8, 3, 12, 16};
  c.elem = elems[rng() % 7];
  const size_t r = static_cast<size_t>(rank);
  c.dims.resize(r);
  for (auto& d : c.dims) d = rng() % 6 == 0 ? 1 : 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(max_dim));
  std::vector<int64_t> step(r), parent(r), begin(r), dst_parent(r), dst_begin(r);
  for (size_t k = 0; k < r; ++k) {
    const int64_t pick = static_cast<int64_t>(rng() % 10);
    step[k] = pick < 6 ? 1 : pick == 6 ? 2 : pick == 7 ? -1 : pick == 8 ? -2 : 0;
    const int64_t extra = static_cast<int64_t>(rng() % 3);
    parent[k] = c.dims[k] * std::max<int64_t>(1, std::abs(step[k])) + extra;
    begin[k] = static_cast<int64_t>(rng() % static_cast<uint64_t>(extra + 1));
    const int64_t pad = rng() % 2 == 0 ? 0 : static_cast<int64_t>(rng() % 3);
    dst_parent[k] = c.dims[k] + pad;
    dst_begin[k] = static_cast<int64_t>(rng() % static_cast<uint64_t>(pad + 1));
  }
  const std::vector<int64_t> ps = row_major(parent);
  c.src_strides.resize(r);
  for (size_t k = 0; k < r; ++k) {
    c.src_strides[k] = step[k] * ps[k];
    // A reversed read starts at its dim's far end.
    const int64_t first = begin[k] + (step[k] < 0 ? (c.dims[k] - 1) * -step[k] : 0);
    c.src_offset += first * ps[k];
  }
  c.src_elements = product(parent);
  // The destination's dims in a random memory order (a transpose when not the identity).
  std::vector<size_t> order(r);
  std::iota(order.begin(), order.end(), size_t{0});
  if (rng() % 3 == 0) std::shuffle(order.begin(), order.end(), rng);
  std::vector<int64_t> ds(r);
  int64_t stride = 1;
  for (size_t i = r; i-- > 0;) {
    ds[order[i]] = stride;
    stride *= dst_parent[order[i]];
  }
  c.dst_strides = ds;
  for (size_t k = 0; k < r; ++k) c.dst_offset += dst_begin[k] * ds[k];
  c.dst_elements = product(dst_parent);
  return c;
}

void check(const Case& c, std::mt19937_64& rng) {
  std::vector<unsigned char> src(static_cast<size_t>(c.src_elements) * c.elem);
  for (auto& byte : src) byte = static_cast<unsigned char>(rng());
  const kernels::StridedCopyParams p{c.dims, c.src_strides, c.dst_strides};
  const auto* from = src.data() + c.src_offset * static_cast<int64_t>(c.elem);
  std::vector<unsigned char> want(static_cast<size_t>(c.dst_elements) * c.elem, 0xAB);
  kernels::strided_copy_reference(p, from, want.data() + c.dst_offset * static_cast<int64_t>(c.elem), c.elem);
  for (int threads : {1, 3}) {
    std::vector<unsigned char> got(want.size(), 0xAB);
    const kernels::GemmRun run = testing::forced_run(kernels::GemmIsa::kAuto, threads);
    kernels::strided_copy(p, from, got.data() + c.dst_offset * static_cast<int64_t>(c.elem), c.elem, run);
    size_t first = 0;
    while (first < want.size() && want[first] == got[first]) ++first;
    CHECK_MESSAGE(first == want.size(), "first differing byte " << first << " of " << want.size() << ": "
                                                               << describe(c, threads));
  }
}

}  // namespace

TEST_CASE("strided_copy: random slices, reversals, broadcasts and transposed writes match the reference bytewise") {
  std::mt19937_64 rng(testing::seed_from_env("strided_copy", 20261207));
  for (int trial = 0; trial < 600; ++trial) {
    const int rank = 1 + trial % 5;
    check(random_case(rng, rank, rank <= 2 ? 40 : 9), rng);
  }
}

TEST_CASE("strided_copy: short contiguous rows out of wider rows, split over threads") {
  std::mt19937_64 rng(testing::seed_from_env("strided_copy", 20261207) + 1);
  // [n, w] out of [n, w + extra] (an SSD head's boxes [N, 4] cut into [N, 2]),
  // row bytes w * elem on both sides of every fixed size (4-32 bytes).
  for (size_t elem : {size_t{1}, size_t{2}, size_t{4}, size_t{8}})
    for (int64_t w : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 20, 24, 31, 32, 33, 40, 47, 63, 64, 65, 100, 255, 256, 257})
      for (int64_t n : {1, 7, 1500}) {
        Case c;
        c.elem = elem;
        c.dims = {n, w};
        const int64_t extra = 1 + static_cast<int64_t>(rng() % 3);
        c.src_strides = {w + extra, 1};
        c.dst_strides = {w, 1};
        c.src_offset = static_cast<int64_t>(rng() % static_cast<uint64_t>(extra + 1));
        c.src_elements = n * (w + extra);
        c.dst_elements = n * w;
        check(c, rng);
        // The same rows under an outer dim (a batch of 3 crops).
        c.dims = {3, n, w};
        c.src_strides = {n * (w + extra), w + extra, 1};
        c.dst_strides = {n * w, w, 1};
        c.src_elements = 3 * n * (w + extra);
        c.dst_elements = 3 * n * w;
        check(c, rng);
      }
}

TEST_CASE("concat_rows / split_rows: random pieces along inner axes, 1 and 3 threads, match a row-by-row join") {
  std::mt19937_64 rng(testing::seed_from_env("strided_copy", 20261207) + 2);
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t outer = trial % 4 == 0 ? 1 + static_cast<int64_t>(rng() % 3000) : 1 + static_cast<int64_t>(rng() % 40);
    const size_t n = 1 + rng() % 5;
    std::vector<std::vector<unsigned char>> parts(n);
    std::vector<size_t> row(n);
    size_t joined = 0;
    for (size_t i = 0; i < n; ++i) {
      const size_t sizes[] = {0, 4, 8, 12, 3, 40, 64, 300};
      row[i] = sizes[rng() % 8];
      joined += row[i];
      parts[i].resize(row[i] * static_cast<size_t>(outer));
      for (auto& b : parts[i]) b = static_cast<unsigned char>(rng());
    }
    // The joined rows, built one row of one piece at a time.
    std::vector<unsigned char> want(joined * static_cast<size_t>(outer));
    int64_t at = 0;
    for (int64_t o = 0; o < outer; ++o)
      for (size_t i = 0; i < n; ++i) {
        std::copy_n(parts[i].begin() + o * static_cast<int64_t>(row[i]), row[i], want.begin() + at);
        at += static_cast<int64_t>(row[i]);
      }
    for (int threads : {1, 3}) {
      const kernels::GemmRun run = testing::forced_run(kernels::GemmIsa::kAuto, threads);
      std::vector<kernels::JoinPiece> join;
      for (size_t i = 0; i < n; ++i) join.push_back({parts[i].data(), row[i]});
      std::vector<unsigned char> got(want.size() + 64, 0xAB);
      kernels::concat_rows(join, outer, got.data(), run);
      CHECK_MESSAGE(std::equal(want.begin(), want.end(), got.begin()), "concat: outer " << outer << ", " << n
                                                                                       << " pieces, threads " << threads);
      CHECK(std::all_of(got.begin() + static_cast<int64_t>(want.size()), got.end(), [](unsigned char b) { return b == 0xAB; }));
      std::vector<std::vector<unsigned char>> back(n);
      std::vector<kernels::SplitPiece> split;
      for (size_t i = 0; i < n; ++i) {
        back[i].assign(parts[i].size(), 0xCD);
        split.push_back({back[i].data(), row[i]});
      }
      kernels::split_rows(want.data(), outer, split, run);
      CHECK_MESSAGE(back == parts, "split: outer " << outer << ", " << n << " pieces, threads " << threads);
    }
  }
}
