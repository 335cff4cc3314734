// Rule: one LSTM time step, as Keras (LSTMCell, implementation 2),
// tf.nn.rnn_cell.LSTMCell / BasicLSTMCell and tf.contrib.rnn freeze it,
// unrolled or in a while-loop body, becomes one _FrostLSTMCell
// (runtime/ops/rnn_cell_ops.h):
//
//   z = [x | h]·W + b   (match_affine: MatMul of a ConcatV2, or two MatMuls added; bias)
//   z0..z3 = Split(z, 4, axis -1), or four StridedSlices of consecutive column
//            ranges z[:, :H], z[:, H:2H], ... (Keras's LSTMCell in TF 2's v1 graphs)
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
// The gates' σ is Sigmoid, or Keras's hard_sigmoid as TF1 Keras freezes it
// (rnn::gate_at), the same for all three.
//
// Keras's implementation 1 (tf.keras 1.x's default: one MatMul per gate and
// side on column slices of the weights) is matched from c' (fuse_per_gate_at).
//
// Refused (the ops stay): any other activation (relu, mixed gate kinds...),
// peepholes (σ(f + w·c)), cell clipping (tanh reads a clipped c'), slices
// that skip or overlap columns, a piece or intermediate read outside the
// cell. h' and c' may be read anywhere: the fused node takes h''s name
// (output 0) and c' becomes Identity(fused:1).
// Only with PassContext::runtime_fusions (TensorFlow has no such op).
#include <algorithm>

#include "freeze/passes.h"
#include "freeze/rewrite_util.h"
#include "freeze/rnn_match.h"

