// The direct convolution (kernels/conv_direct.h) against conv2d_reference,
// on every ISA with direct kernels the CPU can run and every tile of each:
// random geometry (odd sizes, 1×1, k×k up to 7, SAME/VALID/explicit padding,
// strides 1–3, dilation, channel counts that are not multiples of the vector
// width, batches), each epilogue option, 1 and 2 threads. Randomised with a
// printed seed (FROST_TEST_SEED replays a run).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "conv_test_util.h"
#include "kernels/conv.h"
#include "kernels/conv_direct.h"
#include "kernels/fma_rate.h"
#include "kernels/simd/conv_direct_kernel_table.h"
#include "kernels/simd/conv_pointwise_panel.h"
#include "kernels/simd/conv_resident.h"
#include "kernels/simd/conv_taps.h"
#include "kernels/simd/direct_padding_taps.h"

namespace frost::kernels {
namespace {

struct Options {
  ConvDirectPlan plan;
  int threads = 1;
  bool bias = false, residual = false, residual_after = false, scale = false, shift = false;
  Activation act = Activation::kNone;
};

std::string describe_run(const Conv2DParams& p, const Options& o) {
  return describe(p) + " " + conv2d_direct_kernel_name(o.plan) + " threads=" + std::to_string(o.threads) +
         " bias=" + std::to_string(o.bias) + " residual=" + std::to_string(o.residual) +
         " after=" + std::to_string(o.residual_after) + " scale=" + std::to_string(o.scale) +
         " shift=" + std::to_string(o.shift) + " act=" + std::to_string(static_cast<int>(o.act));
}

bool check(std::mt19937_64& rng, const Conv2DParams& p, const Options& o) {
  const int64_t in_n = p.batch * p.in_h * p.in_w * p.in_c;
  const int64_t out_n = p.batch * p.out_h * p.out_w * p.out_c;
  const int64_t f_n = p.filter_h * p.filter_w * p.in_c * p.out_c;
  const std::vector<float> in = random_vec(rng, in_n), filter = random_vec(rng, f_n);
  const std::vector<float> bias = random_vec(rng, p.out_c), res = random_vec(rng, out_n);
  const std::vector<float> scale = random_vec(rng, p.out_c), shift = random_vec(rng, p.out_c);

  std::vector<float> want(static_cast<size_t>(out_n)), absdot(static_cast<size_t>(out_n));
  std::vector<float> abs_in = in, abs_f = filter;
  for (float& x : abs_in) x = std::fabs(x);
  for (float& x : abs_f) x = std::fabs(x);
  conv2d_reference(p, in.data(), filter.data(), want.data());
  conv2d_reference(p, abs_in.data(), abs_f.data(), absdot.data());
  EpilogueSteps steps;
  steps.bias = o.bias ? bias.data() : nullptr;
  steps.residual = o.residual ? res.data() : nullptr;
  steps.residual_after = o.residual_after;
  steps.scale = o.scale ? scale.data() : nullptr;
  steps.shift = o.shift ? shift.data() : nullptr;
  steps.act = o.act;
  apply_reference_epilogue(steps, p.out_c, want);
  const GemmEpilogue ep = epilogue_for(steps, p.out_c);
  GemmRun run = ::frost::testing::forced_run(GemmIsa::kAuto, o.threads);
  std::vector<float> packed(conv2d_direct_packed_filter_floats(o.plan, p));
  conv2d_direct_pack_filter(o.plan, p, filter.data(), packed.data());
  std::vector<float> scratch(conv2d_direct_scratch_floats(o.plan, p, o.threads),
                             std::numeric_limits<float>::quiet_NaN());
  run.scratch = scratch.data();
  std::vector<float> got(static_cast<size_t>(out_n) + 1, std::numeric_limits<float>::quiet_NaN());
  const float kSentinel = 4242.0f;
  got[static_cast<size_t>(out_n)] = kSentinel;  // one past the end must survive
  conv2d_direct_f32(o.plan, p, in.data(), packed.data(), got.data(), ep, run);
  if (got[static_cast<size_t>(out_n)] != kSentinel) {
    FAIL_CHECK("wrote past the output: " << describe_run(p, o));
    return false;
  }
  const double eps = std::numeric_limits<float>::epsilon();
  const int64_t taps = p.filter_h * p.filter_w * p.in_c;
  for (int64_t i = 0; i < out_n; ++i) {
    const size_t u = static_cast<size_t>(i);
    const double tol = 8.0 * eps * std::sqrt(static_cast<double>(taps) + 1.0) * absdot[u] +
                       16.0 * eps * (2.0 + std::fabs(want[u]) + std::fabs(res[u]));
    const double err = std::fabs(static_cast<double>(got[u]) - want[u]);
    if (!(err <= tol)) {
      const int64_t c = i % p.out_c, px = i / p.out_c;
      FAIL_CHECK("mismatch at pixel " << px << " (x=" << px % p.out_w << ", y=" << (px / p.out_w) % p.out_h
                                      << ", n=" << px / (p.out_w * p.out_h) << ") channel " << c << ": got "
                                      << got[u] << " want " << want[u] << " tol " << tol << "; "
                                      << describe_run(p, o));
      return false;
    }
  }
  return true;
}

// Explicit padding (TensorFlow's EXPLICIT): pad_top/pad_left and an output
// size that implies some padding after.
bool explicit_geometry(Conv2DParams& p, std::mt19937_64& rng) {
  p.pad_top = static_cast<int64_t>(rng() % 3);
  p.pad_left = static_cast<int64_t>(rng() % 3);
  const int64_t after_h = static_cast<int64_t>(rng() % 3), after_w = static_cast<int64_t>(rng() % 3);
  const int64_t eff_h = (p.filter_h - 1) * p.dilation_h + 1, eff_w = (p.filter_w - 1) * p.dilation_w + 1;
  const int64_t span_h = p.in_h + p.pad_top + after_h - eff_h, span_w = p.in_w + p.pad_left + after_w - eff_w;
  if (span_h < 0 || span_w < 0) return false;
  p.out_h = span_h / p.stride_h + 1;
  p.out_w = span_w / p.stride_w + 1;
  return true;
}

Conv2DParams random_conv(std::mt19937_64& rng) {
  for (;;) {
    Conv2DParams p;
    p.batch = pick(rng, {1, 1, 2});
    p.in_h = 1 + static_cast<int64_t>(rng() % 14);
    p.in_w = 1 + static_cast<int64_t>(rng() % 14);
    p.filter_h = pick(rng, {1, 1, 2, 3, 3, 5, 7});
    p.filter_w = rng() % 3 == 0 ? pick(rng, {1, 3, 5}) : p.filter_h;
    p.stride_h = pick(rng, {1, 1, 2, 3});
    p.stride_w = rng() % 3 == 0 ? pick(rng, {1, 2}) : p.stride_h;
    p.dilation_h = rng() % 5 == 0 ? 2 : 1;
    p.dilation_w = rng() % 5 == 0 ? 2 : p.dilation_h;
    p.in_c = pick(rng, {1, 2, 3, 4, 1, 3, 7, 8, 16, 17, 33});
    p.out_c = pick(rng, {1, 2, 3, 4, 5, 7, 8, 16, 17, 24, 33, 64, 70});
    const int mode = static_cast<int>(rng() % 3);
    if (mode == 2 ? explicit_geometry(p, rng) : finish_geometry(p, mode == 0)) return p;
  }
}

// Each epilogue step on and off over the iterations (bias, a residual
// before or after the activation, scale, shift), the activation from
// `acts`, changing every `act_every` iterations.
void vary_epilogue(Options& o, int iter, const Activation (&acts)[4], int act_every) {
  o.bias = iter % 3 != 0;
  o.residual = iter % 5 < 2;
  o.residual_after = iter % 5 == 1;
  o.act = acts[iter / act_every % 4];
  o.scale = iter % 7 == 3;
  o.shift = iter % 7 >= 3;
}

}  // namespace

TEST_CASE("conv2d_direct_f32: every tile in both modes, random geometry against conv2d_reference") {
  std::mt19937_64 rng(seed() + 10);
  const Activation acts[] = {Activation::kNone, Activation::kRelu, Activation::kRelu6, Activation::kLeakyRelu,
                             Activation::kSigmoid, Activation::kSwish};
  int runs = 0;
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    for (int tile = 0; tile < conv2d_direct_tile_count(isa); ++tile) {
      for (int iter = 0; iter < 60; ++iter) {
        const Conv2DParams p = random_conv(rng);
        Options o;
        // Odd runs ask for the stem mode; where it does not fit the
        // geometry (in_c · stride_w > 8) the run takes the plain mode.
        o.plan = conv2d_direct_tile(tile, isa, /*stem=*/iter % 2 == 1);
        o.threads = 1 + (iter / 2) % 2;
        o.bias = iter % 3 != 0;
        o.residual = iter % 4 == 1 || iter % 4 == 2;
        o.residual_after = iter % 4 == 2;
        o.act = acts[(iter / 2 + iter / 12) % 6];  // each in both modes and with 1 and 2 threads
        o.scale = iter % 7 < 3;
        o.shift = iter % 7 == 1 || iter % 7 == 4;
        if (!check(rng, p, o)) return;
        ++runs;
      }
    }
  }
  // A CPU without AVX2 has no direct kernels: nothing to check there.
  if (!conv2d_direct_isa_supported(GemmIsa::kAvx2)) MESSAGE("no direct convolution kernels on this CPU");
  CHECK(runs % 60 == 0);
}

