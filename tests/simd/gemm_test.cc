// The optimised GEMM (gemm_f32, gemm_f32_packed) against its reference twin
// (gemm_f32_reference), for every micro-kernel the CPU can run: every tail
// (m < MR, n mod vector width, k = 1), transposes, row strides wider than the
// rows, every epilogue option, prepacked and unpacked B, 1 and 2 threads.
//
// Randomised with a printed seed; set FROST_TEST_SEED to replay a run.
#include <doctest/doctest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "graph/error.h"
#include "kernels/gemm.h"
#include "kernels/max_isa.h"
#include "runnable_isas.h"
#include "test_seed.h"

namespace frost::kernels {
namespace {

uint64_t test_seed() {
  static const uint64_t seed = ::frost::testing::seed_from_env("gemm", 20260427ULL);
  return seed;
}

const char* act_name(Activation a) { return activation_name(a); }

// One test case: a shape with strides plus everything around the call.
struct Case {
  GemmShape s;
  GemmIsa isa = GemmIsa::kAuto;
  bool packed = false;
  int threads = 1;
  bool bias = false, residual = false, accumulate = false, res_after = false;
  bool post_scale = false, post_shift = false;  // the per-column affine after the activation
  Activation act = Activation::kNone;
  float alpha = 0.0f;
  int64_t ldr = 0;

  std::string describe() const {
    std::ostringstream o;
    o << gemm_kernel_name(isa) << " m=" << s.m << " n=" << s.n << " k=" << s.k << " trans_a=" << s.trans_a
      << " trans_b=" << s.trans_b << " lda=" << s.lda << " ldb=" << s.ldb << " ldc=" << s.ldc
      << (packed ? " packed" : " unpacked") << " threads=" << threads << " bias=" << bias
      << " residual=" << residual << (res_after ? "(after)" : "") << " ldr=" << ldr << " accumulate=" << accumulate
      << " act=" << act_name(act) << " alpha=" << alpha
      << " post_scale=" << post_scale << " post_shift=" << post_shift;
    return o.str();
  }
};

// A stored rows×cols matrix with row stride ld. The padding past each row
// holds NaN so that a kernel reading it poisons its output.
std::vector<float> random_matrix(std::mt19937_64& rng, int64_t rows, int64_t cols, int64_t ld) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> m(static_cast<size_t>(std::max<int64_t>(rows * ld, 1)),
                       std::numeric_limits<float>::quiet_NaN());
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) m[static_cast<size_t>(i * ld + j)] = dist(rng);
  return m;
}

int64_t pick_ld(std::mt19937_64& rng, int64_t width) {
  // Half the time tight, otherwise up to 19 elements of padding.
  return width + (rng() % 2 == 0 ? 0 : static_cast<int64_t>(rng() % 20));
}

void fill_strides(std::mt19937_64& rng, Case& c) {
  GemmShape& s = c.s;
  s.lda = pick_ld(rng, s.trans_a ? s.m : s.k);
  s.ldb = pick_ld(rng, s.trans_b ? s.k : s.n);
  s.ldc = pick_ld(rng, s.n);
  c.ldr = pick_ld(rng, s.n);
}

