// The CPU backend's convolutions (conv2d_f32, depthwise_conv2d_f32) against
// the reference twins in kernels/conv.h, on every ISA the CPU can run:
// random geometry (odd sizes, 1×1 direct and strided, k×k with SAME/VALID
// padding, strides, dilation, groups, depth multipliers, channel counts that
// are not multiples of the vector width), each epilogue option, 1 and 2
// threads. Randomised with a printed seed (FROST_TEST_SEED replays a run).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "kernels/conv.h"
#include "kernels/conv_simd.h"
#include "kernels/padding.h"
#include "conv_test_util.h"

namespace frost::kernels {
namespace {

struct Options {
  GemmIsa isa = GemmIsa::kAuto;
  int threads = 1;
  bool bias = false, residual = false;
  bool scale_shift = false;  // the per-channel affine after the activation
  Activation act = Activation::kNone;
};

// Runs the optimised kernel and compares with reference + epilogue.
bool check(std::mt19937_64& rng, const Conv2DParams& p, bool depthwise, const Options& o) {
  const int64_t in_n = p.batch * p.in_h * p.in_w * p.in_c;
  const int64_t out_n = p.batch * p.out_h * p.out_w * p.out_c;
  const int64_t f_n = depthwise ? p.filter_h * p.filter_w * p.in_c * p.depth_multiplier
                                : p.filter_h * p.filter_w * (p.in_c / p.groups) * p.out_c;
  const std::vector<float> in = random_vec(rng, in_n), filter = random_vec(rng, f_n);
  const std::vector<float> bias = random_vec(rng, p.out_c), res = random_vec(rng, out_n);
  const std::vector<float> post_scale = random_vec(rng, p.out_c), post_shift = random_vec(rng, p.out_c);

  std::vector<float> want(static_cast<size_t>(out_n)), absdot(static_cast<size_t>(out_n));
  std::vector<float> abs_in = in, abs_f = filter;
  for (float& x : abs_in) x = std::fabs(x);
  for (float& x : abs_f) x = std::fabs(x);
  if (depthwise) {
    depthwise_conv2d_reference(p, in.data(), filter.data(), want.data());
    depthwise_conv2d_reference(p, abs_in.data(), abs_f.data(), absdot.data());
  } else {
    conv2d_reference(p, in.data(), filter.data(), want.data());
    conv2d_reference(p, abs_in.data(), abs_f.data(), absdot.data());
  }
  for (int64_t i = 0; i < out_n; ++i) {
    double x = want[static_cast<size_t>(i)];
    if (o.bias) x += bias[static_cast<size_t>(i % p.out_c)];
    if (o.residual) x += res[static_cast<size_t>(i)];
    x = activation_reference(o.act, x, 0.1);
    if (o.scale_shift) x = x * post_scale[static_cast<size_t>(i % p.out_c)] + post_shift[static_cast<size_t>(i % p.out_c)];
    want[static_cast<size_t>(i)] = static_cast<float>(x);
  }

  GemmEpilogue ep;
  ep.bias = o.bias ? bias.data() : nullptr;
  ep.residual = o.residual ? res.data() : nullptr;
  ep.ldr = p.out_c;
  ep.activation = o.act;
  ep.alpha = 0.1f;
  if (o.scale_shift) {
    ep.post_scale = post_scale.data();
    ep.post_shift = post_shift.data();
  }
  GemmRun run = testing::forced_run(o.isa, o.threads);
  std::vector<float> got(static_cast<size_t>(out_n) + 1, std::numeric_limits<float>::quiet_NaN());
  const float kSentinel = 4242.0f;
  got[static_cast<size_t>(out_n)] = kSentinel;  // one past the end must survive
  if (depthwise) {
    std::vector<float> scratch(depthwise_conv2d_scratch_floats(p, o.isa));
    run.scratch = scratch.data();
    depthwise_conv2d_f32(p, in.data(), filter.data(), got.data(), ep, run);
  } else {
    std::vector<float> packed(conv2d_packed_filter_floats(p, o.isa));
    conv2d_pack_filter(p, filter.data(), packed.data(), o.isa);
    std::vector<float> scratch(conv2d_scratch_floats(p, o.threads, o.isa), std::numeric_limits<float>::quiet_NaN());
    run.scratch = scratch.data();
    conv2d_f32(p, in.data(), packed.data(), got.data(), ep, run);
  }
  if (got[static_cast<size_t>(out_n)] != kSentinel) {
    FAIL_CHECK("wrote past the output: " << describe(p));
    return false;
  }
  const double eps = std::numeric_limits<float>::epsilon();
  const int64_t taps = depthwise ? p.filter_h * p.filter_w : p.filter_h * p.filter_w * (p.in_c / p.groups);
  for (int64_t i = 0; i < out_n; ++i) {
    const size_t u = static_cast<size_t>(i);
    const double tol = 8.0 * eps * std::sqrt(static_cast<double>(taps) + 1.0) * absdot[u] +
                       16.0 * eps * (2.0 + std::fabs(want[u]) + std::fabs(res[u]));
    const double err = std::fabs(static_cast<double>(got[u]) - want[u]);
    if (!(err <= tol)) {
      const int64_t c = i % p.out_c, px = i / p.out_c;
      FAIL_CHECK("mismatch at pixel " << px << " (x=" << px % p.out_w << ", y=" << (px / p.out_w) % p.out_h
                                      << ", n=" << px / (p.out_w * p.out_h) << ") channel " << c << ": got " << got[u]
                                      << " want " << want[u] << " tol " << tol << "; " << describe(p)
                                      << std::string(depthwise ? " depthwise " : " conv2d ")
                                      << std::string(gemm_kernel_name(o.isa)) << " threads=" << o.threads
                                      << " bias=" << o.bias << " residual=" << o.residual
                                      << " scale_shift=" << o.scale_shift
                                      << " act=" << static_cast<int>(o.act));
      return false;
    }
  }
  return true;
}

Conv2DParams random_conv(std::mt19937_64& rng, bool depthwise) {
  for (;;) {
    Conv2DParams p;
    p.batch = pick(rng, {1, 1, 2});
    p.in_h = 1 + static_cast<int64_t>(rng() % 13);
    p.in_w = 1 + static_cast<int64_t>(rng() % 13);
    p.filter_h = pick(rng, {1, 1, 2, 3, 3, 5});
    p.filter_w = rng() % 3 == 0 ? pick(rng, {1, 3, 5}) : p.filter_h;
    p.stride_h = pick(rng, {1, 1, 2, 3});
    p.stride_w = rng() % 3 == 0 ? pick(rng, {1, 2}) : p.stride_h;
    p.dilation_h = p.dilation_w = rng() % 5 == 0 ? 2 : 1;
    if (depthwise) {
      p.in_c = pick(rng, {1, 3, 4, 8, 9, 16, 17, 32, 35});
      p.depth_multiplier = rng() % 4 == 0 ? 2 : 1;
      p.out_c = p.in_c * p.depth_multiplier;
    } else {
      p.groups = rng() % 5 == 0 ? 2 : 1;
      p.in_c = p.groups * pick(rng, {1, 2, 3, 4, 8, 13, 16, 17});
      p.out_c = p.groups * pick(rng, {1, 5, 8, 16, 17, 33});
    }
    if (finish_geometry(p, rng() % 2 == 0)) return p;
  }
}

}  // namespace

TEST_CASE("conv2d_f32: random geometry against conv2d_reference") {
  std::mt19937_64 rng(seed());
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    for (int iter = 0; iter < 120; ++iter) {
      const Conv2DParams p = random_conv(rng, false);
      Options o;
      o.isa = isa;
      o.threads = 1 + iter % 2;
      o.scale_shift = iter % 3 == 0;
      o.act = iter % 6 == 0 ? Activation::kRelu : iter % 6 == 3 ? Activation::kSwish : Activation::kNone;
      if (!check(rng, p, false, o)) return;
    }
  }
}

