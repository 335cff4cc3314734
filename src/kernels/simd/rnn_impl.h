// Recurrent-cell gate math (kernels/rnn_cell.h) for one ISA, a template over
// xsimd's architecture tag, instantiated by rnn_f32_<isa>.cc. Each row is
// walked in vectors of the ISA's width; the last partial vector goes through
// a zero-padded buffer, so every element sees the same vector code (the
// sigmoid/tanh of activation_impl.h, shared with the activation kernels).
#pragma once

#include <cstring>

#include <xsimd/xsimd.hpp>

#include "kernels/simd/activation_impl.h"
#include "kernels/simd/rnn_kernel_table.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose (one instantiation per ISA unit)

template <class Arch>
struct RnnKernels {
  using V = xsimd::batch<float, Arch>;
  static constexpr int64_t W = static_cast<int64_t>(V::size);

  static V sigmoid(V x) { return activation_op<Activation::kSigmoid>(x, V(0.0f)); }
  // A gate's σ (RnnGates::hard_gates says which).
  static V gate(const RnnGates& g, V x) {
    if (!g.hard_gates) return sigmoid(x);
    return xsimd::min(xsimd::max(xsimd::fma(V(g.gate_slope), x, V(g.gate_offset)), V(0.0f)), V(1.0f));
  }
  // tanh(x) = 2/(1 + e^−2x) − 1 on the logistic's 1 + e^−x (sigmoid_impl.h):
  // about half the work of xsimd::tanh (the activation kernels' Tanh), which
  // evaluates a rational approximation and an exp and blends the two; an LSTM
  // step takes two tanh per unit. Near 0 the subtraction costs relative, not
  // absolute accuracy (|error| ≤ ~2.5e-7), and the cell's outputs are O(1)
  // sums of such terms. Saturates to ±1 (the clamp inside), NaN stays NaN.
  static V tanh(V x) { return V(2.0f) / one_plus_exp_neg(x + x) - V(1.0f); }

  // n (≤ W) floats at p as a vector, zero-padded.
  static V load(const float* p, int64_t n) {
    if (n == W) return V::load_unaligned(p);
    alignas(64) float buffer[W] = {};
    std::memcpy(buffer, p, static_cast<size_t>(n) * sizeof(float));
    return V::load_aligned(buffer);
  }
  static void store(V v, float* p, int64_t n) {
    if (n == W) return v.store_unaligned(p);
    alignas(64) float buffer[W];
    v.store_aligned(buffer);
    std::memcpy(p, buffer, static_cast<size_t>(n) * sizeof(float));
  }

  // f(row, j, n) for every row and every vector of columns [j, j + n).
  template <class F>
  static void for_each(const RnnGates& g, F f) {
    for (int64_t b = 0; b < g.batch; ++b)
      for (int64_t j = 0; j < g.hidden; j += W) f(b, j, std::min(W, g.hidden - j));
  }

  static void lstm(const RnnGates& g, const float* z, const float* c, float* h_out, float* c_out) {
    const int64_t H = g.hidden;
    for_each(g, [&](int64_t b, int64_t j, int64_t n) {
      const float* zr = z + b * g.ldz + j;
      const V i = gate(g, load(zr, n)), f = gate(g, load(zr + H, n)), gg = tanh(load(zr + 2 * H, n)),
              o = gate(g, load(zr + 3 * H, n));
      const V cn = f * load(c + b * H + j, n) + i * gg;
      store(cn, c_out + b * H + j, n);
      store(o * tanh(cn), h_out + b * H + j, n);
    });
  }

  static void gru(const RnnGates& g, bool reset_after, const float* z, const float* h, float* h_out) {
    const int64_t H = g.hidden;
    const V one(1.0f);
    for_each(g, [&](int64_t b, int64_t j, int64_t n) {
      const float* zr = z + b * g.ldz + j;
      const V u = gate(g, load(zr, n));
      const V cand = reset_after ? load(zr + 2 * H, n) + gate(g, load(zr + H, n)) * load(zr + 3 * H, n)
                                 : load(zr + 2 * H, n);
      store(u * load(h + b * H + j, n) + (one - u) * tanh(cand), h_out + b * H + j, n);
    });
  }

