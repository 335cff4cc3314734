// Rule: one LSTM time step, as Keras (LSTMCell, implementation 2),
// tf.nn.rnn_cell.LSTMCell / BasicLSTMCell and tf.contrib.rnn freeze it,
// unrolled or in a while-loop body, becomes one _FrostLSTMCell
// (runtime/ops/rnn_cell_ops.h):
//
//   z = [x | h]·W + b   (match_affine: MatMul of a ConcatV2, or two MatMuls added; bias)
//   z0..z3 = Split(z, 4, axis -1)
//   c' = σ(z_f [+ forget_bias])·c + σ(z_i)·tanh(z_g)     (Add of two Muls, either order)
//   h' = σ(z_o)·tanh(c')
//
// The gates are told apart by structure, not by name or position: i is the
// sigmoid multiplied with the only tanh of a piece, f the sigmoid multiplied
// with the old state, o the one multiplied with tanh(c'). So Keras's i, f, c,
// o order and tf.nn's i, j, f, o both match, and the fused kernel gets its
// columns (and bias, with a constant added to a piece before its sigmoid,
// tf.nn's forget_bias, folded in) in the order i, f, g, o.
//
// Refused (the ops stay): any other activation (Keras hard_sigmoid, relu...),
// peepholes (σ(f + w·c)), cell clipping (tanh reads a clipped c'), Keras
// implementation 1 (one MatMul per gate), a piece or intermediate read
// outside the cell. h' and c' may be read anywhere: the fused node takes h''s
// name (output 0) and c' becomes Identity(fused:1).
// Only with PassContext::runtime_fusions (TensorFlow has no such op).
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"
#include "freeze/rnn_match.h"