TEST_CASE("conv2d_f32: 1x1 direct GEMM, strided 1x1, 3x3 SAME, stem, groups, with epilogues and threads") {
  std::mt19937_64 rng(seed() + 1);
  struct Geo {
    int64_t h, w, cin, cout, f, stride;
    bool same;
    int64_t groups;
  };
  const Geo geos[] = {
      {9, 7, 16, 24, 1, 1, false, 1},   // direct: input is the A matrix
      {9, 7, 16, 24, 1, 1, false, 2},   // direct, grouped: strided channel slices
      {10, 9, 12, 20, 1, 2, false, 1},  // strided 1×1 through im2col
      {14, 14, 8, 16, 3, 1, true, 1},   // 3×3 SAME
      {15, 13, 3, 17, 3, 2, true, 1},   // RGB stem, stride 2
      {24, 24, 4, 8, 3, 1, true, 1},    // 576 pixels: tiles split across threads
      {12, 12, 8, 8, 5, 1, true, 4},    // grouped 5×5
  };
  const Activation acts[] = {Activation::kNone, Activation::kRelu, Activation::kRelu6, Activation::kLeakyRelu};
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    for (const Geo& g : geos)
      for (int variant = 0; variant < 4; ++variant) {
        Conv2DParams p;
        REQUIRE(square_conv(p, /*batch=*/2, g.h, g.w, g.cin, g.cout, g.f, g.stride, g.same, g.groups));
        Options o;
        o.isa = isa;
        o.threads = 1 + variant % 2;
        o.bias = variant >= 1;
        o.residual = variant >= 2;
        o.act = acts[variant];
        o.scale_shift = variant == 1 || variant == 3;
        if (!check(rng, p, false, o)) return;
      }
}