// Runs one case and compares every element with the reference; returns false
// (after printing the case and the first bad index) on a mismatch.
bool run_case(std::mt19937_64& rng, const Case& c) {
  const GemmShape& s = c.s;
  const int64_t a_rows = s.trans_a ? s.k : s.m, a_cols = s.trans_a ? s.m : s.k;
  const int64_t b_rows = s.trans_b ? s.n : s.k, b_cols = s.trans_b ? s.k : s.n;
  const std::vector<float> a = random_matrix(rng, a_rows, a_cols, s.lda);
  const std::vector<float> b = random_matrix(rng, b_rows, b_cols, s.ldb);
  const std::vector<float> bias = random_matrix(rng, 1, s.n, s.n);
  const std::vector<float> res = random_matrix(rng, s.m, s.n, c.ldr);
  const std::vector<float> post_scale = random_matrix(rng, 1, s.n, s.n);
  const std::vector<float> post_shift = random_matrix(rng, 1, s.n, s.n);
  // C starts random (read when accumulating); its padding holds a sentinel
  // that must survive.
  const float kSentinel = -12345.0f;
  std::vector<float> c0 = random_matrix(rng, s.m, s.n, s.ldc);
  for (int64_t i = 0; i < s.m; ++i)
    for (int64_t j = s.n; j < s.ldc; ++j) c0[static_cast<size_t>(i * s.ldc + j)] = kSentinel;

  GemmEpilogue ep;
  ep.bias = c.bias ? bias.data() : nullptr;
  ep.residual = c.residual ? res.data() : nullptr;
  ep.ldr = c.ldr;
  ep.activation = c.act;
  ep.alpha = c.alpha;
  ep.accumulate = c.accumulate;
  ep.residual_after_activation = c.res_after;
  ep.post_scale = c.post_scale ? post_scale.data() : nullptr;
  ep.post_shift = c.post_shift ? post_shift.data() : nullptr;

  std::vector<float> want = c0;
  gemm_f32_reference(s, a.data(), b.data(), want.data(), ep);

  // Σ|a||b| per element scales the rounding error of the product.
  std::vector<float> abs_a = a, abs_b = b;
  for (float& x : abs_a) x = std::fabs(x);
  for (float& x : abs_b) x = std::fabs(x);
  std::vector<float> absdot(static_cast<size_t>(std::max<int64_t>(s.m * s.ldc, 1)), 0.0f);
  gemm_reference(s, abs_a.data(), abs_b.data(), absdot.data());

  std::vector<float> got = c0;
  GemmRun run = ::frost::testing::forced_run(c.isa, c.threads);
  if (c.packed) {
    std::vector<float> packed(gemm_packed_b_floats(s.n, s.k, c.isa) + 1, std::numeric_limits<float>::quiet_NaN());
    gemm_pack_b(s, b.data(), packed.data(), c.isa);
    gemm_f32_packed(s, a.data(), packed.data(), got.data(), ep, run);
  } else {
    // Explicit scratch, NaN-filled, so that reading unwritten scratch shows.
    std::vector<float> scratch(gemm_scratch_floats(s, false, c.threads, c.isa) + 1,
                               std::numeric_limits<float>::quiet_NaN());
    run.scratch = scratch.data();
    gemm_f32(s, a.data(), b.data(), got.data(), ep, run);
  }

  const double eps = std::numeric_limits<float>::epsilon();
  for (int64_t i = 0; i < s.m; ++i) {
    for (int64_t j = 0; j < s.ldc; ++j) {
      const size_t idx = static_cast<size_t>(i * s.ldc + j);
      if (j >= s.n) {
        if (got[idx] != kSentinel) {
          FAIL_CHECK("wrote past the row end at (" << i << ", " << j << "): " << c.describe());
          return false;
        }
        continue;
      }
      // Product rounding (sqrt(k) growth of blocked float sums, generous
      // constant) plus a few ulps for the epilogue and its exp/tanh.
      const double scale = 1.0 + std::fabs(c0[idx]) + std::fabs(bias[static_cast<size_t>(j)]) +
                           std::fabs(res[static_cast<size_t>(i * c.ldr + j)]) + std::fabs(want[idx]) +
                           std::fabs(post_shift[static_cast<size_t>(j)]);
      const double tol = 8.0 * eps * std::sqrt(static_cast<double>(s.k) + 1.0) * absdot[idx] + 16.0 * eps * scale;
      const double err = std::fabs(static_cast<double>(got[idx]) - static_cast<double>(want[idx]));
      if (!(err <= tol)) {
        FAIL_CHECK("mismatch at (" << i << ", " << j << "): got " << got[idx] << " want " << want[idx]
                                   << " tol " << tol << ": " << c.describe());
        return false;
      }
    }
  }
  return true;
}

Case basic_case(GemmIsa isa, int64_t m, int64_t n, int64_t k, bool ta, bool tb) {
  Case c;
  c.isa = isa;
  c.s.m = m;
  c.s.n = n;
  c.s.k = k;
  c.s.trans_a = ta;
  c.s.trans_b = tb;
  return c;
}

}  // namespace