namespace frost {

namespace {

using rnn::CellGraph;
using rnn::is_op;

struct Piece {
  Node* act = nullptr;  // Tanh, or the gate activation's output node (Sigmoid, hard_sigmoid's last clamp)
  Node* add = nullptr;  // the Add of a constant before it, if any
  double offset = 0;
  rnn::Gate gate;       // a gate's activation (not the Tanh piece's)
};

// z cut into its four gate pieces along the last axis: by a Split or SplitV,
// or by four StridedSlices of consecutive column ranges.
struct Cut {
  std::string z;                                    // the tensor cut
  std::vector<Node*> nodes;                         // the Split, or the slices in column order
  std::vector<std::pair<Node*, int>> pieces;        // piece k: node and output
  std::vector<std::pair<int64_t, int64_t>> ranges;  // slices: [begin, end) columns, end -1 to the last
  Node* split_v = nullptr;                          // its sizes are checked once H is known
  // Whether the pieces are H columns each, in order.
  bool even(const CellGraph& cg, int64_t H, rnn::ConstantFrame& frame) const {
    for (size_t k = 0; k < ranges.size(); ++k) {
      const auto [b, e] = ranges[k];
      const auto kk = static_cast<int64_t>(k);
      if (b != kk * H || (e != (kk + 1) * H && !(k == 3 && e == -1))) return false;
    }
    if (!split_v) return true;
    const std::optional<Tensor> sizes = cg.constant(split_v->inputs[1], frame);
    if (!sizes || sizes->num_elements() != 4) return false;
    for (int k = 0; k < 4; ++k)
      if (sizes->as_int64(k) != H && sizes->as_int64(k) != -1) return false;
    return true;
  }
};

std::optional<Cut> split_cut(const CellGraph& cg, Node& split, rnn::ConstantFrame& frame) {
  int value_input = 1;
  if (split.op == "Split") {
    if (split.attr_int_or("num_split", 0) != 4 || split.num_data_inputs() != 2) return std::nullopt;
  } else if (split.op == "SplitV") {
    if (split.attr_int_or("num_split", 0) != 4 || split.num_data_inputs() != 3) return std::nullopt;
    value_input = 0;
  } else {
    return std::nullopt;
  }
  const std::optional<Tensor> axis = cg.constant(split.inputs[value_input == 1 ? 0 : 2], frame);
  if (!axis || axis->num_elements() != 1 || (axis->as_double(0) != 1 && axis->as_double(0) != -1))
    return std::nullopt;
  Cut cut;
  cut.z = split.inputs[static_cast<size_t>(value_input)];
  cut.nodes = {&split};
  for (int k = 0; k < 4; ++k) cut.pieces.emplace_back(&split, k);
  if (split.op == "SplitV") cut.split_v = &split;
  return cut;
}

// Columns [begin, end) (end -1: to the last) of whole rows of a rank-2 value:
// z[:, begin:end] as a StridedSlice with constant bounds and unit strides.
bool column_slice(const CellGraph& cg, const Node& s, int64_t& begin, int64_t& end, rnn::ConstantFrame& frame) {
  if (s.op != "StridedSlice" || s.num_data_inputs() != 4 || s.attr_int_or("ellipsis_mask", 0) != 0 ||
      s.attr_int_or("new_axis_mask", 0) != 0 || s.attr_int_or("shrink_axis_mask", 0) != 0)
    return false;
  const std::optional<Tensor> b = cg.constant(s.inputs[1], frame), e = cg.constant(s.inputs[2], frame),
                              st = cg.constant(s.inputs[3], frame);
  if (!b || !e || !st || b->num_elements() != 2 || e->num_elements() != 2 || st->num_elements() != 2) return false;
  if (st->as_int64(0) != 1 || st->as_int64(1) != 1) return false;
  const int64_t begin_mask = s.attr_int_or("begin_mask", 0), end_mask = s.attr_int_or("end_mask", 0);
  if (!((begin_mask & 1) || b->as_int64(0) == 0) || !(end_mask & 1)) return false;  // all rows
  begin = (begin_mask & 2) ? 0 : b->as_int64(1);
  end = (end_mask & 2) ? -1 : e->as_int64(1);
  return begin >= 0 && (end == -1 || end > begin);
}

// The four column slices of z that `first` (the one starting at column 0) belongs to.
std::optional<Cut> slice_cut(const CellGraph& cg, Node& first, rnn::ConstantFrame& frame) {
  int64_t b = 0, e = 0;
  if (!column_slice(cg, first, b, e, frame) || b != 0) return std::nullopt;
  const TensorId z = first.input(0);
  std::vector<Node*> readers = cg.readers(z.node, z.index);
  if (readers.size() != 4) return std::nullopt;
  Cut cut;
  cut.z = first.inputs[0];
  std::vector<std::pair<std::pair<int64_t, int64_t>, Node*>> slices;
  for (Node* r : readers) {
    if (r->inputs[0] != first.inputs[0] || !column_slice(cg, *r, b, e, frame)) return std::nullopt;
    slices.push_back({{b, e}, r});
  }
  std::sort(slices.begin(), slices.end(), [](const auto& x, const auto& y) { return x.first.first < y.first.first; });
  for (const auto& [range, node] : slices) {
    cut.ranges.push_back(range);
    cut.nodes.push_back(node);
    cut.pieces.emplace_back(node, 0);
  }
  return cut;
}

// The activation reading piece `k` (through an Add of a scalar constant).
bool read_piece(const CellGraph& cg, const std::pair<Node*, int>& piece, Piece& p, rnn::ConstantFrame& frame) {
  const Node& src = *piece.first;
  const int k = piece.second;
  Node* r = cg.sole_reader(src.name, k);
  if (is_op(r, {"Add", "AddV2"}) && r->num_data_inputs() == 2) {
    const int other = rnn::reads(*r, 0, src, k) ? 1 : 0;
    const std::optional<double> v = cg.scalar(r->inputs[static_cast<size_t>(other)], frame);
    if (!v) return false;
    p.add = r;
    p.offset = *v;
    r = cg.sole_reader(r->name);
  }
  if (!r || r->attr_type_or("T", DType::Float) != DType::Float) return false;
  if (r->op == "Tanh") {
    p.act = r;
    return true;
  }
  // A gate: Sigmoid, or hard_sigmoid's Mul, Add and two clamps, each the previous one's sole reader.
  Node* top = r;
  if (r->op == "Mul")
    for (int i = 0; i < 3 && top; ++i) top = cg.sole_reader(top->name);
  if (!top) return false;
  std::optional<rnn::Gate> gate = rnn::gate_at(cg, top->name, frame);
  const TensorId pre = gate ? TensorId::parse(gate->pre) : TensorId{};
  const std::string& from = p.add ? p.add->name : src.name;
  if (!gate || pre.node != from || pre.index != (p.add ? 0 : k) || pre.control) return false;
  p.act = top;
  p.gate = std::move(*gate);
  return true;
}

// The inputs the fused cell reads besides its weights: x, h and c.
struct CellInputs {
  std::string x, h, c_prev;
};

// Replaces a matched cell by one _FrostLSTMCell named as h' (its
// output 0); c' becomes an Identity of output 1, so readers of either keep
// their names. The packed kernel ([x; h] rows × i, f, g, o columns) and bias
// become constants in the weights' loop frame; every other node of `cell`
// goes, its control inputs from outside moving to the fused node.
void replace_with_fused_cell(Graph& g, std::set<std::string> cell, const rnn::Gate& gate, const CellInputs& in,
                             const std::string& h_name, const std::string& c_name, const Tensor& kernel,
                             const Tensor& bias, const rnn::ConstantFrame& frame) {
  const std::vector<std::string> controls = rnn::outside_controls(g, cell);
  Node fused;
  fused.name = h_name;
  fused.op = "_FrostLSTMCell";
  fused.device = g.at(h_name).device;
  fused.attrs["T"] = DType::Float;
  rnn::set_gate_attrs(fused, gate);
  const std::string w = rnn::add_constant(g, h_name + "/kernel", kernel, frame);
  const std::string b = rnn::add_constant(g, h_name + "/bias", bias, frame);
  fused.inputs = {in.x, in.h, in.c_prev, w, b};
  add_control_inputs(fused, controls);
  cell.erase(h_name);
  cell.erase(c_name);
  g.at(h_name) = std::move(fused);
  become_identity(g.at(c_name), h_name + ":1");
  g.remove(std::vector<std::string>(cell.begin(), cell.end()));
}

// The cut's four pieces and their gate math; fuses and returns true on a match.
bool fuse_at(Graph& g, const PassContext& ctx, Node& cut_node) {
  if (cut_node.op == "StridedSlice") {
    // Most slices are not of gate pre-activations: look before indexing the graph.
    const Node* z = cut_node.inputs.empty() ? nullptr : g.find(cut_node.input(0).node);
    if (!is_op(z, {"BiasAdd", "Add", "AddV2", "MatMul", "_FusedMatMul"})) return false;
  }
  CellGraph cg(g, ctx);
  rnn::ConstantFrame frame;
  const std::optional<Cut> cut =
      cut_node.op == "StridedSlice" ? slice_cut(cg, cut_node, frame) : split_cut(cg, cut_node, frame);
  if (!cut) return false;
  Piece pieces[4];
  for (int k = 0; k < 4; ++k)
    if (!read_piece(cg, cut->pieces[static_cast<size_t>(k)], pieces[k], frame)) return false;
  int tanh_piece = -1, sigmoids = 0;
  for (int k = 0; k < 4; ++k) {
    if (pieces[k].act->op == "Tanh") tanh_piece = k;
    else ++sigmoids;
  }
  if (tanh_piece < 0 || sigmoids != 3) return false;
  const rnn::Gate* gate = nullptr;  // the three gates' activation, alike
  for (int k = 0; k < 4; ++k) {
    if (k == tanh_piece) continue;
    if (gate && !pieces[k].gate.same_kind(*gate)) return false;
    gate = &pieces[k].gate;
  }
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
  const std::optional<rnn::Affine> z = rnn::match_affine(cg, cut->z);
  if (!z || z->b.empty()) return false;
  const int64_t gates = z->w.shape()[1];
  if (gates % 4 != 0) return false;
  const int64_t H = gates / 4;
  if (!cut->even(cg, H, frame)) return false;
  // The cell's nodes: every one but h' and c' must be read only inside it.
  std::set<std::string> cell = z->nodes;
  for (const Node* n : cut->nodes) cell.insert(n->name);
  if (!cg.used_only_by(z->top, cell)) return false;
  for (const Node* n : std::initializer_list<const Node*>{ig, c_new, fc, h_new, tanh_c}) cell.insert(n->name);
  for (const Piece& p : pieces) {
    cell.insert(p.act->name);
    for (const Node* n : p.gate.nodes) cell.insert(n->name);
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
  replace_with_fused_cell(g, cell, *gate, {z->a, z->b, c_prev}, h_new->name, c_new->name, rnn::hstack(w_parts),
                          rnn::concat_vectors(b_parts), weights);
  return true;
}

// Keras's LSTMCell, implementation 1 (tf.keras 1.x's default): each gate's
// pre-activation is x̃_k + h̃_k, one MatMul (+ BiasAdd) per gate and side on
// column slices of the weights, anchored at c' = f·c + i·g. The fused kernel
// stacks each side's four column blocks in the order i, f, g, o; the biases
// of both sides add up.
bool fuse_per_gate_at(Graph& g, const PassContext& ctx, Node& c_new) {
  if (!is_op(&c_new, {"Add", "AddV2"}) || c_new.num_data_inputs() != 2) return false;
  for (int s = 0; s < 2; ++s) {
    const Node* in = g.find(c_new.input(s).node);
    if (!is_op(in, {"Mul"})) return false;
  }
  CellGraph cg(g, ctx);
  rnn::ConstantFrame frame;
  auto same = [](const std::string& x, const std::string& y) {
    const TensorId a = TensorId::parse(x), b = TensorId::parse(y);
    return a.node == b.node && a.index == b.index && !a.control && !b.control;
  };
  // An affine function of one input.
  auto piece = [&](const std::string& t) -> std::optional<rnn::Affine> {
    std::optional<rnn::Affine> a = rnn::match_affine(cg, t);
    if (!a || !a->b.empty()) return std::nullopt;
    return a;
  };
  // pre = Add(P, Q): the two pieces, P on input `first` when given.
  struct Pre {
    Node* add = nullptr;
    rnn::Affine p, q;
  };
  auto pre_of = [&](const std::string& t, const std::string& first) -> std::optional<Pre> {
    Node* add = cg.producer(t);
    if (!is_op(add, {"Add", "AddV2"}) || add->num_data_inputs() != 2 || TensorId::parse(t).index != 0)
      return std::nullopt;
    std::optional<rnn::Affine> p = piece(add->inputs[0]), q = piece(add->inputs[1]);
    if (!p || !q || same(p->a, q->a)) return std::nullopt;
    if (!first.empty() && same(q->a, first)) std::swap(p, q);
    if (!first.empty() && !same(p->a, first)) return std::nullopt;
    return Pre{add, *p, *q};
  };
  // c' = f·c + i·g: ig holds the Tanh, fc the old state.
  Node* ig = nullptr;
  Node* fc = nullptr;
  Node* g_tanh = nullptr;
  std::optional<rnn::Gate> gi, gf;
  std::string c_prev;
  for (int s = 0; s < 2 && !ig; ++s) {
    Node* m = cg.input_node(c_new, s);
    Node* other = cg.input_node(c_new, 1 - s);
    if (m == other || m->num_data_inputs() != 2 || other->num_data_inputs() != 2) return false;
    for (int t = 0; t < 2; ++t) {
      Node* tanh = cg.input_node(*m, t);
      if (!is_op(tanh, {"Tanh"}) || TensorId::parse(m->inputs[static_cast<size_t>(t)]).index != 0) continue;
      gi = rnn::gate_at(cg, m->inputs[static_cast<size_t>(1 - t)], frame);
      if (!gi) continue;
      ig = m;
      fc = other;
      g_tanh = tanh;
    }
  }
  if (!ig) return false;
  for (int t = 0; t < 2 && !gf; ++t) {
    gf = rnn::gate_at(cg, fc->inputs[static_cast<size_t>(t)], frame);
    if (gf) c_prev = fc->inputs[static_cast<size_t>(1 - t)];
  }
  if (!gf) return false;
  // h' = o·tanh(c').
  Node* h_new = nullptr;
  Node* tanh_c = nullptr;
  std::optional<rnn::Gate> go;
  for (Node* r : cg.readers(c_new.name, 0)) {
    if (!is_op(r, {"Tanh"}) || h_new) continue;
    Node* m = cg.sole_reader(r->name);
    if (!is_op(m, {"Mul"}) || m->num_data_inputs() != 2) continue;
    for (int t = 0; t < 2; ++t)
      if (rnn::reads(*m, t, *r)) {
        go = rnn::gate_at(cg, m->inputs[static_cast<size_t>(1 - t)], frame);
        if (go) {
          h_new = m;
          tanh_c = r;
        }
      }
  }
  if (!h_new || !gi->same_kind(*gf) || !gi->same_kind(*go)) return false;
  // The four pre-activations over the same two inputs.
  std::optional<Pre> pi = pre_of(gi->pre, "");
  if (!pi) return false;
  const std::string a = pi->p.a;
  std::optional<Pre> pf = pre_of(gf->pre, a), pg = pre_of(g_tanh->inputs[0], a), po = pre_of(go->pre, a);
  if (!pf || !pg || !po) return false;
  const Pre* pres[4] = {&*pi, &*pf, &*pg, &*po};
  const int64_t I = pi->p.w.shape()[0], J = pi->q.w.shape()[0], H = pi->p.w.shape()[1];
  for (const Pre* pr : pres)
    if (!same(pr->q.a, pi->q.a) || pr->p.w.shape() != Shape{I, H} || pr->q.w.shape() != Shape{J, H}) return false;

  std::set<std::string> cell;
  for (const Pre* pr : pres) {
    cell.insert(pr->add->name);
    cell.insert(pr->p.nodes.begin(), pr->p.nodes.end());
    cell.insert(pr->q.nodes.begin(), pr->q.nodes.end());
    frame.merge(pr->p.frame);
    frame.merge(pr->q.frame);
  }
  for (const rnn::Gate* gate : {&*gi, &*gf, &*go})
    for (const Node* n : gate->nodes) cell.insert(n->name);
  for (const Node* n : std::initializer_list<const Node*>{g_tanh, ig, fc, &c_new, tanh_c, h_new}) cell.insert(n->name);
  for (const std::string& n : cell)
    if (n != h_new->name && n != c_new.name && !cg.used_only_by(n, cell)) return false;
  for (const std::string& t : {a, pi->q.a, c_prev})
    if (cell.count(TensorId::parse(t).node)) return false;
  if (frame.conflict) return false;

  std::vector<Tensor> wp, wq, b;
  for (const Pre* pr : pres) {
    wp.push_back(pr->p.w);
    wq.push_back(pr->q.w);
    b.push_back(rnn::add_vectors(pr->p.bias, pr->q.bias));
  }
  replace_with_fused_cell(g, cell, *gi, {a, pi->q.a, c_prev}, h_new->name, c_new.name,
                          rnn::vstack({rnn::hstack(wp), rnn::hstack(wq)}), rnn::concat_vectors(b), frame);
  return true;
}

}  // namespace

PassStats fuse_lstm_cells(Graph& g, const PassContext& ctx) {
  PassStats stats;
  if (!ctx.runtime_fusions) return stats;
  std::vector<std::string> names;
  for (const Node* n : g.nodes())
    if (n->op == "Split" || n->op == "SplitV" || n->op == "StridedSlice") names.push_back(n->name);
  for (const std::string& name : names) {
    Node* cut = g.find(name);
    if (cut && fuse_at(g, ctx, *cut)) stats.add("lstm_cells");
  }
  names.clear();
  for (const Node* n : g.nodes())
    if (n->op == "Add" || n->op == "AddV2") names.push_back(n->name);
  for (const std::string& name : names) {
    Node* c_new = g.find(name);
    if (c_new && fuse_per_gate_at(g, ctx, *c_new)) stats.add("lstm_cells");
  }
  return stats;
}

}  // namespace frost