TEST_CASE("depthwise_conv2d_f32: fast paths (3x3, 5x5, stride 1 and 2) and the per-pixel path") {
  std::mt19937_64 rng(seed() + 2);
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    CAPTURE(std::string(depthwise_conv2d_kernel_name(isa)));
    for (int64_t f : {3, 5})
      for (int64_t stride : {1, 2})
        for (bool same : {true, false})
          // Below, at and around each ISA's vector width (4, 8, 16 lanes):
          // partial vectors (C < W) and an overlapping last vector (C > W).
          for (int64_t c : {1, 2, 3, 8, 12, 17, 24, 32, 35})
            for (int64_t w : {1, 4, 7, 13, 22}) {
              Conv2DParams p;
              p.batch = 1;
              p.in_h = 1 + w % 6 + f;
              p.in_w = w;
              p.in_c = p.out_c = c;
              p.filter_h = p.filter_w = f;
              p.stride_h = p.stride_w = stride;
              if (!finish_geometry(p, same)) continue;
              Options o;
              o.isa = isa;
              o.threads = 1 + static_cast<int>(w % 2);
              o.bias = c % 2 == 1;
              o.act = c == 32 ? Activation::kRelu6 : c == 17 ? Activation::kSwish : Activation::kNone;
              o.residual = w == 13;
              o.scale_shift = w == 7 || w == 13;
              if (!check(rng, p, true, o)) return;
            }
  }
}

TEST_CASE("depthwise_conv2d_f32: small images by whole rows, batches, and an input too large for that") {
  // Inputs up to 512 KiB run whole rows channel vector by channel vector
  // (MobileNetV2's 6×6 and 3×3 layers), rows running into the next image of
  // the batch; larger ones with few channels, 72×64×32 (576 KiB), run rows
  // cut into column chunks, with many channels in bands of rows: 24×24×240
  // two bands (20 + 4 rows), 2×40×40×96 stride 2 three (16 output rows
  // each, one across the images; 64×64×64 5×5 stride 2 (1 MiB) two of 14
  // and 2 rows). Rows whose ends are padding (SAME, pads of 1 and 2) take
  // masked blocks.
  std::mt19937_64 rng(seed() + 7);
  struct Geo {
    int64_t batch, h, w, c, f, stride;
  };
  const Geo geos[] = {{1, 6, 6, 144, 3, 1}, {1, 3, 3, 336, 3, 1}, {3, 6, 6, 24, 3, 2}, {2, 12, 12, 35, 3, 1},
                      {2, 5, 7, 8, 5, 1},   {1, 72, 64, 32, 3, 1}, {2, 9, 11, 40, 5, 2}, {1, 24, 24, 240, 3, 1}, {2, 40, 40, 96, 3, 2},
                      {1, 64, 64, 64, 5, 2}};
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    CAPTURE(std::string(depthwise_conv2d_kernel_name(isa)));
    for (const Geo& g : geos)
      for (int variant = 0; variant < 4; ++variant) {
        Conv2DParams p;
        p.batch = g.batch;
        p.in_h = g.h;
        p.in_w = g.w;
        p.in_c = p.out_c = g.c;
        p.filter_h = p.filter_w = g.f;
        p.stride_h = p.stride_w = g.stride;
        REQUIRE(finish_geometry(p, true));
        Options o;
        o.isa = isa;
        o.threads = 1 + variant % 2;
        o.bias = true;
        o.act = variant < 2 ? Activation::kRelu6 : Activation::kSwish;  // fused; a separate pass by groups of rows
        o.residual = variant % 2 == 0;
        o.scale_shift = variant == 3;
        if (!check(rng, p, true, o)) return;
      }
  }
}

