#include <algorithm>
#include <cmath>

#include "kernels/rnn_cell.h"

namespace frost::kernels {

namespace {

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// A gate's σ (RnnGates::hard_gates says which).
double gate(const RnnGates& g, double x) {
  if (!g.hard_gates) return logistic(x);
  return std::clamp(double{g.gate_slope} * x + double{g.gate_offset}, 0.0, 1.0);
}

}  // namespace

void lstm_gates_reference(const RnnGates& g, const float* z, const float* c, float* h_out, float* c_out) {
  const int64_t H = g.hidden;
  for (int64_t b = 0; b < g.batch; ++b) {
    const float* zr = z + b * g.ldz;
    for (int64_t j = 0; j < H; ++j) {
      const double i = gate(g, zr[j]), f = gate(g, zr[H + j]), gg = std::tanh(double{zr[2 * H + j]}),
                   o = gate(g, zr[3 * H + j]);
      const float cn = static_cast<float>(f * c[b * H + j] + i * gg);
      c_out[b * H + j] = cn;
      h_out[b * H + j] = static_cast<float>(o * std::tanh(double{cn}));
    }
  }
}

void gru_gates_reference(const RnnGates& g, bool reset_after, const float* z, const float* h, float* h_out) {
  const int64_t H = g.hidden;
  for (int64_t b = 0; b < g.batch; ++b) {
    const float* zr = z + b * g.ldz;
    for (int64_t j = 0; j < H; ++j) {
      const double u = gate(g, zr[j]);
      const double n = reset_after ? std::tanh(zr[2 * H + j] + gate(g, zr[H + j]) * zr[3 * H + j])
                                   : std::tanh(double{zr[2 * H + j]});
      h_out[b * H + j] = static_cast<float>(u * h[b * H + j] + (1.0 - u) * n);
    }
  }
}

void gru_reset_state_reference(const RnnGates& g, const float* z, const float* h, float* rh) {
  const int64_t H = g.hidden;
  for (int64_t b = 0; b < g.batch; ++b)
    for (int64_t j = 0; j < H; ++j)
      rh[b * H + j] = static_cast<float>(gate(g, z[b * g.ldz + H + j]) * h[b * H + j]);
}

void rnn_affine_reference(const RnnAffine& p, const float* a, const float* b, const float* w, const float* bias,
                          float* z) {
  for (int64_t r = 0; r < p.rows; ++r)
    for (int64_t j = 0; j < p.n; ++j) {
      double sum = p.accumulate ? z[r * p.ldz + j] : bias ? bias[j] : 0.0;
      for (int64_t k = 0; k < p.ka; ++k) sum += double{a[r * p.lda + k]} * w[k * p.n + j];
      for (int64_t k = 0; k < p.kb; ++k) sum += double{b[r * p.ldb + k]} * w[(p.ka + k) * p.n + j];
      z[r * p.ldz + j] = static_cast<float>(sum);
    }
}

}  // namespace frost::kernels
