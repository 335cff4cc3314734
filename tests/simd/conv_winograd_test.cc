// The Winograd convolution (kernels/conv_winograd.h) against conv2d_reference
// on every ISA the CPU can run that has a Winograd kernel: random geometry
// (odd sizes, images smaller than a tile, SAME, VALID and explicit padding,
// batch > 1, channel counts that are not multiples of the vector width),
// each epilogue option, 1 and 2 threads, both ways of sharing the work
// between threads (by blocks of tiles and by output channels). Randomised
// with a printed seed (FROST_TEST_SEED replays a run).
//
// Tolerance: Winograd's rounding error is not that of the direct sum. The
// transforms mix a tile's 6×6 inputs with weights up to 8 (outputs) and 5
// (inputs) before the products, so an output's error scales with the
// magnitudes of its whole tile, not with its own |x|·|w| sum. The bound used
// is kWinogradErrorFactor · ε · sqrt(taps) · max |x|·|w| over the output;
// measured on these cases the error stays below ~1/4 of it (printed).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "conv_test_util.h"
#include "kernels/conv.h"
#include "kernels/conv_direct.h"
#include "kernels/conv_winograd.h"
#include "kernels/fma_rate.h"

namespace frost::kernels {
namespace {

constexpr double kWinogradErrorFactor = 8.0;

struct Options {
  GemmIsa isa = GemmIsa::kAuto;
  int threads = 1;
  bool bias = false, residual = false, residual_after = false, accumulate = false;
  Activation act = Activation::kNone;
};

// The largest error seen, as a fraction of the tolerance.
double& worst_ratio() {
  static double worst = 0;
  return worst;
}

bool check(std::mt19937_64& rng, const Conv2DParams& p, const Options& o) {
  REQUIRE(conv2d_winograd_supported(p, o.isa));
  const int64_t out_n = p.batch * p.out_h * p.out_w * p.out_c;
  const std::vector<float> in = random_vec(rng, p.batch * p.in_h * p.in_w * p.in_c);
  const std::vector<float> filter = random_vec(rng, 9 * p.in_c * p.out_c);
  const std::vector<float> bias = random_vec(rng, p.out_c), res = random_vec(rng, out_n);
  const std::vector<float> old = random_vec(rng, out_n);

  std::vector<float> want(static_cast<size_t>(out_n)), absdot(static_cast<size_t>(out_n));
  std::vector<float> abs_in = in, abs_f = filter;
  for (float& x : abs_in) x = std::fabs(x);
  for (float& x : abs_f) x = std::fabs(x);
  conv2d_reference(p, in.data(), filter.data(), want.data());
  conv2d_reference(p, abs_in.data(), abs_f.data(), absdot.data());
  double scale = 0;
  for (float x : absdot) scale = std::max(scale, static_cast<double>(x));
  EpilogueSteps steps;
  steps.bias = o.bias ? bias.data() : nullptr;
  steps.residual = o.residual ? res.data() : nullptr;
  steps.old = o.accumulate ? old.data() : nullptr;
  steps.residual_after = o.residual_after;
  steps.act = o.act;
  apply_reference_epilogue(steps, p.out_c, want);
  const GemmEpilogue ep = epilogue_for(steps, p.out_c);
  GemmRun run = testing::forced_run(o.isa, o.threads);
  std::vector<float> got(static_cast<size_t>(out_n) + 1, std::numeric_limits<float>::quiet_NaN());
  if (o.accumulate) std::copy(old.begin(), old.end(), got.begin());
  const float kSentinel = 4242.0f;
  got[static_cast<size_t>(out_n)] = kSentinel;  // one past the end must survive
  std::vector<float> packed(conv2d_winograd_packed_filter_floats(p, o.isa));
  conv2d_winograd_pack_filter(p, filter.data(), packed.data(), o.isa);
  std::vector<float> scratch(conv2d_winograd_scratch_floats(p, o.threads, o.isa),
                             std::numeric_limits<float>::quiet_NaN());
  run.scratch = scratch.data();
  conv2d_winograd_f32(p, in.data(), packed.data(), got.data(), ep, run);
  if (got[static_cast<size_t>(out_n)] != kSentinel) {
    FAIL_CHECK("wrote past the output: " << describe(p));
    return false;
  }
  const double eps = std::numeric_limits<float>::epsilon();
  const double winograd_tol = kWinogradErrorFactor * eps * std::sqrt(9.0 * static_cast<double>(p.in_c)) * scale;
  for (int64_t i = 0; i < out_n; ++i) {
    const size_t u = static_cast<size_t>(i);
    const double tol = winograd_tol + 16.0 * eps * (2.0 + std::fabs(want[u]) + std::fabs(res[u]) + std::fabs(old[u]));
    const double err = std::fabs(static_cast<double>(got[u]) - want[u]);
    worst_ratio() = std::max(worst_ratio(), err / tol);
    if (!(err <= tol)) {
      const int64_t c = i % p.out_c, px = i / p.out_c;
      FAIL_CHECK("mismatch at pixel " << px << " (x=" << px % p.out_w << ", y=" << (px / p.out_w) % p.out_h
                                      << ", n=" << px / (p.out_w * p.out_h) << ") channel " << c << ": got " << got[u]
                                      << " want " << want[u] << " tol " << tol << "; " << describe(p) << " "
                                      << conv2d_winograd_kernel_name(o.isa) << " threads=" << o.threads
                                      << " bias=" << o.bias << " residual=" << o.residual
                                      << " after=" << o.residual_after << " accumulate=" << o.accumulate
                                      << " act=" << static_cast<int>(o.act));
      return false;
    }
  }
  return true;
}

// 3×3, stride 1: SAME, VALID, or explicit padding (any amounts before and
// after, including more than the filter needs).
Conv2DParams random_conv(std::mt19937_64& rng) {
  for (;;) {
    Conv2DParams p;
    p.batch = pick(rng, {1, 1, 2, 3});
    p.in_h = 1 + static_cast<int64_t>(rng() % 19);
    p.in_w = 1 + static_cast<int64_t>(rng() % 19);
    p.in_c = pick(rng, {1, 3, 8, 13, 16, 17, 32, 40});
    p.out_c = pick(rng, {1, 5, 16, 17, 33, 40, 64});
    p.filter_h = p.filter_w = 3;
    const int64_t mode = static_cast<int64_t>(rng() % 3);
    if (mode < 2) {
      if (finish_geometry(p, mode == 0)) return p;
      continue;
    }
    p.pad_top = static_cast<int64_t>(rng() % 3);
    p.pad_left = static_cast<int64_t>(rng() % 3);
    p.out_h = p.in_h + p.pad_top + static_cast<int64_t>(rng() % 3) - 2;
    p.out_w = p.in_w + p.pad_left + static_cast<int64_t>(rng() % 3) - 2;
    if (p.out_h > 0 && p.out_w > 0) return p;
  }
}

std::vector<GemmIsa> winograd_isas() {
  std::vector<GemmIsa> out;
  Conv2DParams p;
  p.filter_h = p.filter_w = 3;
  p.in_c = p.out_c = 1;
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    if (conv2d_winograd_supported(p, isa)) out.push_back(isa);
  return out;
}

}  // namespace

TEST_CASE("conv2d_winograd_f32: random 3x3 stride-1 geometry against conv2d_reference") {
  std::mt19937_64 rng(seed() + 100);
  const Activation acts[] = {Activation::kNone, Activation::kRelu, Activation::kRelu6, Activation::kLeakyRelu,
                             Activation::kElu, Activation::kSigmoid, Activation::kSwish};
  for (GemmIsa isa : winograd_isas()) {
    CAPTURE(std::string(conv2d_winograd_kernel_name(isa)));
    for (int iter = 0; iter < 150; ++iter) {
      const Conv2DParams p = random_conv(rng);
      Options o;
      o.isa = isa;
      o.threads = 1 + iter % 2;
      o.bias = iter % 3 != 0;
      o.residual = iter % 4 == 1;
      o.residual_after = iter % 8 == 5;
      o.accumulate = iter % 7 == 3;
      o.act = acts[iter % 7];
      if (!check(rng, p, o)) return;
    }
  }
  MESSAGE("largest Winograd error: " << worst_ratio() << " of the tolerance");
}

TEST_CASE("conv2d_winograd_f32: layers of real networks' shapes, blocks and channel splits across threads") {
  // Enough tiles for several blocks per thread (split by tiles), and few
  // tiles with many output channels (split by channels).
  std::mt19937_64 rng(seed() + 101);
  struct Geo {
    int64_t batch, h, w, cin, cout;
  };
  // 19²×256→256: few tiles under a large filter, one block per part
  // (winograd_fit_units; 19²×160→192 one block on 1 thread only);
  // 32×11×128→129: parts of 96 and 33 channels, which keep the cache
  // budget's blocks.
  const Geo geos[] = {{1, 28, 28, 32, 32}, {2, 14, 14, 64, 96}, {1, 7, 7, 128, 160}, {1, 9, 11, 48, 136},
                      {1, 19, 19, 256, 256}, {1, 19, 19, 160, 192}, {1, 32, 11, 128, 129}};
  for (GemmIsa isa : winograd_isas())
    for (const Geo& g : geos)
      for (int threads : {1, 2}) {
        Conv2DParams p;
        REQUIRE(square_conv(p, g.batch, g.h, g.w, g.cin, g.cout, 3, 1, true, 1));
        Options o;
        o.isa = isa;
        o.threads = threads;
        o.bias = true;
        o.residual = threads == 2;
        o.act = Activation::kRelu;
        if (!check(rng, p, o)) return;
      }
}

TEST_CASE("conv2d_winograd_f32: the same bits on 1 and 2 threads") {
  // Blocks are whole GEMM row tiles whatever the thread count, so every
  // output is summed in the same order.
  std::mt19937_64 rng(seed() + 102);
  for (GemmIsa isa : winograd_isas())
    for (const auto& [batch, h, cin, cout] : {std::tuple{2, 29, 24, 40}, std::tuple{1, 13, 64, 96}, std::tuple{1, 5, 8, 8},
                                              std::tuple{1, 19, 160, 192}, std::tuple{1, 19, 256, 256}}) {
      Conv2DParams p;
      REQUIRE(square_conv(p, batch, h, h + 2, cin, cout, 3, 1, true, 1));
      const std::vector<float> in = random_vec(rng, p.batch * p.in_h * p.in_w * p.in_c);
      const std::vector<float> filter = random_vec(rng, 9 * p.in_c * p.out_c);
      std::vector<float> packed(conv2d_winograd_packed_filter_floats(p, isa));
      conv2d_winograd_pack_filter(p, filter.data(), packed.data(), isa);
      std::vector<std::vector<float>> out;
      for (int threads : {1, 2}) {
        GemmRun run = testing::forced_run(isa, threads);
        out.emplace_back(static_cast<size_t>(p.batch * p.out_h * p.out_w * p.out_c));
        conv2d_winograd_f32(p, in.data(), packed.data(), out.back().data(), {}, run);
      }
      CHECK_MESSAGE(out[0] == out[1], describe(p) << " " << conv2d_winograd_kernel_name(isa));
    }
}

TEST_CASE("conv2d_winograd: what it supports and where its cost rule sends it") {
  Conv2DParams p;
  REQUIRE(square_conv(p, 1, 56, 56, 64, 64, 3, 1, true, 1));
  const GemmIsa best = gemm_best_isa();
  CHECK(conv2d_winograd_supported(p, best) == (best != GemmIsa::kSse2));
  CHECK_FALSE(conv2d_winograd_supported(p, GemmIsa::kSse2));
  CHECK(conv2d_winograd_pays(p));
  Conv2DParams s = p;
  s.stride_h = s.stride_w = 2;
  CHECK_FALSE(conv2d_winograd_supported(s));
  Conv2DParams d = p;
  d.dilation_h = 2;
  CHECK_FALSE(conv2d_winograd_supported(d));
  Conv2DParams g = p;
  g.groups = 2;
  CHECK_FALSE(conv2d_winograd_supported(g));
  Conv2DParams f = p;
  f.filter_w = 5;
  CHECK_FALSE(conv2d_winograd_supported(f));
  // An RGB stem has too few channels for the transforms to pay; 8 channels
  // pay on large images only; tiny images (one tile, or mostly padding) never.
  auto pays = [](int64_t batch, int64_t h, int64_t w, int64_t cin, int64_t cout) {
    Conv2DParams q;
    REQUIRE(square_conv(q, batch, h, w, cin, cout, 3, 1, true, 1));
    return conv2d_winograd_pays(q);
  };
  CHECK_FALSE(pays(1, 224, 224, 3, 32));
  CHECK(pays(1, 368, 640, 8, 16) == !(conv2d_direct_isa_supported() && zmm_fma_full_rate() && best == GemmIsa::kAvx512));
  CHECK(pays(1, 368, 640, 8, 32));
  // 8 → 8: the direct kernel's stem mode is faster where the CPU has it.
  CHECK(pays(1, 368, 640, 8, 8) == !conv2d_direct_isa_supported());
  CHECK_FALSE(pays(1, 14, 14, 8, 8));
  // A transformed filter beyond the last-level cache (7²×512→512: 37.7 MB)
  // on few pixels: the direct kernel, where the CPU has it; on more pixels
  // (a batch of 2, a larger image) or with a smaller filter, Winograd.
  CHECK(pays(1, 7, 7, 512, 512) == !conv2d_direct_isa_supported());
  CHECK(pays(2, 7, 7, 512, 512));
  CHECK(pays(1, 9, 9, 512, 512));
  CHECK(pays(1, 7, 7, 256, 512));
  CHECK(pays(1, 14, 14, 256, 256));
  CHECK(pays(1, 9, 9, 64, 64));
  CHECK_FALSE(pays(1, 5, 5, 64, 64));
  CHECK_FALSE(pays(1, 4, 4, 64, 64));
  CHECK(pays(2, 4, 4, 64, 64));
  // Narrow layers take the AVX2 kernel where AVX-512 would leave its vectors half empty.
  // Where zmm FMAs are full rate, only layers of at most 8 outputs (a full ymm vector).
  if (best == GemmIsa::kAvx512) {
    Conv2DParams narrow;
    REQUIRE(square_conv(narrow, 1, 368, 640, 8, 8, 3, 1, true, 1));
    CHECK(conv2d_winograd_isa(narrow) == GemmIsa::kAvx2);
    CHECK(conv2d_winograd_isa(p) == GemmIsa::kAvx512);
  }
  Conv2DParams n16, n8, in8;
  REQUIRE(square_conv(n16, 1, 184, 320, 16, 16, 3, 1, true, 1));
  REQUIRE(square_conv(n8, 1, 32, 32, 24, 8, 3, 1, true, 1));
  REQUIRE(square_conv(in8, 1, 64, 64, 8, 32, 3, 1, true, 1));
  for (bool full : {false, true}) {
    CHECK(conv2d_winograd_isa(n16, GemmIsa::kAvx512, full) == (full ? GemmIsa::kAvx512 : GemmIsa::kAvx2));
    CHECK(conv2d_winograd_isa(in8, GemmIsa::kAvx512, full) == (full ? GemmIsa::kAvx512 : GemmIsa::kAvx2));
    CHECK(conv2d_winograd_isa(n8, GemmIsa::kAvx512, full) == GemmIsa::kAvx2);
    CHECK(conv2d_winograd_isa(p, GemmIsa::kAvx512, full) == GemmIsa::kAvx512);
    CHECK(conv2d_winograd_isa(n16, GemmIsa::kAvx2, full) == GemmIsa::kAvx2);
  }
  Conv2DParams unknown = p;  // input size not known at prepare time
  unknown.out_h = unknown.out_w = 0;
  CHECK(conv2d_winograd_pays(unknown));
  unknown.in_c = 8;
  CHECK_FALSE(conv2d_winograd_pays(unknown));
}

TEST_CASE("conv2d_winograd_pays: 8 input channels and more outputs, by the machine's 512-bit FMA rate") {
  // The direct kernel's stem mode runs AVX-512 tiles for 16+ outputs: even
  // with Winograd's AVX2 kernel on Zen 4 (Winograd kept); on Zen 5 faster
  // than its AVX-512 kernel up to 16 outputs (half its GEMM tile).
  Conv2DParams sbd, to32, wide, stem8;
  REQUIRE(square_conv(sbd, 1, 184, 320, 8, 16, 3, 1, true, 1));
  REQUIRE(square_conv(to32, 1, 64, 64, 8, 32, 3, 1, true, 1));
  REQUIRE(square_conv(wide, 1, 56, 56, 16, 32, 3, 1, true, 1));
  REQUIRE(square_conv(stem8, 1, 368, 640, 8, 8, 3, 1, true, 1));
  const WinogradMachine zen4{true, true, false}, zen5{true, true, true}, avx2_only{true, false, true}, no_direct{false, false, true};
  CHECK(conv2d_winograd_pays(sbd, zen4));
  CHECK(conv2d_winograd_pays(to32, zen4));
  CHECK_FALSE(conv2d_winograd_pays(sbd, zen5));
  // 32 outputs fill Winograd's 32-wide AVX-512 GEMM tile: Winograd again.
  CHECK(conv2d_winograd_pays(to32, zen5));
  // Direct kernels capped at AVX2 (FROST_MAX_ISA=avx2): both run ymm FMAs, Winograd kept.
  CHECK(conv2d_winograd_pays(sbd, avx2_only));
  CHECK(conv2d_winograd_pays(sbd, no_direct));
  // 16 input channels: Winograd on every machine; 8 → 8: the stem wherever it exists.
  for (const WinogradMachine& m : {zen4, zen5, avx2_only}) {
    CHECK(conv2d_winograd_pays(wide, m));
    CHECK_FALSE(conv2d_winograd_pays(stem8, m));
  }
  CHECK(conv2d_winograd_pays(stem8, no_direct));
}

TEST_CASE("zmm_fma_full_rate: AMD from family 26 (Zen 5) only") {
  CHECK_FALSE(zmm_fma_full_rate(true, 25));  // Zen 4: double-pumped
  CHECK(zmm_fma_full_rate(true, 26));
  CHECK_FALSE(zmm_fma_full_rate(false, 6));  // Intel: not told by CPUID
  CHECK(zmm_fma_full_rate() == zmm_fma_full_rate());
}

}  // namespace frost::kernels
