// reduce_rows_f32 and reduce_columns_f32 (kernels/reduce.h) against
// reduce_reference on random [rows, depth] inputs, on every ISA the CPU runs
// with 1 and 3 threads: Max and Min bit for bit (NaN and ±inf sprinkled in:
// NaN propagates), Sum and Mean within one float rounding of the
// reference (both sum in double, in different orders). Lengths cover every tail mod 4/8/16 and the 4-vector blocks.
#include <cmath>
#include <sstream>
#include <string>

#include "eltwise_test_util.h"
#include "kernels/reduce.h"

namespace frost::kernels {
namespace {

using testing::Guarded;

constexpr ReduceOp kOps[] = {ReduceOp::Sum, ReduceOp::Mean, ReduceOp::Max, ReduceOp::Min};

// Reduces [rows, cols] over columns (each row's elements) or over rows.
void check(std::mt19937_64& rng, ReduceOp op, int64_t rows, int64_t cols, bool over_rows, bool specials,
           const GemmRun& run) {
  const int64_t dims[] = {rows, cols};
  const int axis[] = {over_rows ? 0 : 1};
  ReducePlan plan;
  REQUIRE(plan_reduce(dims, axis, &plan));
  std::vector<float> x = testing::random_floats(rng, rows * cols, -3.0f, 3.0f);
  if (specials) testing::add_specials(rng, x);
  const int64_t n = over_rows ? cols : rows;
  std::vector<float> want(static_cast<size_t>(n));
  Guarded got(n);
  reduce_reference<float>(op, plan, x.data(), want.data());
  if (over_rows)
    reduce_columns_f32(op, rows, cols, x.data(), got.data(), run);
  else
    reduce_rows_f32(op, rows, cols, x.data(), got.data(), run);
  std::ostringstream what;
  what << "op " << static_cast<int>(op) << " [" << rows << "," << cols << "] over " << (over_rows ? "rows" : "columns")
       << " " << eltwise_kernel_name(run.isa) << " threads=" << run.threads;
  REQUIRE_MESSAGE(got.intact(), "wrote past the output: " << what.str());
  const int64_t depth = over_rows ? rows : cols;
  for (int64_t i = 0; i < n; ++i) {
    const float w = want[static_cast<size_t>(i)], g = got[i];
    bool ok;
    if (op == ReduceOp::Max || op == ReduceOp::Min || std::isnan(w) || std::isinf(w)) {
      ok = testing::same_float(g, w) || (std::isnan(w) && std::isnan(g));
    } else {
      // Double sums of depth values in [-3, 3] differ by ~depth · 3 · 1e-16
      // before the rounding to float, which may then land one ulp apart.
      const double scale = op == ReduceOp::Mean ? 3.0 : 3.0 * static_cast<double>(depth);
      ok = std::fabs(static_cast<double>(g) - w) <= 1e-13 * scale + 0x1p-23 * std::fabs(w);
    }
    if (!ok) {
      FAIL_CHECK("output " << i << ": got " << g << " want " << w << "; " << what.str());
      return;
    }
  }
}

}  // namespace

TEST_CASE("reduce_rows_f32 / reduce_columns_f32: random shapes against the reference") {
  std::mt19937_64 rng(testing::eltwise_seed() + 40);
  CHECK_FALSE(reduce_f32_supported(ReduceOp::Prod));
  for (const GemmRun& run : testing::eltwise_runs())
    for (ReduceOp op : kOps) {
      REQUIRE(reduce_f32_supported(op));
      for (int iter = 0; iter < 8; ++iter) {
        const int64_t rows = testing::pick(rng, {1, 2, 3, 5, 16, 17, 100, 301});
        const int64_t cols = testing::pick(rng, {1, 2, 3, 7, 8, 15, 16, 17, 63, 64, 65, 128, 200});
        for (bool over_rows : {false, true}) {
          check(rng, op, rows, cols, over_rows, false, run);
          check(rng, op, rows, cols, over_rows, true, run);
        }
      }
    }
}

}  // namespace frost::kernels