TEST_CASE("gemm_f32_reference: hand-computed product and epilogue") {
  // A = [1 2; 3 4], B = [5 6; 7 8]: A·B = [19 22; 43 50].
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8}, bias[] = {-30, 1}, res[] = {1, 2, 3, 4};
  GemmShape s{2, 2, 2, false, false, 2, 2, 2};
  float c[4] = {100, 100, 100, 100};
  GemmEpilogue ep;
  gemm_f32_reference(s, a, b, c, ep);
  CHECK(c[0] == 19);
  CHECK(c[3] == 50);
  ep.bias = bias;
  ep.activation = Activation::kRelu;
  gemm_f32_reference(s, a, b, c, ep);  // relu([19-30, 22+1; 43-30, 50+1])
  CHECK(c[0] == 0);
  CHECK(c[1] == 23);
  CHECK(c[2] == 13);
  CHECK(c[3] == 51);
  ep.residual = res;
  ep.ldr = 2;
  ep.activation = Activation::kRelu6;
  ep.accumulate = true;  // c still holds [0 23; 13 51]
  gemm_f32_reference(s, a, b, c, ep);
  CHECK(c[0] == 0);  // 19 + 0 - 30 + 1 = -10 → 0
  CHECK(c[1] == 6);
  ep.accumulate = false;
  ep.activation = Activation::kLeakyRelu;
  ep.alpha = 0.5f;
  ep.residual_after_activation = true;
  gemm_f32_reference(s, a, b, c, ep);
  CHECK(c[0] == doctest::Approx(-5.5 + 1));  // leaky(-11) = -5.5, then + 1
  const float post_scale[] = {2, -1}, post_shift[] = {0.25f, 3};
  ep.post_scale = post_scale;
  ep.post_shift = post_shift;
  gemm_f32_reference(s, a, b, c, ep);
  CHECK(c[0] == doctest::Approx(-5.5 * 2 + 0.25 + 1));  // scale and shift after the activation, before the residual
  CHECK(c[1] == doctest::Approx(-(22 + 1) + 3 + 2));
  CHECK(activation_reference(Activation::kSigmoid, 0.0, 0.0) == doctest::Approx(0.5));
  CHECK(activation_reference(Activation::kElu, -1.0, 2.0) == doctest::Approx(2.0 * (std::exp(-1.0) - 1.0)));
}

TEST_CASE("gemm_f32: hand-computed product on every kernel") {
  const float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    CAPTURE(gemm_kernel_name(isa));
    GemmShape s{2, 2, 2, false, false, 2, 2, 2};
    float c[4] = {};
    GemmRun run;
    run.isa = isa;
    gemm_f32(s, a, b, c, {}, run);
    CHECK(c[0] == 19);
    CHECK(c[1] == 22);
    CHECK(c[2] == 43);
    CHECK(c[3] == 50);
  }
}

TEST_CASE("gemm_f32: kernel names say tile and ISA") {
  CHECK(std::string(gemm_kernel_name(GemmIsa::kSse2)) == "gemm_f32_6x8_sse2");
  CHECK(std::string(gemm_kernel_name(GemmIsa::kAvx2)) == "gemm_f32_6x16_avx2");
  CHECK(std::string(gemm_kernel_name(GemmIsa::kAvx512)) == "gemm_f32_12x32_avx512");
  CHECK(gemm_isa_available(gemm_best_isa()));
  CHECK(std::string(gemm_isa_name(GemmIsa::kAvx512)) == "AVX-512");
  CHECK(std::string(gemm_isa_name(GemmIsa::kSse2)) == "SSE2");
}

TEST_CASE("gemm_f32: FROST_MAX_ISA's values; anything else is an error naming the variable") {
  CHECK(parse_max_isa(nullptr) == GemmIsa::kAuto);
  CHECK(parse_max_isa("") == GemmIsa::kAuto);
  CHECK(parse_max_isa("avx512") == GemmIsa::kAvx512);
  CHECK(parse_max_isa("avx2") == GemmIsa::kAvx2);
  CHECK(parse_max_isa("sse2") == GemmIsa::kSse2);
  for (const char* bad : {"AVX2", "avx", "avx512f", " sse2"}) {
    try {
      parse_max_isa(bad);
      FAIL("accepted " << bad);
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find("FROST_MAX_ISA") != std::string::npos);
    }
  }
}

TEST_CASE("gemm_f32: every small shape and tail, transposes, strides") {
  std::mt19937_64 rng(test_seed());
  const int64_t ms[] = {1, 2, 3, 5, 6, 7, 11, 12, 13, 19, 25};
  const int64_t ns[] = {1, 3, 8, 15, 16, 17, 31, 32, 33, 47, 64, 65, 100};
  const int64_t ks[] = {1, 2, 7, 33, 258};
  int failures = 0;
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    for (int64_t m : ms)
      for (int64_t n : ns)
        for (int64_t k : ks) {
          if (failures > 5) return;
          Case c = basic_case(isa, m, n, k, rng() % 2 == 0, rng() % 2 == 0);
          c.packed = rng() % 2 == 0;
          fill_strides(rng, c);
          if (!run_case(rng, c)) ++failures;
        }
  }
}

