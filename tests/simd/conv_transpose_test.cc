// The transposed convolution conv2d_backprop_input_f32 against its reference
// twin conv2d_backprop_input_reference, on every ISA the CPU can run: random
// geometry (tiny and odd sizes, kernels 1–5, strides 1–3 including strides
// larger than the kernel, SAME/VALID, dilation, groups, batch > 1, channel
// counts hitting every vector tail), the direct 1×1 path, several column
// bands (crossing images, or one row wider than a band), 1 to 3 threads
// (each owning a range of in_backprop rows). Randomised with a printed seed (FROST_TEST_SEED).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "conv_test_util.h"
#include "kernels/conv.h"
#include "kernels/conv_simd.h"
#include "kernels/conv_transpose_direct.h"

namespace frost::kernels {
namespace {

// Which kernel check_transpose runs: gemm_col2im (conv2d_backprop_input_f32)
// or the direct one (conv2d_transpose_direct_f32).
enum class Kernel { kGemmCol2im, kDirect };

bool check_transpose(std::mt19937_64& rng, const Conv2DParams& p, GemmIsa isa, int threads,
                     Kernel kernel = Kernel::kGemmCol2im) {
  const bool direct = kernel == Kernel::kDirect;
  const int64_t dy_n = p.batch * p.out_h * p.out_w * p.out_c;
  const int64_t dx_n = p.batch * p.in_h * p.in_w * p.in_c;
  const int64_t group_out = p.out_c / p.groups;
  const std::vector<float> dy = random_vec(rng, dy_n);
  const std::vector<float> filter = random_vec(rng, p.filter_h * p.filter_w * (p.in_c / p.groups) * p.out_c);

  std::vector<float> want(static_cast<size_t>(dx_n)), absdot(static_cast<size_t>(dx_n));
  conv2d_backprop_input_reference(p, dy.data(), filter.data(), want.data());
  std::vector<float> abs_dy = dy, abs_f = filter;
  for (float& x : abs_dy) x = std::fabs(x);
  for (float& x : abs_f) x = std::fabs(x);
  conv2d_backprop_input_reference(p, abs_dy.data(), abs_f.data(), absdot.data());

  std::vector<float> packed(direct ? conv2d_transpose_direct_packed_filter_floats(p, isa)
                                   : conv2d_backprop_input_packed_filter_floats(p, isa));
  if (direct)
    conv2d_transpose_direct_pack_filter(p, filter.data(), packed.data(), isa);
  else
    conv2d_backprop_input_pack_filter(p, filter.data(), packed.data(), isa);
  std::vector<float> scratch(direct ? conv2d_transpose_direct_scratch_floats(p, isa)
                                    : conv2d_backprop_input_scratch_floats(p, threads, isa),
                             std::numeric_limits<float>::quiet_NaN());
  GemmRun run = testing::forced_run(isa, threads);
  run.scratch = scratch.data();
  const float kSentinel = 4242.0f;
  std::vector<float> got(static_cast<size_t>(dx_n) + 1, std::numeric_limits<float>::quiet_NaN());
  got[static_cast<size_t>(dx_n)] = kSentinel;  // one past the end must survive
  if (direct)
    conv2d_transpose_direct_f32(p, dy.data(), packed.data(), got.data(), run);
  else
    conv2d_backprop_input_f32(p, dy.data(), packed.data(), got.data(), run);
  if (got[static_cast<size_t>(dx_n)] != kSentinel) {
    FAIL_CHECK("wrote past in_backprop: " << describe(p));
    return false;
  }
  const double eps = std::numeric_limits<float>::epsilon();
  const double terms = static_cast<double>(p.filter_h * p.filter_w * group_out);
  for (int64_t i = 0; i < dx_n; ++i) {
    const size_t u = static_cast<size_t>(i);
    const double tol = 8.0 * eps * std::sqrt(terms + 1.0) * absdot[u] + 16.0 * eps * (1.0 + std::fabs(want[u]));
    const double err = std::fabs(static_cast<double>(got[u]) - want[u]);
    if (!(err <= tol)) {
      const int64_t c = i % p.in_c, px = i / p.in_c;
      FAIL_CHECK("mismatch at in_backprop pixel " << px << " (x=" << px % p.in_w << ", y=" << (px / p.in_w) % p.in_h
                                                  << ", n=" << px / (p.in_w * p.in_h) << ") channel " << c
                                                  << ": got " << got[u] << " want " << want[u] << " tol " << tol
                                                  << "; " << describe(p) << " "
                                                  << std::string(direct ? conv2d_transpose_direct_kernel_name(isa)
                                                                        : gemm_kernel_name(isa))
                                                  << " threads=" << threads);
      return false;
    }
  }
  return true;
}

Conv2DParams random_transpose(std::mt19937_64& rng) {
  for (;;) {
    Conv2DParams p;
    p.batch = pick(rng, {1, 1, 2, 3});
    p.in_h = 1 + static_cast<int64_t>(rng() % 14);
    p.in_w = 1 + static_cast<int64_t>(rng() % 14);
    p.filter_h = pick(rng, {1, 2, 3, 3, 4, 5});
    p.filter_w = rng() % 3 == 0 ? pick(rng, {1, 2, 3, 5}) : p.filter_h;
    p.stride_h = pick(rng, {1, 2, 2, 3});
    p.stride_w = rng() % 3 == 0 ? pick(rng, {1, 2, 3}) : p.stride_h;
    p.dilation_h = rng() % 5 == 0 ? 2 : 1;
    p.dilation_w = rng() % 5 == 0 ? pick(rng, {2, 3}) : 1;
    p.groups = rng() % 6 == 0 ? 2 : 1;
    // in_c is the GEMM's column count per tap, out_c its inner dimension.
    p.in_c = p.groups * pick(rng, {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33});
    p.out_c = p.groups * pick(rng, {1, 3, 4, 8, 13, 16, 24});
    if (finish_geometry(p, rng() % 2 == 0)) return p;
  }
}

}  // namespace

TEST_CASE("conv2d_backprop_input_f32: random geometry against conv2d_backprop_input_reference") {
  std::mt19937_64 rng(seed() + 10);
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    for (int iter = 0; iter < 150; ++iter)
      if (!check_transpose(rng, random_transpose(rng), isa, 1 + iter % 3)) return;
}

TEST_CASE("conv2d_backprop_input_f32: decoder shapes, the direct 1x1 path and several column bands") {
  std::mt19937_64 rng(seed() + 11);
  struct Geo {
    int64_t batch, h, w, in_c, out_c, f, stride;
    bool same;
    int64_t groups;
  };
  const Geo geos[] = {
      {2, 9, 7, 16, 24, 1, 1, false, 1},   // direct: one GEMM straight into in_backprop
      {1, 9, 7, 16, 24, 1, 1, false, 2},   // direct, grouped
      {2, 14, 14, 8, 16, 2, 2, true, 1},   // 2×2 stride 2: taps do not overlap
      {1, 16, 16, 17, 9, 3, 2, true, 1},   // 3×3 stride 2 SAME, odd channels
      {1, 13, 11, 5, 7, 3, 2, false, 1},   // 3×3 stride 2 VALID
      {2, 12, 12, 4, 12, 4, 2, true, 1},   // 4×4 stride 2 (DCGAN-style)
      {1, 10, 10, 6, 6, 1, 3, false, 1},   // kernel smaller than stride: gaps stay zero
      // Column bands of ~2^16 floats: 39×40 out_backprop × 288 columns gives
      // 5-row bands, which cross the image boundary; 1152 columns × 64 pixels
      // overflow a band with a single row.
      {2, 78, 80, 32, 16, 3, 2, true, 1},
      {1, 4, 128, 128, 8, 3, 2, true, 1},
  };
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    for (const Geo& g : geos)
      for (int threads : {1, 2, 3}) {
        Conv2DParams p;
        REQUIRE(square_conv(p, g.batch, g.h, g.w, g.in_c, g.out_c, g.f, g.stride, g.same, g.groups));
        if (!check_transpose(rng, p, isa, threads)) return;
      }
}

TEST_CASE("conv2d_transpose_direct_f32: random geometry against conv2d_backprop_input_reference") {
  // One group, no dilation (what the direct kernel takes); channel counts
  // below, at and past each ISA's vector width and its 4-vector blocks, so
  // both tilings (vectors of in_c, or of out_c for in_c < W/2) and every
  // partial vector run.
  std::mt19937_64 rng(seed() + 12);
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    for (int iter = 0; iter < 150; ++iter) {
      Conv2DParams p = random_transpose(rng);
      if (p.groups != 1 || p.dilation_h != 1 || p.dilation_w != 1) {
        p.groups = 1;
        p.dilation_h = p.dilation_w = 1;
        p.in_c = pick(rng, {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 70});
        p.out_c = pick(rng, {1, 3, 4, 8, 13, 16, 24});
        if (!finish_geometry(p, rng() % 2 == 0)) continue;
      }
      REQUIRE(conv2d_transpose_direct_supported(p, isa));
      if (!check_transpose(rng, p, isa, 1 + iter % 3, Kernel::kDirect)) return;
    }
}

TEST_CASE("conv2d_transpose_direct_f32: decoder shapes, batch > 1, threads") {
  std::mt19937_64 rng(seed() + 13);
  struct Geo {
    int64_t batch, h, w, in_c, out_c, f, stride;
    bool same;
  };
  const Geo geos[] = {
      {2, 14, 14, 8, 16, 2, 2, true},     // 2×2 stride 2: one tap per pixel
      {1, 56, 56, 32, 64, 3, 2, true},    // bench_conv's deconv: 28×28×64 -> 56×56×32
      {1, 7, 7, 32, 64, 5, 2, true},      // cae_mnist's decoder: 4×4×64 -> 7×7×32
      {1, 14, 14, 16, 32, 5, 2, true},    // ... 7×7×32 -> 14×14×16: two rows per tile, edge taps skipped, dy in place
      {2, 9, 13, 40, 24, 3, 2, true},     // the same with 3 vectors of in_c, odd sizes, batch 2 (rows paired across images)
      {2, 28, 28, 1, 16, 5, 2, true},     // ... its last layer to 1 channel (out_c vectorised)
      {1, 13, 11, 5, 7, 3, 2, false},     // 3×3 stride 2 VALID, odd channels
      {2, 12, 12, 4, 12, 4, 2, true},     // 4×4 stride 2 (DCGAN-style)
      {1, 10, 10, 6, 6, 1, 3, false},     // kernel smaller than stride: gaps are zero
      {1, 9, 9, 70, 20, 3, 1, true},      // stride 1, more than 4 vectors of in_c
      {1, 6, 20, 3, 40, 3, 3, true},      // stride 3, out_c not a multiple of W
      {1, 4, 45, 20, 8, 3, 1, true},      // rows of full tiles then a remainder tile of its exact width
      {1, 5, 40, 16, 13, 3, 1, true},     // 3 column taps per ky run together, odd out_c (halves + a last step)
      {1, 6, 30, 40, 9, 5, 2, false},     // 5×5 stride 2 VALID, 3 vectors of in_c: 3 and 2 column taps per ky
  };
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    for (const Geo& g : geos)
      for (int threads : {1, 2, 3}) {
        Conv2DParams p;
        REQUIRE(square_conv(p, g.batch, g.h, g.w, g.in_c, g.out_c, g.f, g.stride, g.same, 1));
        if (!check_transpose(rng, p, isa, threads, Kernel::kDirect)) return;
      }
}

}  // namespace frost::kernels
