// activation_elementwise_f32, selu_f32, softplus_f32, unary_f32, softmax_f32
// and log_softmax_f32 against their reference twins on every ISA the CPU runs, 1 and 3 threads,
// lengths covering every tail mod 4/8/16. Relu, Relu6, LeakyRelu and the IEEE
// unary ops must match bit for bit (NaN, ±0, ±inf included). Exp, Elu,
// Sigmoid and Tanh use polynomial approximations: a dense sweep measures their
// largest relative error against the double-precision formulas and checks
// it stays within kApproxUlps units of float epsilon (printed per ISA).
#include <algorithm>
#include <string>

#include "eltwise_test_util.h"
#include "kernels/activation_elementwise.h"
#include "kernels/softmax.h"

namespace frost::kernels {
namespace {

using testing::Guarded;

constexpr double kEps = std::numeric_limits<float>::epsilon();
// Bound on the relative error of exp/expm1/tanh/sigmoid, in float epsilons
// (xsimd's polynomials stay within a few ulp).
constexpr double kApproxUlps = 4.0;

int64_t length(std::mt19937_64& rng) {
  return testing::pick(rng, {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100, 1000});
}

std::string run_name(const GemmRun& run) {
  return std::string(eltwise_kernel_name(run.isa)) + " threads=" + std::to_string(run.threads);
}

// Relative error of got against the double-precision value want; values the
// float range cannot hold as normal numbers count as FLT_MIN-sized.
double rel_error(float got, double want) {
  if (std::isnan(want)) return std::isnan(got) ? 0.0 : INFINITY;
  if (std::isinf(want)) return got == want ? 0.0 : INFINITY;
  const double scale = std::max(std::fabs(want), static_cast<double>(std::numeric_limits<float>::min()));
  return std::fabs(static_cast<double>(got) - want) / scale;
}

bool exact_activation(Activation a) {
  return a == Activation::kRelu || a == Activation::kRelu6 || a == Activation::kLeakyRelu;
}

}  // namespace

TEST_CASE("activation_elementwise_f32: random lengths and values against the reference") {
  std::mt19937_64 rng(testing::eltwise_seed() + 20);
  const auto& acts = kAllActivations;
  for (const GemmRun& run : testing::eltwise_runs())
    for (Activation act : acts)
      for (int iter = 0; iter < 12; ++iter) {
        const int64_t n = length(rng);
        std::vector<float> x = testing::random_floats(rng, n, -10.0f, 10.0f);
        testing::add_specials(rng, x);
        const float alpha = act == Activation::kLeakyRelu ? 0.3f : 1.0f;
        std::vector<float> want(static_cast<size_t>(n));
        Guarded got(n);
        activation_elementwise_reference(act, alpha, x.data(), want.data(), n);
        activation_elementwise_f32(act, alpha, x.data(), got.data(), n, run);
        REQUIRE_MESSAGE(got.intact(), "wrote past the output, n=" << n << " " << run_name(run));
        for (int64_t i = 0; i < n; ++i) {
          const float w = want[static_cast<size_t>(i)];
          const bool ok = exact_activation(act) ? testing::same_float(got[i], w)
                                                : rel_error(got[i], activation_reference(act, x[static_cast<size_t>(i)],
                                                                                         alpha)) <= kApproxUlps * kEps;
          if (!ok) {
            FAIL_CHECK("activation " << activation_name(act) << " x=" << x[static_cast<size_t>(i)] << " got "
                                     << got[i] << " want " << w << " at " << i << " of " << n << " "
                                     << run_name(run));
            return;
          }
        }
      }
}

TEST_CASE("activation_elementwise_f32, unary_f32 Exp: polynomial accuracy over a dense sweep") {
  // Every 1/256 over [-20, 20] (where the functions are not saturated) plus
  // the edges of exp's range.
  std::vector<float> x;
  for (int i = -20 * 256; i <= 20 * 256; ++i) x.push_back(static_cast<float>(i) / 256.0f);
  // (Below -87.3 exp is denormal: the next test covers sigmoid and swish there.)
  for (float v : {-87.0f, -80.0f, -50.0f, 50.0f, 80.0f, 87.0f, 87.5f, 88.0f, 1e-6f, -1e-6f, 1e-20f, -1e-20f})
    x.push_back(v);
  const int64_t n = static_cast<int64_t>(x.size());
  for (const GemmRun& run : testing::eltwise_runs()) {
    if (run.threads != 1) continue;
    Guarded got(n);
    for (Activation act : kAllActivations) {
      if (exact_activation(act) || act == Activation::kNone) continue;
      activation_elementwise_f32(act, 1.0f, x.data(), got.data(), n, run);
      double worst = 0;
      for (int64_t i = 0; i < n; ++i)
        worst = std::max(worst, rel_error(got[i], activation_reference(act, x[static_cast<size_t>(i)], 1.0)));
      MESSAGE(run_name(run) << " activation " << activation_name(act) << ": max relative error " << worst
                            << " (" << worst / kEps << " eps)");
      CHECK(worst <= kApproxUlps * kEps);
    }
    unary_f32(UnaryOp::Exp, n, x.data(), got.data(), run);
    double worst = 0;
    for (int64_t i = 0; i < n; ++i)
      worst = std::max(worst, rel_error(got[i], std::exp(static_cast<double>(x[static_cast<size_t>(i)]))));
    MESSAGE(run_name(run) << " exp: max relative error " << worst << " (" << worst / kEps << " eps)");
    CHECK(worst <= kApproxUlps * kEps);
  }
}

TEST_CASE("activation_elementwise_f32: sigmoid and swish out to where float underflows") {
  // Every 1/64 over [-110, 110]. Past x ≈ -88.4 e^-x overflows float in
  // some formulations (xsimd's exp, 2^128 in the table-driven one); 1/inf
  // then gives 0 (sigmoid) and x·0 (swish) where the exact values are below
  // 5e-39 and 4e-37: those stay within that absolute bound, everything else
  // within the relative one.
  std::vector<float> x;
  for (int i = -110 * 64; i <= 110 * 64; ++i) x.push_back(static_cast<float>(i) / 64.0f);
  const int64_t n = static_cast<int64_t>(x.size());
  for (const GemmRun& run : testing::eltwise_runs()) {
    if (run.threads != 1) continue;
    Guarded got(n);
    for (const auto& [act, floor] : {std::pair{Activation::kSigmoid, 5e-39}, std::pair{Activation::kSwish, 4e-37}}) {
      activation_elementwise_f32(act, 1.0f, x.data(), got.data(), n, run);
      for (int64_t i = 0; i < n; ++i) {
        const double want = activation_reference(act, x[static_cast<size_t>(i)], 1.0);
        const double err = std::fabs(static_cast<double>(got[i]) - want);
        if (!(err <= kApproxUlps * kEps * std::fabs(want) || err <= floor)) {
          FAIL_CHECK(std::string(activation_name(act)) << " x=" << x[static_cast<size_t>(i)] << " got " << got[i]
                                                       << " want " << want << " " << run_name(run));
          break;
        }
      }
    }
  }
}

TEST_CASE("selu_f32 / softplus_f32: random lengths and values against the reference") {
  std::mt19937_64 rng(testing::eltwise_seed() + 24);
  for (const GemmRun& run : testing::eltwise_runs())
    for (bool selu : {true, false})
      for (int iter = 0; iter < 12; ++iter) {
        const int64_t n = length(rng);
        // Softplus switches formula at ±13.94: cover both sides.
        std::vector<float> x = testing::random_floats(rng, n, -20.0f, 20.0f);
        testing::add_specials(rng, x);
        std::vector<float> want(static_cast<size_t>(n));
        Guarded got(n);
        if (selu) {
          selu_reference(x.data(), want.data(), n);
          selu_f32(x.data(), got.data(), n, run);
        } else {
          softplus_reference(x.data(), want.data(), n);
          softplus_f32(x.data(), got.data(), n, run);
        }
        REQUIRE_MESSAGE(got.intact(), "wrote past the output, n=" << n << " " << run_name(run));
        for (int64_t i = 0; i < n; ++i) {
          const float w = want[static_cast<size_t>(i)];
          if (!(rel_error(got[i], w) <= kApproxUlps * kEps)) {
            FAIL_CHECK((selu ? "selu" : "softplus") << std::string(" x=") << x[static_cast<size_t>(i)] << " got "
                                                    << got[i] << " want " << w << " " << run_name(run));
            return;
          }
        }
      }
}

TEST_CASE("unary_f32: IEEE ops bit-exact, Exp within the bound") {
  std::mt19937_64 rng(testing::eltwise_seed() + 21);
  const UnaryOp ops[] = {UnaryOp::Abs,   UnaryOp::Neg,        UnaryOp::Square, UnaryOp::Sqrt,
                         UnaryOp::Rsqrt, UnaryOp::Reciprocal, UnaryOp::Exp};
  for (const GemmRun& run : testing::eltwise_runs())
    for (UnaryOp op : ops) {
      CHECK(unary_f32_supported(op));
      for (int iter = 0; iter < 10; ++iter) {
        const int64_t n = length(rng);
        std::vector<float> x = testing::random_floats(rng, n, -10.0f, 10.0f);
        testing::add_specials(rng, x);
        std::vector<float> want(static_cast<size_t>(n));
        Guarded got(n);
        unary_reference<float>(op, n, x.data(), want.data());
        unary_f32(op, n, x.data(), got.data(), run);
        REQUIRE_MESSAGE(got.intact(), "wrote past the output, n=" << n << " " << run_name(run));
        for (int64_t i = 0; i < n; ++i) {
          const size_t u = static_cast<size_t>(i);
          const bool ok = op == UnaryOp::Exp ? rel_error(got[i], std::exp(static_cast<double>(x[u]))) <= kApproxUlps * kEps
                                             : testing::same_float(got[i], want[u]);
          if (!ok) {
            FAIL_CHECK("unary op " << static_cast<int>(op) << " x=" << x[u] << " got " << got[i] << " want "
                                   << want[u] << " at " << i << " of " << n << " " << run_name(run));
            return;
          }
        }
      }
    }
  CHECK_FALSE(unary_f32_supported(UnaryOp::Log));
}

TEST_CASE("softmax_f32 / log_softmax_f32: random rows against the reference") {
  std::mt19937_64 rng(testing::eltwise_seed() + 22);
  for (const GemmRun& run : testing::eltwise_runs())
    for (int iter = 0; iter < 40; ++iter) {
      const bool log = iter % 2 == 1;
      SoftmaxParams p;
      p.outer = testing::pick(rng, {0, 1, 2, 3, 5, 8});
      p.depth = length(rng);
      const int64_t n = p.outer * p.depth;
      std::vector<float> x = testing::random_floats(rng, n, -10.0f, 10.0f);
      // Sometimes a NaN or -inf (a masked logit) in one row.
      if (n > 0 && iter % 5 == 0)
        x[rng() % static_cast<size_t>(n)] =
            iter % 10 == 0 ? std::numeric_limits<float>::quiet_NaN() : -std::numeric_limits<float>::infinity();
      std::vector<float> want(static_cast<size_t>(n));
      Guarded got(n);
      if (log) {
        log_softmax_reference(p, x.data(), want.data());
        log_softmax_f32(p, x.data(), got.data(), run);
      } else {
        softmax_reference(p, x.data(), want.data());
        softmax_f32(p, x.data(), got.data(), run);
      }
      REQUIRE_MESSAGE(got.intact(), "wrote past the output " << run_name(run));
      for (int64_t i = 0; i < n; ++i) {
        const double w = want[static_cast<size_t>(i)], g = got[i];
        // exp(x − max) carries the rounding of x − max (up to 20 here) as a
        // relative error; log-softmax an absolute one.
        const double tol = log ? kEps * (8.0 + 2.0 * std::fabs(w)) : kEps * 64.0 * std::fabs(w) + 1e-37;
        const bool ok = std::isnan(w) ? std::isnan(g) : g == w || std::fabs(g - w) <= tol;
        if (!ok) {
          FAIL_CHECK(std::string(log ? "log_softmax" : "softmax") << " row " << i / p.depth << " col " << i % p.depth << " of "
                                                       << p.outer << "x" << p.depth << ": got " << g << " want "
                                                       << w << " " << run_name(run));
          break;
        }
      }
    }
}

// Many rows shorter than two vectors (softmax_short_rows: blocks of whole rows),
// split over the threads at arbitrary rows, in place and not.
TEST_CASE("softmax_f32 / log_softmax_f32: many short rows against the reference") {
  std::mt19937_64 rng(testing::eltwise_seed() + 24);
  for (const GemmRun& run : testing::eltwise_runs())
    for (int64_t depth : {1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 21, 31, 33}) {
      for (int mode = 0; mode < 3; ++mode) {
        const bool log = mode == 1, in_place = mode == 2;
        SoftmaxParams p;
        p.outer = 1 + static_cast<int64_t>(rng() % 3000);
        p.depth = depth;
        const int64_t n = p.outer * p.depth;
        std::vector<float> x = testing::random_floats(rng, n, -10.0f, 10.0f);
        x[rng() % static_cast<size_t>(n)] = std::numeric_limits<float>::quiet_NaN();
        x[rng() % static_cast<size_t>(n)] = -std::numeric_limits<float>::infinity();
        std::vector<float> want(static_cast<size_t>(n)), got = x;
        if (log) {
          log_softmax_reference(p, x.data(), want.data());
          log_softmax_f32(p, x.data(), got.data(), run);
        } else {
          softmax_reference(p, x.data(), want.data());
          softmax_f32(p, in_place ? got.data() : x.data(), got.data(), run);
        }
        for (int64_t i = 0; i < n; ++i) {
          const double w = want[static_cast<size_t>(i)], g = got[static_cast<size_t>(i)];
          const double tol = log ? kEps * (8.0 + 2.0 * std::fabs(w)) : kEps * 64.0 * std::fabs(w) + 1e-37;
          const bool ok = std::isnan(w) ? std::isnan(g) : g == w || std::fabs(g - w) <= tol;
          if (!ok) {
            FAIL_CHECK((log ? "log_softmax" : "softmax") << (in_place ? " in place" : "") << " row " << i / depth
                                                         << " col " << i % depth << " of " << p.outer << "x" << depth
                                                         << ": got " << g << " want " << w << " " << run_name(run));
            break;
          }
        }
      }
    }
}

TEST_CASE("softmax_f32: in place (y == x)") {
  std::mt19937_64 rng(testing::eltwise_seed() + 23);
  const SoftmaxParams p{3, 37};
  std::vector<float> x = testing::random_floats(rng, p.outer * p.depth, -5.0f, 5.0f), want(x.size());
  softmax_reference(p, x.data(), want.data());
  softmax_f32(p, x.data(), x.data());
  for (size_t i = 0; i < x.size(); ++i) CHECK(std::fabs(x[i] - want[i]) <= 64 * kEps * want[i]);
}

}  // namespace frost::kernels