TEST_CASE("conv2d_direct_f32: a last tile of every short pixel count, each tile of the plain mode") {
  // A row of MR + rest pixels: one whole tile, then one of `rest` pixels
  // (accumulate_part, one instantiation per rest), 3×3 SAME so that the
  // short tile also reads padding, 1×1 so that it reads one segment.
  std::mt19937_64 rng(seed() + 12);
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    for (int tile = 0; tile < conv2d_direct_tile_count(isa); ++tile) {
      Options o;
      o.plan = conv2d_direct_tile(tile, isa, /*stem=*/false);
      for (int rest = 1; rest < o.plan.mr; ++rest) {
        Conv2DParams p;
        const int64_t f = rest % 2 == 1 ? 3 : 1;
        REQUIRE(square_conv(p, 1, 1, o.plan.mr + rest, 5 + rest % 3, o.plan.nr + 3, f, 1, true, 1));
        o.threads = 1 + rest % 2;
        o.bias = true;
        o.act = rest % 3 == 0 ? Activation::kRelu6 : Activation::kNone;
        if (!check(rng, p, o)) return;
      }
    }
  }
}

TEST_CASE("conv2d_direct_f32: the stem mode's row tails (every rounded tail size), each tile with a stem mode") {
  // Rows of MR + rest pixels: one whole tile, then a tail tile of rest
  // pixels rounded up to 4 (accumulate_stem_part, one instantiation per
  // rounded size and input step); 3×3 SAME so that the tail reads its
  // window from the padded buffer, 2 rows so that a tail is followed by a
  // whole tile. Input steps 1..8 (in_c × stride), with the clamp stored in
  // line (ReLU6) and through the activation's function (leaky ReLU).
  std::mt19937_64 rng(seed() + 13);
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    for (int tile = 0; tile < conv2d_direct_tile_count(isa); ++tile) {
      Options o;
      o.plan = conv2d_direct_tile(tile, isa, /*stem=*/true);
      for (int rest = 1; rest < o.plan.mr; ++rest) {
        const int64_t stride = rest % 3 == 0 ? 2 : 1, in_c = 1 + rest % (8 / stride);
        Conv2DParams p;
        // out_w = MR + rest: in_w = stride · out_w (SAME).
        REQUIRE(square_conv(p, 1, 2 * stride, stride * (o.plan.mr + rest), in_c, o.plan.nr - 3, 3, stride, true, 1));
        REQUIRE(p.out_w == o.plan.mr + rest);
        if (!conv2d_direct_stem_fits(p, o.plan.nr)) continue;  // a tile without a stem mode
        o.threads = 1 + rest % 2;
        o.bias = true;
        o.act = rest % 2 == 0 ? Activation::kRelu6 : Activation::kLeakyRelu;
        if (!check(rng, p, o)) return;
      }
    }
  }
}

TEST_CASE("conv2d_direct_f32: tiles of whole output rows and tiles across rows skip their end pixels' padding taps") {
  // Widths of MR (each tile one row: both ends pad), MR ± 1 and 2·MR − 1
  // (tiles across rows: the padded pixel at either end or inside), with
  // SAME 3×3 and 5×5 (two padded pixels at an end: the second multiplies
  // zeros) and an explicit asymmetric padding; every tile of the plain mode.
  std::mt19937_64 rng(seed() + 13);
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    for (int tile = 0; tile < conv2d_direct_tile_count(isa); ++tile) {
      Options o;
      o.plan = conv2d_direct_tile(tile, isa, /*stem=*/false);
      const int64_t mr = o.plan.mr;
      int i = 0;
      for (int64_t w : {mr, mr - 1, mr + 1, 2 * mr - 1}) {
        for (int64_t f : {3, 5}) {
          Conv2DParams p;
          REQUIRE(square_conv(p, 1 + i % 2, 3 + i % 3, w, 9 + i % 4, o.plan.nr + 5, f, 1, true, 1));
          o.threads = 1 + i % 2;
          o.bias = i % 2 == 0;
          o.residual = i % 3 == 1;
          o.act = i % 2 == 0 ? Activation::kRelu : Activation::kNone;
          if (!check(rng, p, o)) return;
          ++i;
        }
        Conv2DParams p;
        p.batch = 1;
        p.in_h = 4;
        p.in_w = w;
        p.in_c = 5;
        p.out_c = o.plan.nr;
        p.filter_h = p.filter_w = 3;
        p.pad_top = 2;
        p.pad_left = 2;
        p.out_h = 4;
        p.out_w = w;
        if (!check(rng, p, o)) return;
      }
    }
  }
}

