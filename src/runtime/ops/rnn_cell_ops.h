// Frost's fused recurrent cells, written by the rnn_cells pass
// (freeze/fuse_rnn_cells.cc) in place of the dozen ops one time step of an
// LSTM or GRU layer freezes into. Not TensorFlow ops: a graph holding them
// runs on Frost only (they are made only with PassContext::runtime_fusions).
//
// _FrostLSTMCell(x [B,I], h [B,J], c [B,H], kernel [I+J, 4H], bias [4H])
//     -> (h' [B,H], c' [B,H])
//   z = [x | h]·kernel + bias, gates in the order i, f, g, o (any forget bias
//   folded into bias): c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c').
// _FrostGRUCell(x [B,I], h [B,H], kernel, bias[, candidate_kernel]) -> h' [B,H]
//   attr reset_after:
//   true:  kernel [I+H, 4H], bias [4H], z = [x | h]·kernel + bias = [u | r | x̂ | ĥ]
//          (x̂ the input's and ĥ the state's share of the candidate):
//          h' = σ(u)·h + (1 − σ(u))·tanh(x̂ + σ(r)·ĥ)
//   false: kernel [I+H, 3H], bias [3H], candidate_kernel [H, H]:
//          z = [x | h]·kernel + bias = [u | r | n̂], n̂ += (σ(r)·h)·candidate_kernel,
//          h' = σ(u)·h + (1 − σ(u))·tanh(n̂)
// _FrostLSTMCell attr x_projected (default false): x is [B, 4H], x's share of
//   z already multiplied out (freeze/project_lstm_inputs.cc: rows of a
//   constant table), and kernel is [J, 4H], h's rows only:
//   z = x + h·kernel + bias.
// Both cells: attr gate_activation "sigmoid" (the default) or "hard_sigmoid",
// then σ(x) = clamp(gate_slope·x + gate_offset, 0, 1) (attrs, default 0.2 and
// 0.5 as Keras's hard_sigmoid) for every gate; tanh stays.
// (kernels/rnn_cell.h has the gate math.)
#pragma once

#include <cstdint>

#include "graph/op_registry.h"
#include "kernels/rnn_cell.h"

namespace frost {

struct RnnCellDims {
  int64_t batch = 0;
  int64_t input = 0;   // I: columns of x
  int64_t state = 0;   // J: columns of h (the GRU's h has H)
  int64_t hidden = 0;  // H
  int64_t gates = 0;   // columns of kernel: 4H, or 3H (GRU before reset)
  bool x_projected = false;  // x is [B, gates], added to z; kernel has h's rows only (input is then 0)
};

// A cell node's attrs, read once: the fused kernels take them at prepare time
// (a map lookup of the attr names per step was ~8% of models/lstm_unrolled).
struct RnnCellAttrs {
  bool known_gate = true;  // gate_activation is one the cells have (else rnn_gates throws naming it)
  kernels::RnnGates gates;  // hard_gates, gate_slope, gate_offset
  bool x_projected = false;
  bool reset_after = true;
};
RnnCellAttrs rnn_cell_attrs(const Node& n);

// The dimensions of a cell's inputs; throws ctx.error naming what does not fit.
RnnCellDims lstm_cell_dims(const OpContext& ctx, const RnnCellAttrs& attrs);
RnnCellDims gru_cell_dims(const OpContext& ctx, const RnnCellAttrs& attrs);
// The gate math's parameters: dims and the gate activation attrs; throws
// ctx.error on an unknown gate_activation.
kernels::RnnGates rnn_gates(const OpContext& ctx, const RnnCellDims& d, const RnnCellAttrs& attrs);

}  // namespace frost
