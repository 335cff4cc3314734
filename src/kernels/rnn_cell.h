// The element-wise half of a fused recurrent cell (LSTM, GRU): the gate
// nonlinearities and the state update that follow the one GEMM producing
// every gate's pre-activation. The runtime (runtime/impl_rnn.cc) runs the
// GEMM (kernels/gemm.h) and then one of these on its output, so a whole
// time step is two calls instead of a dozen small ops.
//
// Gate pre-activations `z` are row-major [batch, k·hidden] with row stride
// `ldz`; states are [batch, hidden], contiguous.
//  - LSTM, z = [i | f | g | o]:  c' = σ(f)·c + σ(i)·tanh(g),  h' = σ(o)·tanh(c')
//  - GRU after reset (Keras reset_after=True), z = [u | r | x | s]:
//      n = tanh(x + σ(r)·s),  h' = σ(u)·h + (1 − σ(u))·n
//  - GRU before reset (Keras reset_after=False, tf.nn GRUCell), z = [u | r | n̂]
//    where n̂ already holds x·W + (σ(r)·h)·U + b:  h' = σ(u)·h + (1 − σ(u))·tanh(n̂);
//    its reset state σ(r)·h comes first, from gru_reset_state.
// σ is the logistic sigmoid, or with RnnGates::hard_gates the piecewise-linear
// clamp(slope·x + offset, 0, 1) (Keras's hard_sigmoid: slope 0.2, offset 0.5)
// for every gate (tanh stays). The reference computes in double; the f32 twins
// use the vectorised sigmoid/tanh of the activation kernels
// (kernels/simd/activation_impl.h), within a few float epsilons of it.
#pragma once

#include <cstdint>

#include "kernels/gemm.h"

namespace frost::kernels {

struct RnnGates {
  int64_t batch = 0, hidden = 0;
  int64_t ldz = 0;  // row stride of z in elements (≥ the gates' width)
  // The gates' σ: the logistic sigmoid, or clamp(gate_slope·x + gate_offset, 0, 1).
  bool hard_gates = false;
  float gate_slope = 0.2f, gate_offset = 0.5f;
};

void lstm_gates_reference(const RnnGates& g, const float* z, const float* c, float* h_out, float* c_out);
void gru_gates_reference(const RnnGates& g, bool reset_after, const float* z, const float* h, float* h_out);
// rh = σ(r)·h, r being z's second block.
void gru_reset_state_reference(const RnnGates& g, const float* z, const float* h, float* rh);

// z[r, :] = [a[r, :] | b[r, :]]·W + bias (or += when `accumulate`, no bias)
// for a few rows: W row-major [ka + kb, n] as stored (no packing), a and b
// read in place (no concatenation). A small batch's step is a handful of
// rows, where a GEMM's packing and blocking cost more than they bring.
struct RnnAffine {
  int64_t rows = 0, ka = 0, kb = 0, n = 0;
  int64_t lda = 0, ldb = 0, ldz = 0;
  bool accumulate = false;
};
void rnn_affine_reference(const RnnAffine& p, const float* a, const float* b, const float* w, const float* bias,
                          float* z);

// The CPU backend's twins (src/kernels/simd/rnn_f32.cc), one thread (a cell's
// step is far too small to share). `isa` as in GemmRun. Outputs must not
// overlap the inputs.
void lstm_gates_f32(const RnnGates& g, const float* z, const float* c, float* h_out, float* c_out,
                    GemmIsa isa = GemmIsa::kAuto);
void gru_gates_f32(const RnnGates& g, bool reset_after, const float* z, const float* h, float* h_out,
                   GemmIsa isa = GemmIsa::kAuto);
void gru_reset_state_f32(const RnnGates& g, const float* z, const float* h, float* rh,
                         GemmIsa isa = GemmIsa::kAuto);
void rnn_affine_f32(const RnnAffine& p, const float* a, const float* b, const float* w, const float* bias, float* z,
                    GemmIsa isa = GemmIsa::kAuto);

}  // namespace frost::kernels