TEST_CASE("direct_plain_tap_share: the taps a plain tile multiplies, by its rows") {
  Conv2DParams p;
  REQUIRE(square_conv(p, 1, 7, 7, 512, 512, 3, 1, true, 1));
  // Tiles of 7 are the rows: 5 rows of 3 filter rows × (6 + 7 + 6) pixel
  // taps, 2 of 2 × 19.
  CHECK(simd::direct_plain_tap_share(p, 7) == doctest::Approx(361.0 / 441.0));
  // Tiles of 6 across rows: an end pixel of a tile is a row's end only
  // now and then (0.87).
  CHECK(simd::direct_plain_tap_share(p, 6) > simd::direct_plain_tap_share(p, 7));
  CHECK(simd::direct_plain_tap_share(p, 6) < 1.0);
  REQUIRE(square_conv(p, 1, 7, 7, 512, 512, 3, 1, false, 1));  // VALID: no padding
  CHECK(simd::direct_plain_tap_share(p, 7) == 1.0);
  REQUIRE(square_conv(p, 1, 7, 7, 64, 256, 1, 1, true, 1));  // 1×1
  CHECK(simd::direct_plain_tap_share(p, 6) == 1.0);
  REQUIRE(square_conv(p, 1, 112, 112, 32, 32, 3, 1, true, 1));  // past kTapShareMaxPixels
  CHECK(simd::direct_plain_tap_share(p, 7) == 1.0);
}

TEST_CASE("conv2d_direct_f32: network shapes (3x3 SAME, 1x1, stride-2 stem, 7x7 stem, deep K) with the planned tile") {
  std::mt19937_64 rng(seed() + 11);
  struct Geo {
    int64_t h, w, cin, cout, f, stride;
    bool same;
  };
  const Geo geos[] = {
      {14, 14, 64, 64, 3, 1, true},   // ResNet 3×3 (small)
      {13, 11, 32, 40, 1, 1, false},  // 1×1: one run per pixel
      {12, 12, 24, 48, 1, 2, false},  // strided 1×1 (ResNet's projection)
      {31, 29, 3, 32, 3, 2, true},    // RGB stem, stride 2
      {23, 23, 3, 16, 7, 2, true},    // ResNet's 7×7 stem
      {9, 9, 1, 8, 3, 1, true},       // one channel in (MNIST)
      {28, 28, 1, 28, 3, 1, true},    // fashion_cnn's first layer
      {32, 32, 3, 8, 3, 1, true},     // an RGB first layer with 8 outputs (AVX2 tiles on AVX-512 too)
      {32, 32, 8, 3, 1, 1, false},    // a 1×1 head with 3 outputs
      {21, 37, 8, 48, 1, 1, false},   // MobileNetV2's thin expansion: stem tiles in place, a row's last from a window
      {10, 9, 48, 24, 1, 1, false},   // a projection: pointwise, step 48 (stem tiles across rows and images)
      {7, 7, 144, 24, 1, 1, false},   // step 144, 7×7 pixels
      {20, 17, 2, 5, 5, 3, false},    // stride 3, VALID: step 6
      {5, 6, 520, 40, 3, 1, true},    // K = 4680: the reduction in blocks, partial sums through the output
      {7, 7, 130, 128, 3, 1, true},   // ResNet's last stage in small: 7 × 64 tiles (AVX-512), K in 2 blocks
      {3, 3, 112, 200, 1, 1, false},  // MobileNetV2's head at 96²: 9 pixels, a whole tile and a short one
      {7, 7, 96, 512, 1, 1, false},   // a filter 10× the image: 2 threads cut the panels (grid_split.h)
  };
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    if (!conv2d_direct_isa_supported(isa)) continue;
    for (const Geo& g : geos) {
      for (int variant = 0; variant < 4; ++variant) {
        Conv2DParams p;
        REQUIRE(square_conv(p, /*batch=*/1 + variant % 2, g.h, g.w, g.cin, g.cout, g.f, g.stride, g.same, 1));
        Options o;
        o.plan = conv2d_direct_plan(p, isa);
        REQUIRE(o.plan.valid());
        o.threads = 1 + variant % 2;
        o.bias = variant >= 1;
        o.residual = variant >= 2;
        o.act = variant == 3 ? Activation::kRelu : Activation::kNone;
        o.scale = o.shift = variant == 3;
        if (!check(rng, p, o)) return;
      }
    }
  }
}

// The plans of the AVX-512 tiles (in the stem mode if asked) that a
// forced variant applies to: force(plan) sets its flag, and the kernel's
// name then contains `part` (none without AVX-512).
template <class Force>
std::vector<ConvDirectPlan> forced_avx512_plans(bool stem, const char* part, Force force) {
  std::vector<ConvDirectPlan> plans;
  if (!conv2d_direct_isa_supported(GemmIsa::kAvx512)) return plans;
  for (int tile = 0; tile < conv2d_direct_tile_count(GemmIsa::kAvx512); ++tile) {
    ConvDirectPlan plan = conv2d_direct_tile(tile, GemmIsa::kAvx512, stem);
    force(plan);
    if (std::string(conv2d_direct_kernel_name(plan)).find(part) != std::string::npos) plans.push_back(plan);
  }
  return plans;
}