namespace frost {

namespace {

using rnn::CellGraph;
using rnn::is_op;

struct Piece {
  Node* act = nullptr;  // Sigmoid or Tanh
  Node* add = nullptr;  // the Add of a constant before it, if any
  double offset = 0;
};

// The activation reading split output `k` (through an Add of a scalar constant).
bool read_piece(const CellGraph& cg, const Node& split, int k, Piece& p, rnn::ConstantFrame& frame) {
  Node* r = cg.sole_reader(split.name, k);
  if (is_op(r, {"Add", "AddV2"}) && r->num_data_inputs() == 2) {
    const int other = rnn::reads(*r, 0, split, k) ? 1 : 0;
    const std::optional<double> v = cg.scalar(r->inputs[static_cast<size_t>(other)], frame);
    if (!v) return false;
    p.add = r;
    p.offset = *v;
    r = cg.sole_reader(r->name);
  }
  if (!is_op(r, {"Sigmoid", "Tanh"}) || r->attr_type_or("T", DType::Float) != DType::Float) return false;
  p.act = r;
  return true;
}

// The split's four pieces and their gate math; fuses and returns true on a match.
bool fuse_at(Graph& g, const PassContext& ctx, Node& split) {
  CellGraph cg(g, ctx);
  int value_input = 1;
  if (split.op == "Split") {
    if (split.attr_int_or("num_split", 0) != 4 || split.num_data_inputs() != 2) return false;
  } else if (split.op == "SplitV") {
    if (split.attr_int_or("num_split", 0) != 4 || split.num_data_inputs() != 3) return false;
    value_input = 0;
  } else {
    return false;
  }
  rnn::ConstantFrame frame;
  const std::optional<Tensor> axis = cg.constant(split.inputs[value_input == 1 ? 0 : 2], frame);
  if (!axis || axis->num_elements() != 1 || (axis->as_double(0) != 1 && axis->as_double(0) != -1)) return false;
  Piece pieces[4];
  for (int k = 0; k < 4; ++k)
    if (!read_piece(cg, split, k, pieces[k], frame)) return false;
  int tanh_piece = -1, sigmoids = 0;
  for (int k = 0; k < 4; ++k) {
    if (pieces[k].act->op == "Tanh") tanh_piece = k;
    else ++sigmoids;
  }
  if (tanh_piece < 0 || sigmoids != 3) return false;
  auto piece_of = [&](const Node* n) {
    for (int k = 0; k < 4; ++k)
      if (pieces[k].act == n) return k;
    return -1;
  };
  // i·g
  Node* ig = cg.sole_reader(pieces[tanh_piece].act->name);
  if (!is_op(ig, {"Mul"}) || ig->num_data_inputs() != 2) return false;
  Node* other = nullptr;
  Node* sig_i = rnn::either(cg.input_node(*ig, 0), cg.input_node(*ig, 1),
                            [&](Node* n) { return n != pieces[tanh_piece].act && piece_of(n) >= 0; }, &other);
  if (!sig_i || other != pieces[tanh_piece].act) return false;
  // c' = f·c + i·g
  Node* c_new = cg.sole_reader(ig->name);
  if (!is_op(c_new, {"Add", "AddV2"}) || c_new->num_data_inputs() != 2) return false;
  Node* fc = nullptr;
  if (!rnn::either(cg.input_node(*c_new, 0), cg.input_node(*c_new, 1), [&](Node* n) { return n == ig; }, &fc) ||
      !is_op(fc, {"Mul"}) || fc->num_data_inputs() != 2 || cg.sole_reader(fc->name) != c_new)
    return false;
  int f_slot = -1;
  for (int s = 0; s < 2; ++s) {
    const int k = piece_of(cg.input_node(*fc, s));
    if (k >= 0 && k != tanh_piece && pieces[k].act != sig_i && TensorId::parse(fc->inputs[static_cast<size_t>(s)]).index == 0)
      f_slot = s;
  }
  if (f_slot < 0) return false;
  Node* sig_f = cg.input_node(*fc, f_slot);
  const std::string c_prev = fc->inputs[static_cast<size_t>(1 - f_slot)];
  // h' = o·tanh(c')
  Node* sig_o = nullptr;
  for (int k = 0; k < 4; ++k)
    if (k != tanh_piece && pieces[k].act != sig_i && pieces[k].act != sig_f) sig_o = pieces[k].act;
  Node* h_new = cg.sole_reader(sig_o->name);
  if (!is_op(h_new, {"Mul"}) || h_new->num_data_inputs() != 2) return false;
  Node* tanh_c = nullptr;
  if (!rnn::either(cg.input_node(*h_new, 0), cg.input_node(*h_new, 1), [&](Node* n) { return n == sig_o; }, &tanh_c) ||
      !is_op(tanh_c, {"Tanh"}) || !rnn::reads(*tanh_c, 0, *c_new) || cg.sole_reader(tanh_c->name) != h_new)
    return false;
  if (TensorId::parse(ig->inputs[0]).index != 0 || TensorId::parse(ig->inputs[1]).index != 0) return false;

  // z
  const std::optional<rnn::Affine> z = rnn::match_affine(cg, split.inputs[static_cast<size_t>(value_input)]);
  if (!z || z->b.empty() || cg.sole_reader(z->top) != &split) return false;
  const int64_t gates = z->w.shape()[1];
  if (gates % 4 != 0) return false;
  const int64_t H = gates / 4;
  if (split.op == "SplitV") {
    const std::optional<Tensor> sizes = cg.constant(split.inputs[1], frame);
    if (!sizes || sizes->num_elements() != 4) return false;
    for (int k = 0; k < 4; ++k)
      if (sizes->as_int64(k) != H && sizes->as_int64(k) != -1) return false;
  }
  // The cell's nodes: every one but h' and c' must be read only inside it.
  std::set<std::string> cell = z->nodes;
  for (const Node* n : std::initializer_list<const Node*>{&split, ig, c_new, fc, h_new, tanh_c}) cell.insert(n->name);
  for (const Piece& p : pieces) {
    cell.insert(p.act->name);
    if (p.add) cell.insert(p.add->name);
  }
  for (const std::string& n : cell)
    if (n != h_new->name && n != c_new->name && !cg.used_only_by(n, cell)) return false;
  if (c_prev == h_new->name || cell.count(TensorId::parse(c_prev).node)) return false;
  rnn::ConstantFrame weights = z->frame;
  weights.merge(frame);
  if (weights.conflict) return false;

  // Columns and bias in the order i, f, g, o.
  const int order[4] = {piece_of(sig_i), piece_of(sig_f), tanh_piece, piece_of(sig_o)};
  std::vector<Tensor> w_parts, b_parts;
  for (const int k : order) {
    w_parts.push_back(rnn::columns(z->w, k * H, H));
    Tensor b = rnn::slice_vector(z->bias, k * H, H);
    for (int64_t j = 0; j < H; ++j) b.data<float>()[j] += static_cast<float>(pieces[k].offset);
    b_parts.push_back(b);
  }
  const std::vector<std::string> controls = rnn::outside_controls(g, cell);
  Node fused;
  fused.name = h_new->name;
  fused.op = "_FrostLSTMCell";
  fused.device = h_new->device;
  fused.attrs["T"] = DType::Float;
  const std::string x = z->a, h = z->b, c_name = c_new->name;
  const std::string w = rnn::add_constant(g, fused.name + "/kernel", rnn::hstack(w_parts), weights);
  const std::string b = rnn::add_constant(g, fused.name + "/bias", rnn::concat_vectors(b_parts), weights);
  fused.inputs = {x, h, c_prev, w, b};
  add_control_inputs(fused, controls);
  const std::string h_name = fused.name;
  cell.erase(h_name);
  cell.erase(c_name);
  g.at(h_name) = std::move(fused);
  become_identity(g.at(c_name), h_name + ":1");
  g.remove(std::vector<std::string>(cell.begin(), cell.end()));
  return true;
}

}  // namespace

PassStats fuse_lstm_cells(Graph& g, const PassContext& ctx) {
  PassStats stats;
  if (!ctx.runtime_fusions) return stats;
  std::vector<std::string> names;
  for (const Node* n : g.nodes())
    if (n->op == "Split" || n->op == "SplitV") names.push_back(n->name);
  for (const std::string& name : names) {
    Node* split = g.find(name);
    if (split && fuse_at(g, ctx, *split)) stats.add("lstm_cells");
  }
  return stats;
}

}  // namespace frost
