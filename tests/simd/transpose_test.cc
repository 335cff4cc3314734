// The fast Transpose against its reference twin: random shapes (sizes 1 to
// 40, so every 8x8-tile tail and size-1 dim turns up) and random perms of
// ranks 1-6, every element size, every runnable ISA; then the NCHW <-> NHWC
// shapes converted graphs use. Bitwise equality: a transpose only moves bytes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <random>
#include <sstream>
#include <vector>

#include "kernels/transpose.h"
#include "runnable_isas.h"
#include "support/describe_list.h"
#include "support/test_seed.h"

using namespace frost;
using frost::kernels::GemmIsa;

namespace {

std::string describe(const std::vector<int64_t>& dims, const std::vector<int64_t>& perm, size_t elem, GemmIsa isa,
                     int threads) {
  std::ostringstream s;
  testing::describe_list(s, "dims", dims);
  testing::describe_list(s, "perm", perm);
  s << "elem " << elem << " bytes, isa " << kernels::gemm_kernel_name(isa) << ", threads " << threads;
  return s.str();
}

// On 1 thread and on 3 (forced, so that small shapes are split too: the
// threads' blocks of columns and rows meet at every kind of boundary).
void check_one(const std::vector<int64_t>& dims, const std::vector<int64_t>& perm, size_t elem, GemmIsa isa,
               std::mt19937_64& rng) {
  const int64_t n = std::accumulate(dims.begin(), dims.end(), int64_t{1}, std::multiplies<>());
  std::vector<unsigned char> src(static_cast<size_t>(n) * elem);
  for (auto& byte : src) byte = static_cast<unsigned char>(rng());
  std::vector<unsigned char> want(src.size(), 0xAB);
  const kernels::TransposeParams p{dims, perm};
  kernels::transpose_reference(p, src.data(), want.data(), elem);
  for (int threads : {1, 3}) {
    std::vector<unsigned char> got(src.size(), 0xCD);
    kernels::transpose(p, src.data(), got.data(), elem, testing::forced_run(isa, threads));
    size_t first = 0;
    while (first < want.size() && want[first] == got[first]) ++first;
    CHECK_MESSAGE(first == want.size(), "first differing element " << first / elem << " of " << n << ": "
                                                                  << describe(dims, perm, elem, isa, threads));
  }
}

}  // namespace

TEST_CASE("transpose: random shapes and perms, every element size and ISA, match the reference bitwise") {
  const uint64_t seed = testing::seed_from_env("transpose", 20261206);
  std::mt19937_64 rng(seed);
  for (GemmIsa isa : testing::runnable_isas()) {
    for (int trial = 0; trial < 300; ++trial) {
      const int rank = 1 + static_cast<int>(rng() % 6);
      std::vector<int64_t> dims(static_cast<size_t>(rank)), perm(static_cast<size_t>(rank));
      int64_t budget = 20000;
      for (auto& d : dims) {
        d = rng() % 5 == 0 ? 1 : 1 + static_cast<int64_t>(rng() % 40);
        d = std::max<int64_t>(1, std::min(d, budget));
        budget = std::max<int64_t>(1, budget / d);
      }
      std::iota(perm.begin(), perm.end(), 0);
      std::shuffle(perm.begin(), perm.end(), rng);
      const size_t elems[] = {1, 2, 4, 8, 3};
      check_one(dims, perm, elems[rng() % 5], isa, rng);
    }
  }
}

TEST_CASE("transpose: NCHW <-> NHWC and 2-D shapes of converted graphs, with every tile tail") {
  const uint64_t seed = testing::seed_from_env("transpose", 20261206);
  std::mt19937_64 rng(seed + 1);
  const std::vector<std::vector<int64_t>> shapes = {
      {1, 3, 48, 64}, {1, 3, 480, 640}, {1, 16, 17, 23}, {2, 64, 15, 20}, {1, 8, 8, 8}, {1, 9, 7, 33}, {1, 128, 4, 5}, {3, 1, 1, 5}};
  const std::vector<int64_t> to_nhwc = {0, 2, 3, 1}, to_nchw = {0, 3, 1, 2};
  for (GemmIsa isa : testing::runnable_isas())
    for (const auto& s : shapes)
      for (size_t elem : {size_t{4}, size_t{1}, size_t{8}}) {
        check_one(s, to_nhwc, elem, isa, rng);
        check_one(s, to_nchw, elem, isa, rng);
      }
  for (GemmIsa isa : testing::runnable_isas())
    for (int64_t rows : {1, 7, 8, 9, 31, 32, 33, 100})
      for (int64_t cols : {1, 8, 15, 16, 40, 257}) check_one({rows, cols}, {1, 0}, 4, isa, rng);
}

TEST_CASE("transpose: 2-4 planes interleaved into pixels (NCHW images of few channels), every 8-pixel tail") {
  // The AVX2 path interleaves 8 pixels of 2, 3 or 4 planes in registers when
  // the output pixels are contiguous; the last len mod 8 and the other cases
  // (batches whose pixels are not contiguous in dst) take the plain loop.
  const uint64_t seed = testing::seed_from_env("transpose", 20261206);
  std::mt19937_64 rng(seed + 2);
  for (GemmIsa isa : testing::runnable_isas())
    for (int64_t c : {2, 3, 4})
      for (int64_t hw : {1, 7, 8, 9, 15, 16, 17, 64, 101}) {
        check_one({1, c, 1, hw}, {0, 2, 3, 1}, 4, isa, rng);
        check_one({2, c, hw, 3}, {0, 2, 3, 1}, 4, isa, rng);
        check_one({c, hw}, {1, 0}, 4, isa, rng);
        check_one({c, 2, hw}, {2, 1, 0}, 4, isa, rng);  // pixels of one plane pair are not contiguous in dst
      }
}