TEST_CASE("conv2d_direct_f32: the stem mode's paired variant (at most 8 outputs, two reduction steps per FMA)") {
  // Forced on every AVX-512 tile that has it: random geometry with 1-8
  // outputs (runs of odd length fall back to the plain stem), every
  // epilogue step, then rows of MR + rest pixels (a tail tile per rounded
  // size, read from the padded window) and pointwise layers with a last
  // tile of every size (pixels of a pair past the end).
  std::mt19937_64 rng(seed() + 16);
  const Activation acts[] = {Activation::kNone, Activation::kRelu6, Activation::kLeakyRelu, Activation::kSigmoid};
  int paired_runs = 0;
  for (const ConvDirectPlan& plan : forced_avx512_plans(true, "paired", [](ConvDirectPlan& q) { q.paired = true; })) {
    Options o;
    o.plan = plan;
    for (int iter = 0; iter < 80; ++iter) {
      Conv2DParams p = random_conv(rng);
      p.out_c = 1 + iter % 8;
      o.threads = 1 + iter / 8 % 2;
      vary_epilogue(o, iter, acts, 2);
      if (conv2d_direct_stem_fits(p, o.plan.nr) && simd::direct_stem_paired_fits(p, 16)) ++paired_runs;
      if (!check(rng, p, o)) return;
    }
    for (int rest = 1; rest < o.plan.mr; ++rest) {
      const int64_t in_c = 2 * (1 + rest % 4), out_c = 8 - rest % 3;
      Conv2DParams p;
      REQUIRE(square_conv(p, 1, 2, o.plan.mr + rest, in_c, out_c, 3, 1, true, 1));
      REQUIRE(simd::direct_stem_paired_fits(p, 16));
      o.threads = 1 + rest % 2;
      o.bias = true;
      o.residual = o.scale = o.shift = false;
      o.act = rest % 2 == 0 ? Activation::kRelu6 : Activation::kLeakyRelu;
      if (!check(rng, p, o)) return;
      REQUIRE(square_conv(p, 1 + rest % 2, 1, 2 * o.plan.mr + rest, pick(rng, {16, 24, 48}), out_c, 1, 1, true, 1));
      if (!check(rng, p, o)) return;
      paired_runs += 2;
    }
  }
  if (conv2d_direct_isa_supported(GemmIsa::kAvx512)) CHECK(paired_runs > 40);
}

TEST_CASE("conv2d_direct_f32: few outputs with a transcendental activation (applied after the tiles) match the reference") {
  // Up to half a vector of channels: the activation runs over the whole
  // output after the convolution (bias and a residual before it in the
  // tiles); scale, shift or a residual after it keep it fused.
  std::mt19937_64 rng(seed() + 12);
  const Activation acts[] = {Activation::kElu, Activation::kSigmoid, Activation::kTanh, Activation::kSwish};
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    if (!conv2d_direct_isa_supported(isa)) continue;
    for (int iter = 0; iter < 48; ++iter) {
      Conv2DParams p;
      const int64_t f = pick(rng, {1, 3}), cin = pick(rng, {1, 3, 8, 16});
      REQUIRE(square_conv(p, 1 + iter % 2, 5 + iter % 13, 4 + iter % 11, cin, 1 + iter % 8, f, 1, true, 1));
      Options o;
      o.plan = conv2d_direct_plan(p, isa);
      REQUIRE(o.plan.valid());
      o.threads = 1 + iter % 2;
      o.act = acts[iter % 4];
      o.bias = iter % 3 != 0;
      o.residual = iter % 5 < 2;
      o.residual_after = iter % 5 == 1;  // after the activation: fused
      o.scale = iter % 7 == 3;            // fused
      if (!check(rng, p, o)) return;
    }
  }
}

TEST_CASE("conv2d_direct_f32: pointwise layers with 1-4 outputs (pixels across the lanes) against conv2d_reference") {
  // Pixel counts around the 16-pixel blocks and 256-pixel units, channel
  // counts around the 8-channel groups of the transpose, batches (one long
  // row of pixels), every epilogue step, 1 and 2 threads.
  std::mt19937_64 rng(seed() + 14);
  const Activation acts[] = {Activation::kNone, Activation::kRelu6, Activation::kSigmoid, Activation::kLeakyRelu};
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    if (!conv2d_direct_isa_supported(isa)) continue;
    for (int iter = 0; iter < 96; ++iter) {
      Conv2DParams p;
      const int64_t h = pick(rng, {1, 2, 3, 7, 16}), w = pick(rng, {1, 5, 8, 15, 16, 17, 33});
      const int64_t cin = pick(rng, {1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 40}), cout = 1 + iter % 4;
      REQUIRE(square_conv(p, 1 + iter % 3 / 2, h, w, cin, cout, 1, 1, iter % 2 == 0, 1));
      Options o;
      o.plan = conv2d_direct_plan(p, isa);
      REQUIRE(o.plan.valid());
      CHECK_MESSAGE(o.plan.across == (o.plan.isa == GemmIsa::kAvx512), describe_run(p, o));
      o.threads = 1 + iter / 4 % 2;
      vary_epilogue(o, iter, acts, 8);
      if (!check(rng, p, o)) return;
    }
    // 300 and 4000 pixels: several units, shared by the threads.
    for (int64_t side : {10, 63}) {
      Conv2DParams p;
      REQUIRE(square_conv(p, 1, side, side + 3, 8, 3, 1, 1, true, 1));
      Options o;
      o.plan = conv2d_direct_plan(p, isa);
      o.threads = 2;
      o.bias = true;
      if (!check(rng, p, o)) return;
    }
  }
}

TEST_CASE("conv2d_direct_f32: the pointwise panel kernel against conv2d_reference (every short last tile, K blocks)") {
  // Forced on every AVX-512 tile that has it (ConvDirectPlan::panel):
  // pixel counts of whole tiles plus every short last tile, channel counts
  // off the vector width (masked panel ends) and deep enough for several
  // reduction blocks, batches (one matrix across images), every epilogue
  // step (a residual after the activation, scale, shift and transcendental
  // activations fall back to the direct modes), 1 and 2 threads; and a
  // layer that is not pointwise (the direct modes).
  std::mt19937_64 rng(seed() + 17);
  const Activation acts[] = {Activation::kNone, Activation::kRelu, Activation::kRelu6, Activation::kLeakyRelu};
  int panel_runs = 0;
  std::vector<ConvDirectPlan> plans;
  // Every panel tile on the panels of each direct tile (ConvDirectPlan::panel_mr).
  for (const ConvDirectPlan& plan : forced_avx512_plans(false, "panel", [](ConvDirectPlan& q) { q.panel = true; }))
    for (const auto& panel : simd::kPanelTiles)
      if (panel[1] == plan.nr) {
        plans.push_back(plan);
        plans.back().panel_mr = panel[0];
      }
  for (const ConvDirectPlan& plan : plans) {
    Options o;
    o.plan = plan;
    const int64_t mr = o.plan.panel_rows();
    for (int iter = 0; iter < 2 * static_cast<int>(mr) + 24; ++iter) {
      Conv2DParams p;
      const int64_t pixels = iter < 2 * mr ? mr + iter : pick(rng, {1, 5, 49, 100, 197});
      const int64_t cin = pick(rng, {1, 3, 16, 17, 33, 100, 300, 1100});
      const int64_t cout = pick(rng, {1, 5, 16, 17, 33, 48, 64, 70, 100, 200});
      const int64_t batch = 1 + iter % 5 / 4;
      REQUIRE(square_conv(p, batch, 1, pixels, cin, cout, 1, 1, true, 1));
      o.threads = 1 + iter / 3 % 2;
      vary_epilogue(o, iter, acts, 5);
      if (!check(rng, p, o)) return;
      ++panel_runs;
    }
    Conv2DParams p;
    REQUIRE(square_conv(p, 1, 5, 9, 12, 40, 3, 1, true, 1));
    o.bias = true;
    o.residual = o.residual_after = o.scale = o.shift = false;
    o.act = Activation::kRelu6;
    if (!check(rng, p, o)) return;
  }
  if (conv2d_direct_isa_supported(GemmIsa::kAvx512)) CHECK(panel_runs > 40);
}

