// The threaded kernels give bit-identical results on 1, 2 and 3 threads: the
// work is cut into chunks (kernels/simd/thread_policy.h) without changing
// how any output element is computed. Random shapes on every runnable ISA,
// including the small outputs that are cut into column or panel pieces.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "conv_test_util.h"
#include "kernels/conv_simd.h"
#include "kernels/gemm.h"

namespace frost::kernels {
namespace {

using testing::runnable_isas;

std::vector<float> conv(const Conv2DParams& p, bool depthwise, const std::vector<float>& in,
                        const std::vector<float>& filter, const GemmEpilogue& ep, int threads, GemmIsa isa) {
  std::vector<float> out(static_cast<size_t>(p.batch * p.out_h * p.out_w * p.out_c));
  GemmRun run = testing::forced_run(isa, threads);
  if (depthwise) {
    std::vector<float> scratch(depthwise_conv2d_scratch_floats(p, isa));
    run.scratch = scratch.data();
    depthwise_conv2d_f32(p, in.data(), filter.data(), out.data(), ep, run);
  } else {
    std::vector<float> packed(conv2d_packed_filter_floats(p, isa));
    conv2d_pack_filter(p, filter.data(), packed.data(), isa);
    std::vector<float> scratch(conv2d_scratch_floats(p, threads, isa));
    run.scratch = scratch.data();
    conv2d_f32(p, in.data(), packed.data(), out.data(), ep, run);
  }
  return out;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

TEST_CASE("thread split: convolutions are bit-identical on 1, 2 and 3 threads") {
  std::mt19937_64 rng(seed() ^ 0x7468726561647321ULL);
  for (GemmIsa isa : runnable_isas()) {
    for (int iter = 0; iter < 24; ++iter) {
      const bool depthwise = iter % 3 == 2;
      Conv2DParams p;
      const int64_t size = pick(rng, {7, 9, 14, 28, 40});
      const int64_t f = pick(rng, {1, 3, 3, 5});
      const int64_t stride = pick(rng, {1, 1, 2});
      const int64_t in_c = depthwise ? pick(rng, {8, 19, 32, 64}) : pick(rng, {3, 8, 16, 48});
      const int64_t out_c = depthwise ? in_c : pick(rng, {8, 24, 40, 96});
      if (!square_conv(p, pick(rng, {1, 1, 2}), size, size, in_c, out_c, f, stride, true, 1)) continue;
      if (depthwise) p.depth_multiplier = 1;
      const int64_t f_n = p.filter_h * p.filter_w * in_c * (depthwise ? 1 : out_c);
      const std::vector<float> in = random_vec(rng, p.batch * p.in_h * p.in_w * p.in_c), filter = random_vec(rng, f_n);
      const std::vector<float> bias = random_vec(rng, p.out_c);
      GemmEpilogue ep;
      ep.bias = bias.data();
      ep.activation = Activation::kRelu;
      const std::vector<float> one = conv(p, depthwise, in, filter, ep, 1, isa);
      for (int threads : {2, 3}) {
        CHECK_MESSAGE(same_bits(one, conv(p, depthwise, in, filter, ep, threads, isa)),
                      describe(p) << (depthwise ? " depthwise" : " conv2d") << " threads=" << threads << " "
                                  << std::string(gemm_kernel_name(isa)));
      }
    }
  }
}

TEST_CASE("thread split: GEMM with a prepacked B is bit-identical on 1, 2 and 3 threads") {
  std::mt19937_64 rng(seed() ^ 0x67656d6d73706c74ULL);
  for (GemmIsa isa : runnable_isas()) {
    for (int iter = 0; iter < 24; ++iter) {
      const int64_t m = pick(rng, {6, 12, 13, 49, 196, 300, 785}), n = pick(rng, {8, 33, 64, 320, 1000});
      const int64_t k = pick(rng, {3, 64, 300, 600});
      const GemmShape s{m, n, k, false, false, k, n, n};
      const std::vector<float> a = random_vec(rng, m * k), b = random_vec(rng, k * n);
      std::vector<float> packed(gemm_packed_b_floats(n, k, isa));
      gemm_pack_b(s, b.data(), packed.data(), isa);
      auto product = [&](int threads) {
        std::vector<float> c(static_cast<size_t>(m * n));
        std::vector<float> scratch(gemm_scratch_floats(s, true, threads, isa));
        GemmRun run = testing::forced_run(isa, threads);
        run.scratch = scratch.data();
        gemm_f32_packed(s, a.data(), packed.data(), c.data(), GemmEpilogue{}, run);
        return c;
      };
      const std::vector<float> one = product(1);
      for (int threads : {2, 3})
        CHECK_MESSAGE(same_bits(one, product(threads)),
                      "m=" << m << " n=" << n << " k=" << k << " threads=" << threads << " "
                           << std::string(gemm_kernel_name(isa)));
    }
  }
}

}  // namespace frost::kernels
