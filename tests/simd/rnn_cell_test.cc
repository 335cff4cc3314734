// lstm_gates_f32, gru_gates_f32 (both reset variants) and gru_reset_state_f32,
// with logistic and hard (clamped linear) gates, against their reference twins on every ISA the CPU runs, random batch,
// hidden sizes covering every tail mod 4/8/16 and a row stride wider than the
// gates. Sigmoid/tanh are polynomial approximations, so the check is a small
// absolute bound (the outputs are O(1) and built from a few such values).
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/rnn_cell.h"
#include "runnable_isas.h"

namespace frost::kernels {
namespace {

constexpr double kTolerance = 2e-6;

std::vector<float> random_floats(std::mt19937_64& rng, int64_t n, float lo, float hi) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = d(rng);
  return v;
}

double max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(double{a[i]} - double{b[i]}));
  return m;
}

}  // namespace

TEST_CASE("rnn gates: lstm, gru and gru reset state against the reference on every ISA") {
  std::mt19937_64 rng(41);
  for (const GemmIsa isa : testing::runnable_isas()) {
    CAPTURE(gemm_kernel_name(isa));
    for (int iter = 0; iter < 40; ++iter) {
      const int64_t batch = 1 + static_cast<int64_t>(rng() % 4);
      const int64_t hidden = 1 + static_cast<int64_t>(rng() % 40);
      const int64_t ldz = 4 * hidden + static_cast<int64_t>(rng() % 3);
      CAPTURE(batch);
      CAPTURE(hidden);
      RnnGates g{batch, hidden, ldz};
      // Every other case with hard (clamped linear) gates, Keras's and others'.
      g.hard_gates = iter % 2 == 1;
      g.gate_slope = iter % 4 == 1 ? 0.2f : 1.0f / 6.0f;
      g.gate_offset = 0.5f;
      CAPTURE(g.hard_gates);
      const std::vector<float> z = random_floats(rng, batch * ldz, -6.0f, 6.0f);
      const std::vector<float> state = random_floats(rng, batch * hidden, -2.0f, 2.0f);
      const size_t n = static_cast<size_t>(batch * hidden);
      std::vector<float> h_want(n), c_want(n), h_got(n), c_got(n);
      lstm_gates_reference(g, z.data(), state.data(), h_want.data(), c_want.data());
      lstm_gates_f32(g, z.data(), state.data(), h_got.data(), c_got.data(), isa);
      CHECK(max_diff(h_got, h_want) <= kTolerance);
      CHECK(max_diff(c_got, c_want) <= kTolerance);
      for (const bool reset_after : {true, false}) {
        gru_gates_reference(g, reset_after, z.data(), state.data(), h_want.data());
        gru_gates_f32(g, reset_after, z.data(), state.data(), h_got.data(), isa);
        CHECK(max_diff(h_got, h_want) <= kTolerance);
      }
      gru_reset_state_reference(g, z.data(), state.data(), h_want.data());
      gru_reset_state_f32(g, z.data(), state.data(), h_got.data(), isa);
      CHECK(max_diff(h_got, h_want) <= kTolerance);
    }
  }
}

TEST_CASE("rnn_affine_f32: [a | b]·W + bias and accumulate against the reference on every ISA") {
  std::mt19937_64 rng(43);
  for (const GemmIsa isa : testing::runnable_isas()) {
    CAPTURE(gemm_kernel_name(isa));
    for (int iter = 0; iter < 40; ++iter) {
      RnnAffine p;
      p.rows = 1 + static_cast<int64_t>(rng() % 9);  // groups of 4 rows and every remainder
      p.ka = 1 + static_cast<int64_t>(rng() % 20);
      p.kb = static_cast<int64_t>(rng() % 20);
      p.n = 1 + static_cast<int64_t>(rng() % 150);
      p.lda = p.ka + static_cast<int64_t>(rng() % 3);
      p.ldb = p.kb + static_cast<int64_t>(rng() % 3);
      p.ldz = p.n + static_cast<int64_t>(rng() % 3);
      p.accumulate = rng() % 3 == 0;
      CAPTURE(p.rows);
      CAPTURE(p.ka);
      CAPTURE(p.kb);
      CAPTURE(p.n);
      const std::vector<float> a = random_floats(rng, p.rows * p.lda, -1.0f, 1.0f);
      const std::vector<float> b = random_floats(rng, p.rows * p.ldb, -1.0f, 1.0f);
      const std::vector<float> w = random_floats(rng, (p.ka + p.kb) * p.n, -1.0f, 1.0f);
      const std::vector<float> bias = random_floats(rng, p.n, -1.0f, 1.0f);
      const std::vector<float> z0 = random_floats(rng, p.rows * p.ldz, -1.0f, 1.0f);
      std::vector<float> want = z0, got = z0;
      const float* bp = p.kb > 0 ? b.data() : nullptr;
      const float* biasp = p.accumulate ? nullptr : bias.data();
      rnn_affine_reference(p, a.data(), bp, w.data(), biasp, want.data());
      rnn_affine_f32(p, a.data(), bp, w.data(), biasp, got.data(), isa);
      // Float sums of up to 40 products of O(1) values.
      CHECK(max_diff(got, want) <= 1e-5);
    }
  }
}

}  // namespace frost::kernels