TEST_CASE("conv2d_direct_plan: the panel kernel's tile (its own cost, taller tiles on the same panels)") {
  // Random pointwise layers: where the plan takes the panel kernel, its
  // tile is one the kernel has, on the panels of the plan's direct tile,
  // and the kernel name says which.
  if (!conv2d_direct_isa_supported(GemmIsa::kAvx512) || !zmm_fma_full_rate()) return;
  std::mt19937_64 rng(seed() + 18);
  for (int iter = 0; iter < 200; ++iter) {
    Conv2DParams p;
    const int64_t side = pick(rng, {1, 5, 7, 14, 28, 56, 112}), cin = pick(rng, {16, 24, 64, 144, 960, 2048});
    const int64_t cout = pick(rng, {24, 56, 96, 160, 192, 256, 512, 1280});
    REQUIRE(square_conv(p, 1, side, side, cin, cout, 1, 1, true, 1));
    const ConvDirectPlan plan = conv2d_direct_plan(p, GemmIsa::kAvx512);
    if (!plan.panel) continue;
    CHECK(simd::conv_pointwise_panel_has_tile(plan.panel_rows(), plan.nr));
    CHECK(simd::conv_pointwise_panel_has_tile(plan.mr, plan.nr));
    const std::string tile = std::to_string(plan.panel_rows()) + "x" + std::to_string(plan.nr);
    CHECK(std::string(conv2d_direct_kernel_name(plan)).find(tile) != std::string::npos);
  }
  // 7² pixels: ResNet50's 2048 → 512 on 7 × 48 and MobileNetV2's 960 → 160
  // on 14 × 32, not on the tiles that leave one pixel over (6 × 64, 12 × 32).
  Conv2DParams p;
  REQUIRE(square_conv(p, 1, 7, 7, 2048, 512, 1, 1, true, 1));
  CHECK(std::string(conv2d_direct_kernel_name(conv2d_direct_plan(p, GemmIsa::kAvx512))).find("_7x48_") !=
        std::string::npos);
  REQUIRE(square_conv(p, 1, 7, 7, 960, 160, 1, 1, true, 1));
  CHECK(std::string(conv2d_direct_kernel_name(conv2d_direct_plan(p, GemmIsa::kAvx512))).find("_14x32_") !=
        std::string::npos);
}

TEST_CASE("conv2d_direct_plan: pointwise layers take the panel kernel on Zen 5 AVX-512 only") {
  Conv2DParams p;
  REQUIRE(square_conv(p, 1, 14, 14, 64, 384, 1, 1, true, 1));
  if (conv2d_direct_isa_supported(GemmIsa::kAvx512)) {
    const ConvDirectPlan plan = conv2d_direct_plan(p, GemmIsa::kAvx512);
    CHECK(plan.panel == zmm_fma_full_rate());
  }
  if (conv2d_direct_isa_supported(GemmIsa::kAvx2)) CHECK_FALSE(conv2d_direct_plan(p, GemmIsa::kAvx2).panel);
  REQUIRE(square_conv(p, 1, 14, 14, 64, 384, 3, 1, true, 1));
  if (conv2d_direct_isa_supported(GemmIsa::kAvx512)) CHECK_FALSE(conv2d_direct_plan(p, GemmIsa::kAvx512).panel);
}

namespace {
// Runs plan on p twice, the second time with accumulate: the output must
// be twice the convolution.
void check_accumulate(std::mt19937_64& rng, const ConvDirectPlan& plan, const Conv2DParams& p) {
  const int64_t out_n = p.batch * p.out_h * p.out_w * p.out_c;
  const std::vector<float> in = random_vec(rng, p.batch * p.in_h * p.in_w * p.in_c),
                           filter = random_vec(rng, p.filter_h * p.filter_w * p.in_c * p.out_c);
  std::vector<float> want(static_cast<size_t>(out_n)), packed(conv2d_direct_packed_filter_floats(plan, p));
  conv2d_reference(p, in.data(), filter.data(), want.data());
  conv2d_direct_pack_filter(plan, p, filter.data(), packed.data());
  std::vector<float> got(static_cast<size_t>(out_n), 0.0f);
  GemmEpilogue ep;
  conv2d_direct_f32(plan, p, in.data(), packed.data(), got.data(), ep);
  ep.accumulate = true;
  conv2d_direct_f32(plan, p, in.data(), packed.data(), got.data(), ep);
  for (int64_t i = 0; i < out_n; ++i) {
    const size_t u = static_cast<size_t>(i);
    if (!(std::fabs(got[u] - 2.0f * want[u]) <= 1e-4f * (1.0f + std::fabs(want[u])))) {
      FAIL_CHECK("accumulate: element " << i << " got " << got[u] << " want " << 2.0f * want[u] << "; "
                                        << describe(p) << " " << conv2d_direct_kernel_name(plan));
      break;
    }
  }
}
}  // namespace

TEST_CASE("conv2d_direct_f32: a pixels-across plan adds to the output with accumulate, and runs its tile on a strided run") {
  if (!conv2d_direct_isa_supported(GemmIsa::kAvx512)) return;
  std::mt19937_64 rng(seed() + 15);
  Conv2DParams p;
  REQUIRE(square_conv(p, 1, 9, 7, 11, 3, 1, 1, true, 1));
  const ConvDirectPlan plan = conv2d_direct_plan(p, GemmIsa::kAvx512);
  REQUIRE(plan.across);
  check_accumulate(rng, plan, p);
  // The same filter on a stride-2 run (not pointwise): the plan's 16-channel
  // tile runs it on the same packing.
  Conv2DParams q;
  REQUIRE(square_conv(q, 1, 9, 7, 11, 3, 1, 2, true, 1));
  Options o;
  o.plan = plan;
  o.bias = true;
  CHECK(check(rng, q, o));
}

