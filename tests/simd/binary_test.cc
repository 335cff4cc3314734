// binary_f32 against binary_reference<float> (kernels/elementwise.h), bit for
// bit (NaN, ±0 and ±inf sprinkled in), on every ISA the CPU runs with 1 and 3
// threads, for every op it supports and every broadcast pattern: same shape,
// scalar on either side, per-channel row ([..., C] op [C]), column
// ([M, N] op [M, 1]), and general rank-1..4 shapes where any dimension of
// either side may be 1 or missing. Lengths cover every tail mod 4/8/16.
#include <algorithm>
#include <sstream>
#include <string>

#include "eltwise_test_util.h"

namespace frost::kernels {
namespace {

using testing::Guarded;

constexpr BinaryOp kOps[] = {BinaryOp::Add,     BinaryOp::Sub,     BinaryOp::Mul,
                             BinaryOp::Div,     BinaryOp::Maximum, BinaryOp::Minimum,
                             BinaryOp::SquaredDifference};

std::string dims_string(const std::vector<int64_t>& d) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < d.size(); ++i) o << (i ? "," : "") << d[i];
  o << "]";
  return o.str();
}

int64_t count(const std::vector<int64_t>& d) {
  int64_t n = 1;
  for (int64_t v : d) n *= v;
  return n;
}

// The numpy broadcast of two shapes that are known to be compatible.
std::vector<int64_t> broadcast(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  const size_t r = std::max(a.size(), b.size());
  std::vector<int64_t> out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    out[i] = da == 1 ? db : da;
  }
  return out;
}

bool check(std::mt19937_64& rng, BinaryOp op, const std::vector<int64_t>& xd, const std::vector<int64_t>& yd,
           const GemmRun& run) {
  const std::vector<int64_t> od = broadcast(xd, yd);
  const std::span<const int64_t> inputs[] = {xd, yd};
  Broadcast plan;
  REQUIRE(plan_broadcast(od, inputs, &plan));
  std::vector<float> x = testing::random_floats(rng, count(xd), -3.0f, 3.0f);
  std::vector<float> y = testing::random_floats(rng, count(yd), -3.0f, 3.0f);
  testing::add_specials(rng, x);
  testing::add_specials(rng, y);
  const int64_t n = count(od);
  std::vector<float> want(static_cast<size_t>(n));
  Guarded got(n);
  binary_reference<float>(op, plan, x.data(), y.data(), want.data());
  binary_f32(op, plan, x.data(), y.data(), got.data(), run);
  const auto what = [&] {
    return "op " + std::to_string(static_cast<int>(op)) + " x" + dims_string(xd) + " y" + dims_string(yd) + " " +
           eltwise_kernel_name(run.isa) + " threads=" + std::to_string(run.threads);
  };
  if (!got.intact()) {
    FAIL_CHECK("wrote past the output: " << what());
    return false;
  }
  for (int64_t i = 0; i < n; ++i)
    if (!testing::same_float(got[i], want[static_cast<size_t>(i)])) {
      FAIL_CHECK("mismatch at output element " << i << " of " << dims_string(od) << ": got " << got[i] << " want "
                                               << want[static_cast<size_t>(i)] << "; " << what());
      return false;
    }
  return true;
}

int64_t length(std::mt19937_64& rng) {
  return testing::pick(rng, {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 257});
}

}  // namespace

TEST_CASE("binary_f32: same shape, scalar, row and column broadcasts, bit-exact") {
  std::mt19937_64 rng(testing::eltwise_seed() + 10);
  for (const GemmRun& run : testing::eltwise_runs())
    for (BinaryOp op : kOps)
      for (int iter = 0; iter < 6; ++iter) {
        const int64_t n = length(rng), m = 1 + static_cast<int64_t>(rng() % 5);
        const int64_t c = length(rng);
        CHECK(check(rng, op, {n}, {n}, run));                // same shape
        CHECK(check(rng, op, {m, n}, {m, n}, run));          // same shape, merged to rank 1
        CHECK(check(rng, op, {m, n}, {}, run));              // scalar y
        CHECK(check(rng, op, {}, {m, n}, run));              // scalar x
        CHECK(check(rng, op, {2, m, 3, c}, {c}, run));       // per-channel (NHWC op [C])
        CHECK(check(rng, op, {c}, {m, 1, 2, c}, run));       // per-channel on the left
        CHECK(check(rng, op, {1, m, 5, c}, {1, 1, 1, c}, run));  // squeeze-excite scale
        CHECK(check(rng, op, {1, 1, 1, c}, {1, 5, m, c}, run));  // ... on the left
        CHECK(check(rng, op, {m, n}, {m, 1}, run));          // column
        CHECK(check(rng, op, {m, 1}, {1, n}, run));          // outer product
      }
}

// Many short rows: the per-channel kernel repeats a row that is not a whole
// number of vectors to lcm(c, W) floats; the threads' ranges start and end
// mid-row and mid-tile.
TEST_CASE("binary_f32: per-channel rows of every width up to past the tile, bit-exact") {
  std::mt19937_64 rng(testing::eltwise_seed() + 12);
  for (const GemmRun& run : testing::eltwise_runs())
    for (BinaryOp op : kOps)
      for (int64_t c : {1, 2, 3, 5, 6, 7, 12, 20, 24, 48, 63, 65, 100, 1031}) {
        const int64_t rows = 1 + static_cast<int64_t>(rng() % 700);
        CHECK(check(rng, op, {1, rows, c}, {c}, run));
        CHECK(check(rng, op, {c}, {rows, 1, c}, run));
      }
}

TEST_CASE("binary_f32: general rank-1..4 broadcasting, bit-exact") {
  std::mt19937_64 rng(testing::eltwise_seed() + 11);
  for (const GemmRun& run : testing::eltwise_runs())
    for (int iter = 0; iter < 60; ++iter) {
      const size_t rank = 1 + rng() % 4;
      std::vector<int64_t> out(rank), xd, yd;
      for (int64_t& d : out) d = testing::pick(rng, {1, 2, 3, 4, 5, 7, 8, 9, 17});
      // Each side: drop some leading dims, set some of the others to 1.
      const size_t xr = rank - rng() % (rank + 1), yr = rank - rng() % (rank + 1);
      for (size_t i = rank - xr; i < rank; ++i) xd.push_back(rng() % 3 == 0 ? 1 : out[i]);
      for (size_t i = rank - yr; i < rank; ++i) yd.push_back(rng() % 3 == 0 ? 1 : out[i]);
      if (!check(rng, kOps[iter % 7], xd, yd, run)) return;
    }
}

}  // namespace frost::kernels