TEST_CASE("depthwise_conv2d_f32: the same bits on 1 and 2 threads") {
  // One thread takes whole rows, two threads pieces of rows (dw_pieces):
  // other blocks, the same per-pixel sums.
  std::mt19937_64 rng(seed() + 8);
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    for (const auto& [h, w, c, stride] : {std::tuple{6, 6, 144, 1}, std::tuple{3, 3, 48, 1}, std::tuple{13, 9, 24, 2}}) {
      Conv2DParams p;
      p.batch = 1;
      p.in_h = h;
      p.in_w = w;
      p.in_c = p.out_c = c;
      p.filter_h = p.filter_w = 3;
      p.stride_h = p.stride_w = stride;
      REQUIRE(finish_geometry(p, true));
      const std::vector<float> in = random_vec(rng, p.in_h * p.in_w * p.in_c);
      const std::vector<float> filter = random_vec(rng, 9 * p.in_c);
      const std::vector<float> bias = random_vec(rng, p.out_c);
      GemmEpilogue ep;
      ep.bias = bias.data();
      ep.activation = Activation::kRelu6;
      std::vector<std::vector<float>> out;
      for (int threads : {1, 2}) {
        GemmRun run = testing::forced_run(isa, threads);
        std::vector<float> scratch(depthwise_conv2d_scratch_floats(p, isa));
        run.scratch = scratch.data();
        out.emplace_back(static_cast<size_t>(p.out_h * p.out_w * p.out_c));
        depthwise_conv2d_f32(p, in.data(), filter.data(), out.back().data(), ep, run);
      }
      CHECK_MESSAGE(out[0] == out[1], describe(p) << " " << depthwise_conv2d_kernel_name(isa));
    }
}

TEST_CASE("depthwise_conv2d_f32: random geometry (multipliers, dilation, odd filters)") {
  std::mt19937_64 rng(seed() + 3);
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    for (int iter = 0; iter < 120; ++iter) {
      const Conv2DParams p = random_conv(rng, true);
      Options o;
      o.isa = isa;
      o.threads = 1 + iter % 2;
      o.bias = iter % 3 == 0;
      o.act = iter % 4 == 0 ? Activation::kTanh : iter % 4 == 2 ? Activation::kSwish : Activation::kNone;
      o.scale_shift = iter % 5 == 0;
      if (!check(rng, p, true, o)) return;
    }
  }
}

TEST_CASE("conv2d_f32 and depthwise_conv2d_f32: dilation 2 and 3, square and not, on the fast-path filter shapes") {
  // The depthwise 3×3/5×5 fast paths and the im2col row runs assume
  // dilation 1; dilated layers must take the general paths and still match.
  std::mt19937_64 rng(seed() + 4);
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    for (int64_t f : {2, 3, 5})
      for (int64_t stride : {1, 2})
        for (const auto& d : {std::pair<int64_t, int64_t>{2, 2}, {3, 3}, {1, 2}, {3, 1}})
          for (bool depthwise : {false, true}) {
            Conv2DParams p;
            p.batch = 2;
            p.in_h = 13;
            p.in_w = 11;
            p.in_c = depthwise ? 17 : 9;
            p.out_c = depthwise ? p.in_c : 20;
            p.filter_h = p.filter_w = f;
            p.stride_h = p.stride_w = stride;
            p.dilation_h = d.first;
            p.dilation_w = d.second;
            if (!finish_geometry(p, (f + stride) % 2 == 0)) continue;
            Options o;
            o.isa = isa;
            o.threads = 1 + static_cast<int>(f % 2);
            o.bias = stride == 2;
            if (!check(rng, p, depthwise, o)) return;
          }
}

}  // namespace frost::kernels
