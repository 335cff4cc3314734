// _FrostLSTMCell and _FrostGRUCell (rnn_cell_ops.h): schemas and the
// reference kernels, built from kernels::gemm_reference (double accumulation)
// and the reference gate math.
#include "runtime/ops/rnn_cell_ops.h"

#include <vector>

#include "kernels/gemm.h"
#include "kernels/rnn_cell.h"

namespace frost {

namespace {

void check_matrix(const OpContext& ctx, int i, const char* what) {
  const Tensor& t = ctx.input(i);
  if (t.dtype() != DType::Float) throw ctx.error(std::string(what) + " must be float, got " + dtype_name(t.dtype()));
  if (t.rank() != 2) throw ctx.error(std::string(what) + " must be 2-D, got shape " + t.shape().to_string());
}

// The common inputs: x, h, kernel (input 2 + offset), bias; `gates` columns per hidden unit.
RnnCellDims cell_dims(const OpContext& ctx, int kernel_input, int64_t gates_per_unit, int64_t hidden,
                      bool x_projected = false) {
  const Tensor &x = ctx.input(0), &h = ctx.input(1), &w = ctx.input(kernel_input), &b = ctx.input(kernel_input + 1);
  RnnCellDims d;
  d.batch = x.shape()[0];
  d.input = x_projected ? 0 : x.shape()[1];
  d.state = h.shape()[1];
  d.hidden = hidden;
  d.gates = gates_per_unit * hidden;
  d.x_projected = x_projected;
  if (x_projected && x.shape()[1] != d.gates)
    throw ctx.error("projected x " + x.shape().to_string() + " must have the " + std::to_string(d.gates) +
                    " gate columns");
  if (h.shape()[0] != d.batch)
    throw ctx.error("x " + x.shape().to_string() + " and h " + h.shape().to_string() + " differ in batch");
  if (w.shape()[0] != d.input + d.state || w.shape()[1] != d.gates)
    throw ctx.error("kernel " + w.shape().to_string() + " does not fit x " + x.shape().to_string() + ", h " +
                    h.shape().to_string() + " and " + std::to_string(gates_per_unit) + " gates of " +
                    std::to_string(hidden));
  if (b.dtype() != DType::Float || b.rank() != 1 || b.shape()[0] != d.gates)
    throw ctx.error("bias must be float [" + std::to_string(d.gates) + "], got " + b.shape().to_string());
  return d;
}

void check_inputs(const OpContext& ctx, int n) {
  if (ctx.num_inputs() != n)
    throw ctx.error("expects " + std::to_string(n) + " inputs, has " + std::to_string(ctx.num_inputs()));
}

// z = x + bias + h·kernel for a projected x, the product accumulated in double.
std::vector<float> projected_gate_inputs_reference(const OpContext& ctx, const RnnCellDims& d, int kernel_input) {
  const float *x = ctx.input(0).data<float>(), *bias = ctx.input(kernel_input + 1).data<float>();
  std::vector<float> z(static_cast<size_t>(d.batch * d.gates));
  for (int64_t b = 0; b < d.batch; ++b)
    for (int64_t j = 0; j < d.gates; ++j) z[static_cast<size_t>(b * d.gates + j)] = x[b * d.gates + j] + bias[j];
  const kernels::GemmShape s = kernels::dense_gemm_shape(d.batch, d.state, d.gates, d.gates);
  kernels::GemmEpilogue ep;
  ep.accumulate = true;
  kernels::gemm_f32_reference(s, ctx.input(1).data<float>(), ctx.input(kernel_input).data<float>(), z.data(), ep);
  return z;
}

// z = [x | h]·kernel + bias, accumulated in double.
std::vector<float> gate_inputs_reference(const OpContext& ctx, const RnnCellDims& d, int kernel_input) {
  if (d.x_projected) return projected_gate_inputs_reference(ctx, d, kernel_input);
  std::vector<float> xh(static_cast<size_t>(d.batch * (d.input + d.state)));
  const float *x = ctx.input(0).data<float>(), *h = ctx.input(1).data<float>();
  for (int64_t b = 0; b < d.batch; ++b) {
    std::copy(x + b * d.input, x + (b + 1) * d.input, xh.begin() + b * (d.input + d.state));
    std::copy(h + b * d.state, h + (b + 1) * d.state, xh.begin() + b * (d.input + d.state) + d.input);
  }
  const kernels::GemmShape s = kernels::dense_gemm_shape(d.batch, d.input + d.state, d.gates, d.gates);
  std::vector<float> z(static_cast<size_t>(d.batch * d.gates));
  kernels::GemmEpilogue ep;
  ep.bias = ctx.input(kernel_input + 1).data<float>();
  kernels::gemm_f32_reference(s, xh.data(), ctx.input(kernel_input).data<float>(), z.data(), ep);
  return z;
}

void lstm_cell(OpContext& ctx) {
  const RnnCellAttrs attrs = rnn_cell_attrs(ctx.node());
  const RnnCellDims d = lstm_cell_dims(ctx, attrs);
  const std::vector<float> z = gate_inputs_reference(ctx, d, 3);
  Tensor& h = ctx.allocate_output(0, DType::Float, Shape{d.batch, d.hidden});
  Tensor& c = ctx.allocate_output(1, DType::Float, Shape{d.batch, d.hidden});
  kernels::lstm_gates_reference(rnn_gates(ctx, d, attrs), z.data(), ctx.input(2).data<float>(), h.data<float>(),
                                c.data<float>());
}

void gru_cell(OpContext& ctx) {
  const RnnCellAttrs attrs = rnn_cell_attrs(ctx.node());
  const RnnCellDims d = gru_cell_dims(ctx, attrs);
  std::vector<float> z = gate_inputs_reference(ctx, d, 2);
  const kernels::RnnGates g = rnn_gates(ctx, d, attrs);
  const float* h = ctx.input(1).data<float>();
  const bool reset_after = attrs.reset_after;
  if (!reset_after) {  // n̂ += (σ(r)·h)·candidate_kernel
    std::vector<float> rh(static_cast<size_t>(d.batch * d.hidden));
    kernels::gru_reset_state_reference(g, z.data(), h, rh.data());
    const kernels::GemmShape s = kernels::dense_gemm_shape(d.batch, d.hidden, d.hidden, d.gates);
    kernels::GemmEpilogue ep;
    ep.accumulate = true;
    kernels::gemm_f32_reference(s, rh.data(), ctx.input(4).data<float>(), z.data() + 2 * d.hidden, ep);
  }
  Tensor& out = ctx.allocate_output(0, DType::Float, Shape{d.batch, d.hidden});
  kernels::gru_gates_reference(g, reset_after, z.data(), h, out.data<float>());
}

// Both outputs have c's (LSTM) or h's (GRU) shape.
std::vector<PartialShape> state_shape(const ShapeContext& ctx, size_t input, int outputs) {
  const PartialShape s = ctx.input_shapes.size() > input ? ctx.input_shapes[input] : PartialShape::unknown();
  return std::vector<PartialShape>(static_cast<size_t>(outputs), s);
}

}  // namespace

RnnCellAttrs rnn_cell_attrs(const Node& n) {
  RnnCellAttrs a;
  const std::string act = n.attr_string_or("gate_activation", "sigmoid");
  if (act == "hard_sigmoid") {
    a.gates.hard_gates = true;
    a.gates.gate_slope = n.attr_float_or("gate_slope", 0.2f);
    a.gates.gate_offset = n.attr_float_or("gate_offset", 0.5f);
  } else if (act != "sigmoid") {
    a.known_gate = false;
  }
  a.x_projected = n.attr_bool_or("x_projected", false);
  a.reset_after = n.attr_bool_or("reset_after", true);
  return a;
}

kernels::RnnGates rnn_gates(const OpContext& ctx, const RnnCellDims& d, const RnnCellAttrs& attrs) {
  if (!attrs.known_gate)
    throw ctx.error("gate_activation must be sigmoid or hard_sigmoid, got " +
                    ctx.node().attr_string_or("gate_activation", "sigmoid"));
  kernels::RnnGates g = attrs.gates;
  g.batch = d.batch;
  g.hidden = d.hidden;
  g.ldz = d.gates;
  return g;
}

RnnCellDims lstm_cell_dims(const OpContext& ctx, const RnnCellAttrs& attrs) {
  check_inputs(ctx, 5);
  for (int i = 0; i < 4; ++i) check_matrix(ctx, i, i == 0 ? "x" : i == 1 ? "h" : i == 2 ? "c" : "kernel");
  const int64_t hidden = ctx.input(2).shape()[1];
  const RnnCellDims d = cell_dims(ctx, 3, 4, hidden, attrs.x_projected);
  if (ctx.input(2).shape()[0] != d.batch) throw ctx.error("c " + ctx.input(2).shape().to_string() + " has another batch than x");
  return d;
}

RnnCellDims gru_cell_dims(const OpContext& ctx, const RnnCellAttrs& attrs) {
  const bool reset_after = attrs.reset_after;
  check_inputs(ctx, reset_after ? 4 : 5);
  for (int i = 0; i < 3; ++i) check_matrix(ctx, i, i == 0 ? "x" : i == 1 ? "h" : "kernel");
  const int64_t hidden = ctx.input(1).shape()[1];
  const RnnCellDims d = cell_dims(ctx, 2, reset_after ? 4 : 3, hidden);
  if (!reset_after) {
    check_matrix(ctx, 4, "candidate_kernel");
    if (ctx.input(4).shape() != Shape{hidden, hidden})
      throw ctx.error("candidate_kernel must be [" + std::to_string(hidden) + ", " + std::to_string(hidden) +
                      "], got " + ctx.input(4).shape().to_string());
  }
  return d;
}

void register_rnn_cell_ops(OpRegistry& r) {
  r.add({.name = "_FrostLSTMCell",
         .num_outputs = [](const Node&) { return 2; },
         .infer_shapes = [](const ShapeContext& ctx) { return state_shape(ctx, 2, 2); },
         .reference = lstm_cell});
  r.add({.name = "_FrostGRUCell",
         .infer_shapes = [](const ShapeContext& ctx) { return state_shape(ctx, 1, 1); },
         .reference = gru_cell});
}

}  // namespace frost
