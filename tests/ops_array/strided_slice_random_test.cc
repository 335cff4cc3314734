// StridedSlice against an independent oracle: Python's slice.indices() rule
// (which TensorFlow's range slicing follows) on random 2-D specs with random
// masks, negative indices, out-of-range bounds and negative strides.
#include <random>

#include "array_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {

struct Range1 {
  int64_t start, count, step;
};

// CPython's PySlice_AdjustIndices; `has_start`/`has_stop` false mean "None".
Range1 python_slice(int64_t len, bool has_start, int64_t start, bool has_stop, int64_t stop, int64_t step) {
  const int64_t lower = step > 0 ? 0 : -1, upper = step > 0 ? len : len - 1;
  const auto adjust = [&](int64_t v) {
    if (v < 0) {
      v += len;
      return v < lower ? lower : v;
    }
    return v > upper ? upper : v;
  };
  start = has_start ? adjust(start) : (step < 0 ? upper : lower);
  stop = has_stop ? adjust(stop) : (step < 0 ? lower : upper);
  int64_t count = 0;
  if (step > 0 && stop > start) count = (stop - start - 1) / step + 1;
  if (step < 0 && start > stop) count = (start - stop - 1) / (-step) + 1;
  return {start, count, step};
}

}  // namespace

TEST_CASE("StridedSlice: random 2-D specs match Python slicing") {
  const unsigned seed = 20240611;
  MESSAGE("seed " << seed);
  std::mt19937 rng(seed);
  const auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  for (int trial = 0; trial < 300; ++trial) {
    const int64_t rows = pick(0, 5), cols = pick(0, 6);
    Tensor x(DType::Int32, Shape{rows, cols});
    for (int64_t i = 0; i < x.num_elements(); ++i) x.data<int32_t>()[i] = static_cast<int32_t>(i);
    std::vector<int32_t> begin(2), end(2), strides(2);
    int64_t begin_mask = 0, end_mask = 0;
    Range1 r[2];
    for (int k = 0; k < 2; ++k) {
      const int64_t len = k == 0 ? rows : cols;
      begin[static_cast<size_t>(k)] = static_cast<int32_t>(pick(-9, 9));
      end[static_cast<size_t>(k)] = static_cast<int32_t>(pick(-9, 9));
      int64_t step = pick(-3, 3);
      if (step == 0) step = 1;
      strides[static_cast<size_t>(k)] = static_cast<int32_t>(step);
      const bool mask_b = pick(0, 3) == 0, mask_e = pick(0, 3) == 0;
      if (mask_b) begin_mask |= int64_t{1} << k;
      if (mask_e) end_mask |= int64_t{1} << k;
      r[k] = python_slice(len, !mask_b, begin[static_cast<size_t>(k)], !mask_e, end[static_cast<size_t>(k)], step);
    }
    CAPTURE(trial);
    CAPTURE(rows);
    CAPTURE(cols);
    const Tensor got = run_op1("StridedSlice", {x, i32(begin, Shape{2}), i32(end, Shape{2}), i32(strides, Shape{2})},
                               {{"begin_mask", begin_mask}, {"end_mask", end_mask}});
    std::vector<double> want;
    for (int64_t i = 0; i < r[0].count; ++i)
      for (int64_t j = 0; j < r[1].count; ++j)
        want.push_back(static_cast<double>((r[0].start + i * r[0].step) * cols + r[1].start + j * r[1].step));
    check_values(got, want, Shape{r[0].count, r[1].count});
  }
}
