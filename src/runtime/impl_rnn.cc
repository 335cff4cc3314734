// The fused recurrent cells (runtime/ops/rnn_cell_ops.h), float32:
// lstm_cell/gemm, gru_cell/gemm. One time step is one product of [x | h]
// with the cell's kernel, the bias added, then the gate math of
// kernels/rnn_cell.h in one pass. A batch of up to kAffineRows rows takes the
// product from rnn_affine_f32 on the kernel as stored; larger ones from the
// GEMM with the kernel packed once at prepare time (it is constant in a
// frozen graph, in a loop body too: cpu_backend.cc sees through constant
// Enters). The GRU before reset needs a second, [H, H] product on σ(r)·h.
// An LSTM cell with a projected x (x_projected) starts z from x + bias and
// adds h·kernel, the kernel having h's rows only.
#include <vector>

#include "kernels/rnn_cell.h"
#include "runtime/impl_epilogue.h"
#include "runtime/impl_families.h"
#include "runtime/ops/rnn_cell_ops.h"

namespace frost {

namespace {

bool float_cell(const PrepareContext& ctx) { return ctx.dtype() == DType::Float; }

// z (rows×n, rows `ldz` apart) += a (rows×k, dense)·w (k×n): the few-row
// product that adds h's share to gates already holding x's.
void accumulate_few_rows(int64_t rows, int64_t k, int64_t n, int64_t ldz, const float* a, const float* w, float* z) {
  kernels::RnnAffine p;
  p.rows = rows;
  p.ka = k;
  p.n = n;
  p.lda = k;
  p.ldz = ldz;
  p.accumulate = true;
  kernels::rnn_affine_f32(p, a, nullptr, w, nullptr, z);
}

// A constant [k, n] input packed for the GEMM, if there is one.
PackedConstant pack_constant(const PrepareContext& ctx, int input) {
  const Tensor* w = ctx.constant(input);
  if (!w || w->dtype() != DType::Float || w->rank() != 2) return {};
  const kernels::GemmShape s = kernels::dense_gemm_shape(0, w->shape()[0], w->shape()[1], w->shape()[1]);
  return PackedConstant(*w, kernels::gemm_packed_b_floats(s.n, s.k),
                        [&](float* out) { kernels::gemm_pack_b(s, w->data<float>(), out); });
}

// Per-thread scratch, grown as needed: [x | h] rows, then the gates.
struct Scratch {
  std::vector<float> xh, z, rh;
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Up to this many rows a step's product runs on rnn_affine_f32 (W as
// stored, x and h in place); more go through the packed GEMM.
constexpr int64_t kAffineRows = 8;

// z = [x | h]·W + bias, W from `packed` (or packed now) for the GEMM.
void gate_inputs(const OpContext& ctx, const RnnCellDims& d, int kernel_input, const PackedConstant& packed,
                 Scratch& s) {
  s.z.resize(static_cast<size_t>(d.batch * d.gates));
  const float *x = ctx.input(0).data<float>(), *h = ctx.input(1).data<float>();
  const float* bias = ctx.input(kernel_input + 1).data<float>();
  const Tensor& w = ctx.input(kernel_input);
  if (d.x_projected) {
    for (int64_t b = 0; b < d.batch; ++b)
      for (int64_t j = 0; j < d.gates; ++j) s.z[static_cast<size_t>(b * d.gates + j)] = x[b * d.gates + j] + bias[j];
    if (d.batch <= kAffineRows) {
      return accumulate_few_rows(d.batch, d.state, d.gates, d.gates, h, w.data<float>(), s.z.data());
    }
    const kernels::GemmShape gs = kernels::dense_gemm_shape(d.batch, d.state, d.gates, d.gates);
    kernels::GemmEpilogue ep;
    ep.accumulate = true;
    return with_packed(
        packed, w, kernels::gemm_packed_b_floats(gs.n, gs.k),
        [&](float* out) { kernels::gemm_pack_b(gs, w.data<float>(), out); },
        [&](const float* pw) { kernels::gemm_f32_packed(gs, h, pw, s.z.data(), ep); });
  }
  if (d.batch <= kAffineRows) {
    kernels::RnnAffine p;
    p.rows = d.batch;
    p.ka = d.input;
    p.kb = d.state;
    p.n = d.gates;
    p.lda = d.input;
    p.ldb = d.state;
    p.ldz = d.gates;
    return kernels::rnn_affine_f32(p, x, h, w.data<float>(), bias, s.z.data());
  }
  const int64_t k = d.input + d.state;
  s.xh.resize(static_cast<size_t>(d.batch * k));
  for (int64_t b = 0; b < d.batch; ++b) {
    std::copy(x + b * d.input, x + (b + 1) * d.input, s.xh.begin() + b * k);
    std::copy(h + b * d.state, h + (b + 1) * d.state, s.xh.begin() + b * k + d.input);
  }
  const kernels::GemmShape gs = kernels::dense_gemm_shape(d.batch, k, d.gates, d.gates);
  kernels::GemmEpilogue ep;
  ep.bias = bias;
  with_packed(
      packed, w, kernels::gemm_packed_b_floats(gs.n, gs.k),
      [&](float* out) { kernels::gemm_pack_b(gs, w.data<float>(), out); },
      [&](const float* pw) { kernels::gemm_f32_packed(gs, s.xh.data(), pw, s.z.data(), ep); });
}

KernelFn prepare_lstm(const PrepareContext& pc) {
  const PackedConstant kernel = pack_constant(pc, 3);
  const RnnCellAttrs attrs = rnn_cell_attrs(pc.node);
  return [kernel, attrs](OpContext& ctx) {
    const RnnCellDims d = lstm_cell_dims(ctx, attrs);
    Scratch& s = scratch();
    gate_inputs(ctx, d, 3, kernel, s);
    Tensor& h = ctx.allocate_output(0, DType::Float, Shape{d.batch, d.hidden});
    Tensor& c = ctx.allocate_output(1, DType::Float, Shape{d.batch, d.hidden});
    kernels::lstm_gates_f32(rnn_gates(ctx, d, attrs), s.z.data(), ctx.input(2).data<float>(), h.data<float>(),
                            c.data<float>());
  };
}

KernelFn prepare_gru(const PrepareContext& pc) {
  const PackedConstant kernel = pack_constant(pc, 2), candidate = pack_constant(pc, 4);
  const RnnCellAttrs attrs = rnn_cell_attrs(pc.node);
  const bool reset_after = attrs.reset_after;
  return [kernel, candidate, reset_after, attrs](OpContext& ctx) {
    const RnnCellDims d = gru_cell_dims(ctx, attrs);
    Scratch& s = scratch();
    gate_inputs(ctx, d, 2, kernel, s);
    const kernels::RnnGates g = rnn_gates(ctx, d, attrs);
    const float* h = ctx.input(1).data<float>();
    if (!reset_after) {  // n̂ += (σ(r)·h)·candidate_kernel
      s.rh.resize(static_cast<size_t>(d.batch * d.hidden));
      kernels::gru_reset_state_f32(g, s.z.data(), h, s.rh.data());
      const Tensor& u = ctx.input(4);
      if (d.batch <= kAffineRows) {
        accumulate_few_rows(d.batch, d.hidden, d.hidden, d.gates, s.rh.data(), u.data<float>(),
                            s.z.data() + 2 * d.hidden);
      } else {
        const kernels::GemmShape gs = kernels::dense_gemm_shape(d.batch, d.hidden, d.hidden, d.gates);
        kernels::GemmEpilogue ep;
        ep.accumulate = true;
        with_packed(
          candidate, u, kernels::gemm_packed_b_floats(gs.n, gs.k),
          [&](float* out) { kernels::gemm_pack_b(gs, u.data<float>(), out); },
            [&](const float* pu) { kernels::gemm_f32_packed(gs, s.rh.data(), pu, s.z.data() + 2 * d.hidden, ep); });
      }
    }
    Tensor& out = ctx.allocate_output(0, DType::Float, Shape{d.batch, d.hidden});
    kernels::gru_gates_f32(g, reset_after, s.z.data(), h, out.data<float>());
  };
}

}  // namespace

std::vector<Implementation> rnn_implementations() {
  return {{"lstm_cell/gemm", {"_FrostLSTMCell"}, float_cell, prepare_lstm},
          {"gru_cell/gemm", {"_FrostGRUCell"}, float_cell, prepare_gru}};
}

}  // namespace frost
