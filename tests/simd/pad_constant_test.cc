// The CPU backend's constant padding (kernels/simd/pad_constant.cc) against
// the reference's (kernels/reference/pad_constant.cc): random ranks 0-5,
// dims of 0-9 (sizes 1 and 0 included), paddings of 0-3 on random dims (so
// the simplification merges trailing unpadded dims, drops size-1 ones and
// keeps unpadded dims between padded ones), every element size the dtypes
// have plus odd ones, zero, non-zero and all-zero-byte fills, on 1 and on 3
// forced threads. The output is compared bytewise with a canary tail, so a
// write past the output fails too. Then NHWC images padded on H and W (the
// CNN case) large enough for every thread to get many lines. The kernel has
// no per-ISA code, so the ISA is not varied.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <sstream>
#include <vector>

#include "kernels/pad_constant.h"
#include "runnable_isas.h"
#include "support/describe_list.h"
#include "support/test_seed.h"

using namespace frost;

namespace {

struct Case {
  std::vector<int64_t> dims, before, after;
  size_t elem = 4;
  int fill_kind = 0;  // 0: null (zeros), 1: random bytes, 2: explicit all-zero bytes
};

std::string describe(const Case& c, int threads) {
  std::ostringstream s;
  testing::describe_list(s, "dims", c.dims);
  testing::describe_list(s, "before", c.before);
  testing::describe_list(s, "after", c.after);
  s << "elem " << c.elem << " bytes, fill kind " << c.fill_kind << ", threads " << threads;
  return s.str();
}

void check(const Case& c, std::mt19937_64& rng) {
  int64_t in_n = 1, out_n = 1;
  for (size_t k = 0; k < c.dims.size(); ++k) {
    in_n *= c.dims[k];
    out_n *= c.before[k] + c.dims[k] + c.after[k];
  }
  std::vector<unsigned char> src(static_cast<size_t>(in_n) * c.elem), fill(c.elem, 0);
  for (auto& b : src) b = static_cast<unsigned char>(rng());
  if (c.fill_kind == 1)
    for (auto& b : fill) b = static_cast<unsigned char>(rng() | 1);
  const void* fill_ptr = c.fill_kind == 0 ? nullptr : fill.data();
  const kernels::PadConstantParams p{c.dims, c.before, c.after};
  const size_t bytes = static_cast<size_t>(out_n) * c.elem, canary = 64;
  std::vector<unsigned char> want(bytes + canary, 0xAB);
  kernels::pad_constant_reference(p, src.data(), want.data(), c.elem, fill_ptr);
  for (int threads : {1, 3}) {
    std::vector<unsigned char> got(bytes + canary, 0xAB);
    kernels::pad_constant(p, src.data(), got.data(), c.elem, fill_ptr,
                          testing::forced_run(kernels::GemmIsa::kAuto, threads));
    size_t first = 0;
    while (first < want.size() && want[first] == got[first]) ++first;
    CHECK_MESSAGE(first == want.size(), "first differing byte " << first << " of " << bytes << " (+" << canary
                                                               << " canary): " << describe(c, threads));
  }
}

}  // namespace

TEST_CASE("pad_constant: random ranks, dims, paddings, element sizes and fills match the reference bytewise") {
  std::mt19937_64 rng(testing::seed_from_env("pad_constant", 20261207));
  const size_t elems[] = {1, 2, 4, 8, 3, 12, 16};
  for (int trial = 0; trial < 800; ++trial) {
    Case c;
    const size_t rank = static_cast<size_t>(trial % 6);
    c.elem = elems[rng() % 7];
    c.fill_kind = static_cast<int>(rng() % 3);
    for (size_t k = 0; k < rank; ++k) {
      const int64_t pick = static_cast<int64_t>(rng() % 12);
      c.dims.push_back(pick == 0 ? 0 : pick < 3 ? 1 : 1 + static_cast<int64_t>(rng() % 9));
      const bool padded = rng() % 2 == 0;
      c.before.push_back(padded ? static_cast<int64_t>(rng() % 4) : 0);
      c.after.push_back(padded ? static_cast<int64_t>(rng() % 4) : 0);
    }
    check(c, rng);
  }
}

TEST_CASE("pad_constant: NHWC images padded on H and W, shared by the threads") {
  std::mt19937_64 rng(testing::seed_from_env("pad_constant", 20261207) + 1);
  // ResNet-50's pool1_pad (one pixel), a 7x7 stem's three, asymmetric SAME
  // pads, and channel counts on both sides of the short-row sizes.
  struct Image {
    int64_t h, w, ch, top, bottom, left, right;
  };
  for (const Image& im : {Image{56, 56, 64, 1, 1, 1, 1}, Image{60, 61, 3, 3, 3, 3, 3}, Image{37, 29, 17, 0, 1, 0, 1},
                          Image{9, 200, 5, 2, 0, 1, 0}}) {
    Case c;
    c.dims = {2, im.h, im.w, im.ch};
    c.before = {0, im.top, im.left, 0};
    c.after = {0, im.bottom, im.right, 0};
    for (int fill_kind : {0, 1}) {
      c.fill_kind = fill_kind;
      check(c, rng);
    }
  }
}