namespace {
// A layer for the filter-resident kernel with a panel of nr channels:
// pointwise with at most 8 inputs, or few channels (in_c · stride_w ≤ 8)
// with a short reduction (fh·fw·in_c · nr/16 ≤ 24), any padding, strides
// and dilation; more than 8 outputs.
Conv2DParams random_resident_conv(std::mt19937_64& rng, int64_t nr, bool pointwise) {
  for (;;) {
    Conv2DParams p;
    p.batch = pick(rng, {1, 1, 2});
    p.in_h = pick(rng, {1, 2, 3, 7, 16});
    p.in_w = pick(rng, {1, 5, 8, 15, 16, 17, 33});
    p.out_c = pick(rng, {9, 15, 16, 17, 31, 32, 33, 47, 48, 50, 64, 70, 100});
    if (pointwise) {
      p.in_c = 1 + static_cast<int64_t>(rng() % 8);
      p.filter_h = p.filter_w = p.stride_h = p.stride_w = 1;
    } else {
      p.in_c = pick(rng, {1, 1, 2, 3, 4});
      p.filter_h = pick(rng, {1, 2, 3, 3, 5});
      p.filter_w = rng() % 3 == 0 ? pick(rng, {1, 3, 5}) : p.filter_h;
      p.stride_h = pick(rng, {1, 1, 2, 3});
      p.stride_w = rng() % 3 == 0 ? pick(rng, {1, 2}) : p.stride_h;
      p.dilation_h = rng() % 5 == 0 ? 2 : 1;
      p.dilation_w = rng() % 5 == 0 ? 2 : p.dilation_h;
    }
    if (!simd::resident_panel_fits(p.filter_h * p.filter_w * p.in_c, nr) || p.in_c * p.stride_w > 8) continue;
    const int mode = pointwise ? 1 : static_cast<int>(rng() % 3);
    if (mode == 2 ? explicit_geometry(p, rng) : finish_geometry(p, mode == 0)) return p;
  }
}

// 60 random layers (`random(rng, nr, iter)`) per AVX-512 tile whose panel
// width `takes_nr` accepts, on the tile's plan marked by `mark` for the
// kernel named `name`, against conv2d_reference: 1 and 2 threads, every
// epilogue step, accumulate on a quarter of them. Returns the layers that
// passed, short of the total after a failure.
template <class TakesNr, class Random, class Mark>
int check_panel_kernel(std::mt19937_64& rng, const char* name, TakesNr takes_nr, Random random, Mark mark) {
  const Activation acts[] = {Activation::kNone, Activation::kRelu6, Activation::kRelu, Activation::kLeakyRelu};
  int runs = 0;
  for (int tile = 0; tile < conv2d_direct_tile_count(GemmIsa::kAvx512); ++tile) {
    const ConvDirectPlan base = conv2d_direct_tile(tile, GemmIsa::kAvx512, /*stem=*/true);
    if (!takes_nr(base.nr)) continue;
    for (int iter = 0; iter < 60; ++iter) {
      Options o;
      o.plan = base;
      const Conv2DParams p = random(rng, o.plan.nr, iter);
      mark(o.plan);
      REQUIRE(std::string(conv2d_direct_kernel_name(o.plan)) == name);
      o.threads = 1 + iter / 4 % 2;
      vary_epilogue(o, iter, acts, 8);
      if (!check(rng, p, o)) return runs;
      if (iter % 8 < 2) check_accumulate(rng, o.plan, p);
      ++runs;
    }
  }
  return runs;
}
}  // namespace

TEST_CASE("conv2d_direct_f32: layers whose filter panel fits the registers (resident) against conv2d_reference") {
  // Every AVX-512 tile's panel width, asked for the resident kernel (the
  // plan picks it on Zen 5 only): pointwise layers (pixels in place) and
  // few-channel windows (a zero-padded strip per output row), channel
  // counts around the 16-lane vectors and the panels, pixel counts around
  // the 64-pixel units, batches, every epilogue step, 1 and 2 threads, and
  // accumulate.
  if (!conv2d_direct_isa_supported(GemmIsa::kAvx512)) return;
  std::mt19937_64 rng(seed() + 16);
  const int runs = check_panel_kernel(
      rng, "conv2d_resident_f32_avx512", [](int64_t) { return true; },
      [](std::mt19937_64& r, int64_t nr, int iter) { return random_resident_conv(r, nr, iter % 2 == 0); },
      [](ConvDirectPlan& plan) { plan.resident = true; });
  CHECK(runs == 60 * conv2d_direct_tile_count(GemmIsa::kAvx512));
  // On Zen 5 the plan takes 1×1 112²×8→48 (MobileNetV2's 8-channel
  // expansion) with a 48-channel panel (8 × 3 vectors) and 3×3 28²×1→28
  // with a 32-channel one (9 × 2).
  Conv2DParams p, w;
  REQUIRE(square_conv(p, 1, 112, 112, 8, 48, 1, 1, true, 1));
  REQUIRE(square_conv(w, 1, 28, 28, 1, 28, 3, 1, true, 1));
  for (const Conv2DParams& layer : {p, w}) {
    const ConvDirectPlan plan = conv2d_direct_plan(layer, GemmIsa::kAvx512);
    CHECK(plan.resident == zmm_fma_full_rate());
    if (plan.resident) CHECK(plan.nr == (layer.in_c == 8 ? 48 : 32));
    Options o;
    o.plan = plan;
    o.bias = true;
    o.act = Activation::kRelu6;
    o.threads = 2;
    CHECK(check(rng, layer, o));
  }
  // A run that does not fit (stride 2 and 8 channels: in_c · stride_w > 8)
  // on the resident plan takes its tile on the same packing.
  Conv2DParams q;
  REQUIRE(square_conv(q, 1, 9, 7, 8, 48, 1, 2, true, 1));
  Options o;
  o.plan = conv2d_direct_plan(p, GemmIsa::kAvx512);
  o.bias = true;
  CHECK(check(rng, q, o));
}

TEST_CASE("direct_register_broadcast: where the accumulators leave a register for the broadcast") {
  using simd::direct_register_broadcast;
  CHECK(direct_register_broadcast(7, 3, 16));        // 7 × 48: 21 + 3 + 1 of 32
  CHECK(direct_register_broadcast(6, 4, 16));        // 6 × 64: 24 + 4 + 1
  CHECK_FALSE(direct_register_broadcast(7, 4, 16));  // 7 × 64: 28 + 4 + 1 = 33
  CHECK_FALSE(direct_register_broadcast(24, 1, 16));  // one vector: the memory operand is one load per FMA either way
  CHECK(direct_register_broadcast(6, 2, 8));          // AVX2 6 × 16: 12 + 2 + 1 of 16
}