TEST_CASE("gemm_f32: each epilogue option, packed and unpacked, on tails") {
  std::mt19937_64 rng(test_seed() + 1);
  const auto& acts = kAllActivations;
  // Shapes through the small-M path, the general path with edge tiles and with
  // more than one K block, and outputs narrower than a vector (with ldc == n,
  // the epilogue's flat path: 3 and 8 columns tile a vector of 16 or not).
  const int64_t shapes[][3] = {{1, 37, 20}, {4, 16, 9}, {7, 45, 3}, {30, 70, 300}, {9, 3, 5}, {21, 8, 7}};
  int failures = 0;
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    for (Activation act : acts)
      for (const auto& sh : shapes)
        for (int variant = 0; variant < 8; ++variant) {
          if (failures > 5) return;
          Case c = basic_case(isa, sh[0], sh[1], sh[2], rng() % 2 == 0, rng() % 2 == 0);
          c.act = act;
          c.alpha = act == Activation::kElu ? 1.0f : 0.2f;
          c.bias = variant & 1;
          c.residual = variant & 2;
          c.accumulate = variant & 4;
          c.res_after = rng() % 2 == 0;
          c.post_scale = rng() % 2 == 0;
          c.post_shift = rng() % 2 == 0;
          c.packed = rng() % 2 == 0;
          // Large inputs push sigmoid/tanh/elu into saturation now and then.
          fill_strides(rng, c);
          if (!run_case(rng, c)) ++failures;
        }
}

TEST_CASE("gemm_f32: random shapes, 1 and 2 threads") {
  std::mt19937_64 rng(test_seed() + 2);
  int failures = 0;
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    for (int iter = 0; iter < 60 && failures <= 5; ++iter) {
      const int64_t m = 1 + static_cast<int64_t>(rng() % 200);
      const int64_t n = 1 + static_cast<int64_t>(rng() % 200);
      const int64_t k = 1 + static_cast<int64_t>(rng() % 300);
      Case c = basic_case(isa, m, n, k, rng() % 2 == 0, rng() % 2 == 0);
      c.packed = rng() % 2 == 0;
      c.threads = 1 + static_cast<int>(iter % 2);
      c.bias = rng() % 2 == 0;
      c.act = rng() % 2 == 0 ? Activation::kRelu : Activation::kNone;
      c.residual = rng() % 4 == 0;
      c.post_scale = c.post_shift = rng() % 4 == 0;
      fill_strides(rng, c);
      if (!run_case(rng, c)) ++failures;
    }
  }
}

TEST_CASE("gemm_f32: cache-block boundaries (M > MC, N > NC, K > KC) with threads") {
  std::mt19937_64 rng(test_seed() + 3);
  // MC is 96 to 144 rows, NC 1024 to 3072 columns, KC 256 (AVX2, SSE2) or
  // 1024 (AVX-512) deep.
  const int64_t shapes[][3] = {{300, 40, 520}, {13, 4200, 5}, {250, 4100, 3}, {2, 4100, 70}, {241, 33, 257},
                               {150, 40, 1100}, {100, 1100, 30}};
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    for (const auto& sh : shapes)
      for (int threads : {1, 2}) {
        Case c = basic_case(isa, sh[0], sh[1], sh[2], rng() % 2 == 0, rng() % 2 == 0);
        c.packed = rng() % 2 == 0;
        c.threads = threads;
        c.bias = true;
        c.act = Activation::kRelu6;
        fill_strides(rng, c);
        if (!run_case(rng, c)) return;
      }
}

TEST_CASE("gemm_f32: packed A blocks (many B panels) with K and M tails") {
  std::mt19937_64 rng(test_seed() + 5);
  // N ≥ 16 panels of the widest tile (32 columns) so A is packed on every
  // kernel; K around the 16-wide transposing packer's step and past KC (of
  // AVX2 and SSE2); M
  // with full panels and rows spread over several shorter ones (25 = 9 + 8 + 8
  // on the 12-row tile), and trans_a for the other packer.
  const int64_t ms[] = {12, 25, 61, 100};
  const int64_t ks[] = {5, 16, 17, 47, 300};
  int failures = 0;
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    for (int64_t m : ms)
      for (int64_t k : ks)
        for (bool ta : {false, true}) {
          if (failures > 5) return;
          Case c = basic_case(isa, m, 530, k, ta, rng() % 2 == 0);
          c.packed = rng() % 2 == 0;
          c.threads = 1 + static_cast<int>(rng() % 2);
          fill_strides(rng, c);
          if (!run_case(rng, c)) ++failures;
        }
}