  static void gru_reset(const RnnGates& g, const float* z, const float* h, float* rh) {
    const int64_t H = g.hidden;
    for_each(g, [&](int64_t b, int64_t j, int64_t n) {
      store(gate(g, load(z + b * g.ldz + H + j, n)) * load(h + b * H + j, n), rh + b * H + j, n);
    });
  }

  // Columns [j, j + n) of kR rows of z: kU full vectors at a time (n = kU·W),
  // or one partial vector (n < W). Each vector of W is loaded once for the kR
  // rows, so a small batch reads the weights once per step, not once per row.
  template <int kR, int kU>
  static void affine_block(const RnnAffine& p, const float* const* a, const float* const* b, const float* w,
                           const float* bias, float* const* z, int64_t j, int64_t n) {
    V acc[kR][kU];
    for (int u = 0; u < kU; ++u) {
      const int64_t m = std::min(W, n - u * W);
      const V init = bias && !p.accumulate ? load(bias + j + u * W, m) : V(0.0f);
      for (int r = 0; r < kR; ++r) acc[r][u] = p.accumulate ? load(z[r] + j + u * W, m) : init;
    }
    auto add_rows = [&](const float* const* x, int64_t count, const float* wk) {
      for (int64_t k = 0; k < count; ++k) {
        V wv[kU];
        for (int u = 0; u < kU; ++u) wv[u] = load(wk + k * p.n + j + u * W, std::min(W, n - u * W));
        for (int r = 0; r < kR; ++r) {
          const V xk(x[r][k]);
          for (int u = 0; u < kU; ++u) acc[r][u] = xsimd::fma(xk, wv[u], acc[r][u]);
        }
      }
    };
    add_rows(a, p.ka, w);
    if (p.kb > 0) add_rows(b, p.kb, w + p.ka * p.n);
    for (int r = 0; r < kR; ++r)
      for (int u = 0; u < kU; ++u) store(acc[r][u], z[r] + j + u * W, std::min(W, n - u * W));
  }

  // kR rows (≤ 4) from row r0, every column.
  template <int kR>
  static void affine_rows(const RnnAffine& p, const float* a, const float* b, const float* w, const float* bias,
                          float* z, int64_t r0) {
    const float* ar[kR];
    const float* br[kR];
    float* zr[kR];
    for (int r = 0; r < kR; ++r) {
      ar[r] = a + (r0 + r) * p.lda;
      br[r] = b ? b + (r0 + r) * p.ldb : nullptr;
      zr[r] = z + (r0 + r) * p.ldz;
    }
    // Four vectors wide for one or two rows, two for more (the accumulators
    // and the weight vectors stay within AVX2's 16 registers).
    constexpr int kWide = kR <= 2 ? 4 : 2;
    int64_t j = 0;
    for (; j + kWide * W <= p.n; j += kWide * W) affine_block<kR, kWide>(p, ar, br, w, bias, zr, j, kWide * W);
    for (; j + W <= p.n; j += W) affine_block<kR, 1>(p, ar, br, w, bias, zr, j, W);
    if (j < p.n) affine_block<kR, 1>(p, ar, br, w, bias, zr, j, p.n - j);
  }

  static void affine(const RnnAffine& p, const float* a, const float* b, const float* w, const float* bias, float* z) {
    int64_t r = 0;
    for (; r + 4 <= p.rows; r += 4) affine_rows<4>(p, a, b, w, bias, z, r);
    switch (p.rows - r) {
      case 3: affine_rows<3>(p, a, b, w, bias, z, r); break;
      case 2: affine_rows<2>(p, a, b, w, bias, z, r); break;
      case 1: affine_rows<1>(p, a, b, w, bias, z, r); break;
      default: break;
    }
  }
};

template <class Arch>
const RnnKernelTable& make_rnn_table(const char* name) {
  static const RnnKernelTable table{name, &RnnKernels<Arch>::lstm, &RnnKernels<Arch>::gru,
                                    &RnnKernels<Arch>::gru_reset, &RnnKernels<Arch>::affine};
  return table;
}

}  // namespace
}  // namespace frost::kernels::simd