TEST_CASE("conv2d_direct_plan: declines groups and SSE2; the tile follows out_c; the stem mode few channels") {
  Conv2DParams p;
  REQUIRE(square_conv(p, 1, 8, 8, 8, 8, 3, 1, true, 2));
  CHECK_FALSE(conv2d_direct_plan(p, GemmIsa::kAvx512).valid());
  REQUIRE(square_conv(p, 1, 8, 8, 16, 64, 3, 1, true, 1));  // 16 channels in: the plain mode
  CHECK_FALSE(conv2d_direct_plan(p, GemmIsa::kSse2).valid());
  if (conv2d_direct_isa_supported(GemmIsa::kAvx512)) {
    CHECK(conv2d_direct_plan(p, GemmIsa::kAvx512).nr == 64);  // 64 channels: no padding at any NR, widest wins
    p.out_c = 16;
    CHECK(conv2d_direct_plan(p, GemmIsa::kAvx512).nr == 16);  // 16 channels: wider tiles would compute padding
  }
  if (conv2d_direct_isa_supported(GemmIsa::kAvx2)) {
    p.out_c = 8;
    CHECK(conv2d_direct_plan(p, GemmIsa::kAvx2).nr == 8);
    // Eight outputs take the AVX2 tiles on AVX-512 too; three stay on AVX-512.
    if (conv2d_direct_isa_supported(GemmIsa::kAvx512)) {
      CHECK(conv2d_direct_plan(p, GemmIsa::kAvx512).isa == GemmIsa::kAvx2);
      p.out_c = 3;
      CHECK(conv2d_direct_plan(p, GemmIsa::kAvx512).isa == GemmIsa::kAvx512);
    }
  }
  // The stem mode: in_c · stride_w ≤ 8, or a pointwise layer with a step that has a kernel (16–144).
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    if (!conv2d_direct_isa_supported(isa)) continue;
    REQUIRE(square_conv(p, 1, 224, 224, 3, 32, 3, 2, true, 1));
    CHECK(conv2d_direct_plan(p, isa).stem);  // RGB, stride 2: step 6
    // Tiles along 112-pixel rows: an MR that divides 112 (16 on AVX-512, 8
    // on AVX2); on Zen 5's AVX-512 a reduction of 27 takes two vectors
    // (12 × 32) despite a row tail, and 16 outputs the 28 × 16 tile.
    const bool full_rate = conv2d_direct_plan(p, isa).isa == GemmIsa::kAvx512 && zmm_fma_full_rate();
    if (full_rate)
      CHECK(conv2d_direct_plan(p, isa).nr == 32);
    else
      CHECK(112 % conv2d_direct_plan(p, isa).mr == 0);
    REQUIRE(square_conv(p, 1, 224, 224, 3, 16, 3, 2, true, 1));
    CHECK(conv2d_direct_plan(p, isa).stem);
    if (full_rate) CHECK(conv2d_direct_plan(p, isa).mr == 28);
    REQUIRE(square_conv(p, 1, 28, 28, 1, 28, 3, 1, true, 1));
    CHECK(conv2d_direct_plan(p, isa).stem);
    // speech_commands_conv's 20×8 layer on 98×40×1→64: the plain 7 × 64
    // tile computes no padding (3920 pixels), and so do the stem's tiles
    // with a row tail (24 + 16); the stem mode is taken (few channels: stem
    // tiles only).
    REQUIRE(square_conv(p, 1, 98, 40, 1, 64, 1, 1, true, 1));
    p.filter_h = 20;
    p.filter_w = 8;
    REQUIRE(finish_geometry(p, /*same=*/true));
    CHECK(conv2d_direct_plan(p, isa).stem);
    REQUIRE(square_conv(p, 1, 56, 56, 3, 64, 3, 3, true, 1));
    CHECK_FALSE(conv2d_direct_plan(p, isa).stem);  // step 9
    REQUIRE(square_conv(p, 1, 56, 56, 64, 64, 3, 1, true, 1));
    CHECK_FALSE(conv2d_direct_plan(p, isa).stem);
    // Pointwise layers with 16, 24, 32, 48, 96 or 144 channels in too, as one row of
    // n·h·w pixels: 7×7 pixels need not round up to whole rows of MR.
    REQUIRE(square_conv(p, 1, 56, 56, 24, 144, 1, 1, true, 1));
    CHECK(conv2d_direct_plan(p, isa).stem);
    REQUIRE(square_conv(p, 1, 56, 56, 24, 144, 3, 1, true, 1));
    CHECK_FALSE(conv2d_direct_plan(p, isa).stem);  // step 24, not pointwise
    REQUIRE(square_conv(p, 1, 56, 56, 24, 144, 1, 2, true, 1));
    CHECK_FALSE(conv2d_direct_plan(p, isa).stem);  // stride 2: step 48
    REQUIRE(square_conv(p, 1, 56, 56, 96, 24, 1, 1, true, 1));
    CHECK(conv2d_direct_plan(p, isa).stem);
    REQUIRE(square_conv(p, 1, 56, 56, 20, 144, 1, 1, true, 1));
    CHECK_FALSE(conv2d_direct_plan(p, isa).stem);  // no kernel for step 20
  }
  // A pointwise expansion with more than 8 channels in takes a tile of
  // several vectors (its broadcasts are charged as in the plain mode); with
  // 8 channels in, the one-vector 16 × 16 stem tile still wins (not on Zen 5).
  if (conv2d_direct_isa_supported(GemmIsa::kAvx512)) {
    REQUIRE(square_conv(p, 1, 112, 112, 16, 96, 1, 1, true, 1));
    CHECK(conv2d_direct_plan(p, GemmIsa::kAvx512).stem);
    CHECK(conv2d_direct_plan(p, GemmIsa::kAvx512).nr > 16);
    REQUIRE(square_conv(p, 1, 112, 112, 8, 48, 1, 1, true, 1));
    // Zen 5 charges stem tiles less per vector: 7 × 48 there.
    CHECK(conv2d_direct_plan(p, GemmIsa::kAvx512).nr == (zmm_fma_full_rate() ? 48 : 16));
  }
  // At most 8 outputs on a CPU with full-width 512-bit FMAs: the paired
  // stem variant where the runs are of an even length (16 channels in, a
  // 3×3 filter on 8), the plain stem otherwise (3×3 on 3: runs of 9).
  if (conv2d_direct_isa_supported(GemmIsa::kAvx512) && zmm_fma_full_rate()) {
    REQUIRE(square_conv(p, 1, 112, 112, 16, 8, 1, 1, true, 1));
    CHECK(conv2d_direct_plan(p, GemmIsa::kAvx512).paired);
    REQUIRE(square_conv(p, 1, 32, 32, 8, 8, 3, 1, true, 1));
    CHECK(conv2d_direct_plan(p, GemmIsa::kAvx512).paired);
    CHECK(conv2d_direct_plan(p, GemmIsa::kAvx512).isa == GemmIsa::kAvx512);
    REQUIRE(square_conv(p, 1, 32, 32, 3, 8, 3, 1, true, 1));
    CHECK_FALSE(conv2d_direct_plan(p, GemmIsa::kAvx512).paired);
  }
  // The plain mode counts a short last tile at its pixels (+1), not at MR:
  // 9 pixels × 1280 channels take 6 × 64 (a tile of 6 and one of 3) over
  // 12 × 32. A tile with no register left for the broadcast (7 × 64) is
  // charged one broadcast per FMA: 7² × 512 → 512 takes 6 × 64, whose
  // broadcast is shared by its 4 vectors, though 6 does not divide 49 —
  // except on Zen 5, where a tile is charged only the taps it multiplies
  // and 7 × 48's tiles, whole rows of 7, skip the padding at both ends.
  // (On Zen 5 the pointwise layer takes the panel kernel, whose own cost
  // picks its tile: conv_pointwise_panel_cost.)
  if (conv2d_direct_isa_supported(GemmIsa::kAvx512)) {
    const bool zen5 = zmm_fma_full_rate();
    REQUIRE(square_conv(p, 1, 3, 3, 112, 1280, 1, 1, true, 1));
    if (!zen5) CHECK(conv2d_direct_plan(p, GemmIsa::kAvx512).mr == 6);
    REQUIRE(square_conv(p, 1, 7, 7, 512, 512, 3, 1, true, 1));
    CHECK(conv2d_direct_plan(p, GemmIsa::kAvx512).mr == (zen5 ? 7 : 6));
    CHECK(conv2d_direct_plan(p, GemmIsa::kAvx512).nr == (zen5 ? 48 : 64));
  }
  // A stem-mode plan whose run does not fit (another depth) runs the plain mode.
  REQUIRE(square_conv(p, 1, 8, 8, 3, 16, 3, 1, true, 1));
  CHECK(conv2d_direct_stem_fits(p, 16));
  p.in_c = 9;
  CHECK_FALSE(conv2d_direct_stem_fits(p, 16));
}

