// max_pool2d_f32 / avg_pool2d_f32 against their reference twins (kernels/pool.h)
// on every ISA the CPU runs, 1 and 3 threads: random NHWC geometry (tiny and
// odd sizes, channel counts covering every tail mod 4/8/16 and the 4-vector
// blocks), windows 1..4, strides 1..3, SAME/VALID padding and explicit
// padding as wide as the window (empty windows). Max pooling must match bit
// for bit, NaN included; average pooling to float rounding.
#include <algorithm>
#include <sstream>
#include <string>

#include "eltwise_test_util.h"
#include "kernels/padding.h"
#include "kernels/pool.h"

namespace frost::kernels {
namespace {

using testing::Guarded;

std::string describe(const Pool2DParams& p) {
  std::ostringstream o;
  o << "N=" << p.batch << " in=" << p.in_h << "x" << p.in_w << "x" << p.channels << " out=" << p.out_h << "x"
    << p.out_w << " window=" << p.window_h << "x" << p.window_w << " stride=" << p.stride_h << "," << p.stride_w
    << " pad_top=" << p.pad_top << " pad_left=" << p.pad_left;
  return o.str();
}

Pool2DParams random_pool(std::mt19937_64& rng) {
  for (;;) {
    Pool2DParams p;
    p.batch = testing::pick(rng, {1, 1, 2});
    p.in_h = 1 + static_cast<int64_t>(rng() % 9);
    p.in_w = 1 + static_cast<int64_t>(rng() % 9);
    p.channels = testing::pick(rng, {1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 23, 31, 32, 33, 47, 64, 67, 75});
    p.window_h = 1 + static_cast<int64_t>(rng() % 4);
    p.window_w = rng() % 3 == 0 ? 1 + static_cast<int64_t>(rng() % 4) : p.window_h;
    p.stride_h = 1 + static_cast<int64_t>(rng() % 3);
    p.stride_w = rng() % 3 == 0 ? 1 + static_cast<int64_t>(rng() % 3) : p.stride_h;
    const int mode = static_cast<int>(rng() % 5);
    if (mode == 4) {
      // Explicit padding up to the window size: border windows may be empty.
      const int64_t pt = static_cast<int64_t>(rng() % static_cast<uint64_t>(p.window_h + 1));
      const int64_t pb = static_cast<int64_t>(rng() % static_cast<uint64_t>(p.window_h + 1));
      const int64_t pl = static_cast<int64_t>(rng() % static_cast<uint64_t>(p.window_w + 1));
      const int64_t pr = static_cast<int64_t>(rng() % static_cast<uint64_t>(p.window_w + 1));
      p.pad_top = pt;
      p.pad_left = pl;
      p.out_h = (p.in_h + pt + pb - p.window_h) / p.stride_h + 1;
      p.out_w = (p.in_w + pl + pr - p.window_w) / p.stride_w + 1;
      if (p.in_h + pt + pb >= p.window_h && p.in_w + pl + pr >= p.window_w) return p;
      continue;
    }
    WindowDim h, w;
    const PaddingMode m = mode % 2 == 0 ? PaddingMode::Same : PaddingMode::Valid;
    if (!compute_window_dim(p.in_h, p.window_h, p.stride_h, 1, m, 0, 0, &h) ||
        !compute_window_dim(p.in_w, p.window_w, p.stride_w, 1, m, 0, 0, &w) || h.output <= 0 || w.output <= 0)
      continue;
    p.out_h = h.output;
    p.out_w = w.output;
    p.pad_top = h.pad_before;
    p.pad_left = w.pad_before;
    return p;
  }
}

bool check(std::mt19937_64& rng, const Pool2DParams& p, bool max, const GemmRun& run) {
  const int64_t in_n = p.batch * p.in_h * p.in_w * p.channels;
  const int64_t out_n = p.batch * p.out_h * p.out_w * p.channels;
  std::vector<float> in = testing::random_floats(rng, in_n, -4.0f, 4.0f);
  if (max && rng() % 4 == 0) testing::add_specials(rng, in);
  std::vector<float> want(static_cast<size_t>(out_n));
  Guarded got(out_n);
  if (max) {
    max_pool2d_reference(p, in.data(), want.data());
    max_pool2d_f32(p, in.data(), got.data(), run);
  } else {
    avg_pool2d_reference(p, in.data(), want.data());
    avg_pool2d_f32(p, in.data(), got.data(), run);
  }
  const std::string what = std::string(max ? "max" : "avg") + " pool " + eltwise_kernel_name(run.isa) +
                           " threads=" + std::to_string(run.threads) + " " + describe(p);
  if (!got.intact()) {
    FAIL_CHECK("wrote past the output: " << what);
    return false;
  }
  // Average: a float sum of up to window_h·window_w values in [-4, 4] (each
  // addition off by half an ulp of a partial sum), then one division.
  const double tol = 4.0 * 4.0 * static_cast<double>(p.window_h * p.window_w) * std::numeric_limits<float>::epsilon();
  for (int64_t i = 0; i < out_n; ++i) {
    const float w = want[static_cast<size_t>(i)], g = got[i];
    const bool ok = max ? testing::same_float(g, w) : std::fabs(static_cast<double>(g) - w) <= tol;
    if (!ok) {
      const int64_t c = i % p.channels, px = i / p.channels;
      FAIL_CHECK("mismatch at (n=" << px / (p.out_w * p.out_h) << ", y=" << (px / p.out_w) % p.out_h
                                   << ", x=" << px % p.out_w << ", c=" << c << "): got " << g << " want " << w
                                   << "; " << what);
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("max_pool2d_f32 / avg_pool2d_f32: random geometry against the reference") {
  std::mt19937_64 rng(testing::eltwise_seed());
  for (const GemmRun& run : testing::eltwise_runs())
    for (int iter = 0; iter < 150; ++iter) {
      const Pool2DParams p = random_pool(rng);
      if (!check(rng, p, iter % 2 == 0, run)) return;
    }
}

TEST_CASE("max_pool2d_f32 / avg_pool2d_f32: few channels on wide rows (pixels pooled 4 at a time)") {
  // Channels that fit one vector (C <= W) on rows wide enough that blocks of
  // 4 output pixels run between the padded edges, with leftovers after them;
  // NaN and infinities in a quarter of the max pools.
  std::mt19937_64 rng(testing::eltwise_seed() + 2);
  for (const GemmRun& run : testing::eltwise_runs())
    for (int iter = 0; iter < 60; ++iter) {
      Pool2DParams p;
      p.batch = testing::pick(rng, {1, 2});
      p.in_h = 1 + static_cast<int64_t>(rng() % 12);
      p.in_w = 12 + static_cast<int64_t>(rng() % 30);
      p.channels = testing::pick(rng, {1, 2, 3, 4, 5, 8, 13, 16});
      p.window_h = 1 + static_cast<int64_t>(rng() % 3);
      p.window_w = 1 + static_cast<int64_t>(rng() % 3);
      p.stride_h = 1 + static_cast<int64_t>(rng() % 2);
      p.stride_w = 1 + static_cast<int64_t>(rng() % 3);
      WindowDim h, w;
      const PaddingMode m = rng() % 2 == 0 ? PaddingMode::Same : PaddingMode::Valid;
      if (!compute_window_dim(p.in_h, p.window_h, p.stride_h, 1, m, 0, 0, &h) ||
          !compute_window_dim(p.in_w, p.window_w, p.stride_w, 1, m, 0, 0, &w) || h.output <= 0 || w.output <= 0)
        continue;
      p.out_h = h.output;
      p.out_w = w.output;
      p.pad_top = h.pad_before;
      p.pad_left = w.pad_before;
      if (!check(rng, p, iter % 2 == 0, run)) return;
    }
}

TEST_CASE("max_pool2d_f32 / avg_pool2d_f32: the model shapes (2x2/2, 3x3/2 SAME, global average)") {
  std::mt19937_64 rng(testing::eltwise_seed() + 1);
  Pool2DParams a{.batch = 2, .in_h = 28, .in_w = 28, .channels = 32, .out_h = 14, .out_w = 14,
                 .window_h = 2, .window_w = 2, .stride_h = 2, .stride_w = 2};
  Pool2DParams b{.batch = 1, .in_h = 15, .in_w = 15, .channels = 24, .out_h = 8, .out_w = 8,
                 .window_h = 3, .window_w = 3, .stride_h = 2, .stride_w = 2, .pad_top = 1, .pad_left = 1};
  Pool2DParams g{.batch = 1, .in_h = 7, .in_w = 7, .channels = 1280, .out_h = 1, .out_w = 1,
                 .window_h = 7, .window_w = 7};
  for (const GemmRun& run : testing::eltwise_runs())
    for (const Pool2DParams& p : {a, b, g})
      for (bool max : {true, false}) CHECK(check(rng, p, max, run));
}

}  // namespace frost::kernels