TEST_CASE("gemm_f32: M over several row tiles with a remainder, narrow edge panels, accumulate") {
  std::mt19937_64 rng(test_seed() + 6);
  // A read in place spreads M evenly over its row tiles (100 rows: 8 of 11
  // and one of 12 on the 12-row tile, 17 of 5-6 on the 6-row ones); an edge
  // panel computes only the vectors its columns need and stores the last one
  // masked (n = 10: one of two vectors on AVX-512), also reading C masked
  // when accumulating. The sentinel past each row catches a store too wide.
  const int64_t ms[] = {13, 23, 37, 100, 131};
  const int64_t ns[] = {10, 16, 17, 40, 50, 128};
  const int64_t ks[] = {1, 9, 130};
  int failures = 0;
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    for (int64_t m : ms)
      for (int64_t n : ns)
        for (int64_t k : ks) {
          if (failures > 5) return;
          Case c = basic_case(isa, m, n, k, rng() % 4 == 0, rng() % 2 == 0);
          c.packed = rng() % 2 == 0;
          c.threads = 1 + static_cast<int>(rng() % 2);
          c.accumulate = rng() % 3 == 0;
          c.bias = rng() % 2 == 0;
          c.act = rng() % 2 == 0 ? Activation::kRelu : Activation::kNone;
          fill_strides(rng, c);
          if (!run_case(rng, c)) ++failures;
        }
}

TEST_CASE("gemm_f32: thread counts that do not divide the work") {
  std::mt19937_64 rng(test_seed() + 4);
  // 3 threads on 2 cores is legal; grids 3×1 and 1×3, small-M split, tiny N.
  const int64_t shapes[][3] = {{50, 50, 50}, {7, 200, 30}, {3, 100, 64}, {100, 5, 20}, {1, 1, 1}};
  for (const auto& sh : shapes)
    for (int threads : {2, 3}) {
      Case c = basic_case(gemm_best_isa(), sh[0], sh[1], sh[2], false, rng() % 2 == 0);
      c.threads = threads;
      c.packed = rng() % 2 == 0;
      fill_strides(rng, c);
      if (!run_case(rng, c)) return;
    }
}

TEST_CASE("gemm_f32: k = 0 leaves only the epilogue") {
  const float bias[] = {1.0f, -2.0f, 3.0f};
  for (GemmIsa isa : ::frost::testing::runnable_isas()) {
    GemmShape s{2, 3, 0, false, false, 1, 3, 3};
    std::vector<float> c(6, 7.0f);
    GemmEpilogue ep;
    ep.bias = bias;
    ep.activation = Activation::kRelu;
    GemmRun run;
    run.isa = isa;
    gemm_f32(s, nullptr, nullptr, c.data(), ep, run);
    CHECK(c == std::vector<float>{1, 0, 3, 1, 0, 3});
    ep.accumulate = true;  // 7 + bias
    std::fill(c.begin(), c.end(), 7.0f);
    gemm_f32(s, nullptr, nullptr, c.data(), ep, run);
    CHECK(c == std::vector<float>{8, 5, 10, 8, 5, 10});
  }
}

TEST_CASE("gemm_f32: inside a parallel region runs single-threaded and correct") {
  std::mt19937_64 rng(test_seed() + 5);
  const GemmShape s{40, 70, 90, false, false, 90, 70, 70};
  const std::vector<float> a = random_matrix(rng, 40, 90, 90);
  const std::vector<float> b = random_matrix(rng, 90, 70, 70);
  std::vector<float> want(40 * 70);
  gemm_reference(s, a.data(), b.data(), want.data());
  std::vector<std::vector<float>> got(2, std::vector<float>(40 * 70));
#pragma omp parallel for num_threads(2)
  for (int t = 0; t < 2; ++t) gemm_f32(s, a.data(), b.data(), got[static_cast<size_t>(t)].data());
  for (const auto& g : got)
    for (size_t i = 0; i < want.size(); ++i) REQUIRE(g[i] == doctest::Approx(want[i]).epsilon(1e-4));
}

}  // namespace frost::kernels