namespace {
// A layer for the taps kernel: in_c · stride_w ∈ {1, 2, 4, 8}, windows
// from 1×2 to tall and wide ones (20×8), dilation, any padding; rows of 1
// to 50 pixels (every near-equal split of a row into tiles of up to 24,
// 12 or 6 pixels), more than 8 outputs.
Conv2DParams random_taps_conv(std::mt19937_64& rng, int64_t nr) {
  for (;;) {
    Conv2DParams p;
    p.batch = pick(rng, {1, 1, 2});
    p.in_c = pick(rng, {1, 1, 2, 4, 8});
    p.stride_w = p.in_c == 8 ? 1 : pick(rng, {1, 1, 2});
    p.stride_h = pick(rng, {1, 1, 2, 3});
    p.filter_h = pick(rng, {1, 2, 3, 3, 5, 20});
    p.filter_w = rng() % 3 == 0 ? pick(rng, {1, 3, 8}) : std::min<int64_t>(p.filter_h, 5);
    p.dilation_h = rng() % 5 == 0 ? 2 : 1;
    p.dilation_w = rng() % 5 == 0 ? 2 : 1;
    p.in_h = pick(rng, {1, 3, 7, 16, 25});
    p.in_w = 1 + static_cast<int64_t>(rng() % 50);
    p.out_c = pick(rng, {9, 15, 16, 17, 31, 32, 33, 50, 64, 65, 100});
    if (!simd::conv_taps_fits(p, nr) || simd::direct_pointwise(p)) continue;
    const int mode = static_cast<int>(rng() % 3);
    if (!(mode == 2 ? explicit_geometry(p, rng) : finish_geometry(p, mode == 0))) continue;
    if (simd::conv_taps_fits(p, nr)) return p;
  }
}
}  // namespace

TEST_CASE("conv2d_direct_f32: few-channel layers in the taps kernel against conv2d_reference") {
  // Every AVX-512 tile whose panel width the taps kernel takes (16, 32,
  // 64 channels), asked for the taps kernel (the plan picks it on Zen 5
  // only): in place and strip tiles, rows whose filter rows lie partly
  // outside the input, every epilogue step, 1 and 2 threads, accumulate.
  if (!conv2d_direct_isa_supported(GemmIsa::kAvx512)) return;
  std::mt19937_64 rng(seed() + 17);
  const int runs = check_panel_kernel(
      rng, "conv2d_taps_f32_avx512", [](int64_t nr) { return nr == 16 || nr == 32 || nr == 64; },
      [](std::mt19937_64& r, int64_t nr, int) { return random_taps_conv(r, nr); },
      [](ConvDirectPlan& plan) { plan.taps = true; });
  CHECK(runs >= 60 * 3);
  // A run the taps kernel does not take (3 channels) on a taps plan runs
  // its tile on the same packing.
  Conv2DParams q;
  REQUIRE(square_conv(q, 1, 9, 7, 3, 32, 3, 1, true, 1));
  CHECK_FALSE(simd::conv_taps_fits(q, 32));
  Options o;
  o.plan = conv2d_direct_tile(0, GemmIsa::kAvx512, true);
  o.plan.taps = true;
  o.bias = true;
  CHECK(check(rng, q, o));
}

TEST_CASE("conv2d_direct_plan: the taps kernel's layers (one or two channels; 8 channels to one vector)") {
  if (!conv2d_direct_isa_supported(GemmIsa::kAvx512)) return;
  const bool zen5 = zmm_fma_full_rate();
  Conv2DParams speech, two, yolo, fashion, rgb, eight_wide;
  const Conv2DParams* taken[] = {&speech, &two, &yolo};
  speech.in_h = 98, speech.in_w = 40, speech.in_c = 1, speech.out_c = 64, speech.filter_h = 20, speech.filter_w = 8;
  REQUIRE(finish_geometry(speech, true));
  REQUIRE(square_conv(two, 1, 64, 64, 2, 32, 3, 1, true, 1));
  REQUIRE(square_conv(yolo, 1, 184, 320, 8, 16, 3, 1, true, 1));
  REQUIRE(square_conv(fashion, 1, 28, 28, 1, 28, 3, 1, true, 1));  // resident
  REQUIRE(square_conv(rgb, 1, 224, 224, 3, 32, 3, 2, true, 1));    // the stem's
  REQUIRE(square_conv(eight_wide, 1, 64, 64, 8, 32, 3, 1, true, 1));
  std::mt19937_64 rng(seed() + 18);
  for (const Conv2DParams* p : taken) {
    const ConvDirectPlan plan = conv2d_direct_plan(*p, GemmIsa::kAvx512);
    CHECK(plan.taps == zen5);
    CHECK(plan.nr == std::min<int64_t>(64, (p->out_c + 15) / 16 * 16));
    Options o;
    o.plan = plan;
    o.bias = true;
    o.act = Activation::kRelu;
    o.threads = 2;
    CHECK(check(rng, *p, o));
  }
  CHECK_FALSE(conv2d_direct_plan(fashion, GemmIsa::kAvx512).taps);
  CHECK(conv2d_direct_plan(fashion, GemmIsa::kAvx512).resident == zen5);
  CHECK_FALSE(conv2d_direct_plan(rgb, GemmIsa::kAvx512).taps);
  CHECK_FALSE(conv2d_direct_plan(eight_wide, GemmIsa::kAvx512).taps);
  if (conv2d_direct_isa_supported(GemmIsa::kAvx2)) CHECK_FALSE(conv2d_direct_plan(speech, GemmIsa::kAvx2).taps);
}

}  // namespace frost::kernels
