// Rule: one GRU time step, as Keras (GRUCell, implementation 2, reset_after
// true or false) and tf.nn.rnn_cell.GRUCell / tf.contrib.rnn freeze it,
// unrolled or in a while-loop body, becomes one _FrostGRUCell
// (runtime/ops/rnn_cell_ops.h). Every form ends in
//
//   h' = u·h + (1 − u)·tanh(n)        (Add of two Muls, operands in either order)
//
// and differs in how u (update), r (reset) and n come about:
//   Keras:  x̃ = x·Wx + bx, h̃ = h·Wh + bh, each Split in 3 (h̃ in 2 before reset)
//           u = σ(x̃_u + h̃_u), r = σ(x̃_r + h̃_r)
//           after reset:  n = x̃_n + r·h̃_n
//           before reset: n = x̃_n + (r·h)·Wn
//   tf.nn:  u, r = Split(σ([x | h]·Wg + bg)) (r first), n = [x | r·h]·Wc + bc
// The pieces are told apart by structure (which one feeds u, which r), not
// by name or split position. The fused kernel gets [x | h] rows and the
// columns u, r, x̃_n, h̃_n (after reset) or u, r, n with the state's rows of n
// zero and Wn as candidate_kernel (before reset); the input and recurrent
// biases of u and r add up.
//
// Refused (the ops stay): other activations (Keras hard_sigmoid in TF1 graphs,
// captcha_cnn's GRU), Keras implementation 1 (one MatMul per gate), a piece
// read outside the cell. h' may be read anywhere (the fused node takes its
// name). Only with PassContext::runtime_fusions.
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"
#include "freeze/rnn_match.h"

namespace frost {

namespace {

using rnn::Affine;
using rnn::CellGraph;
using rnn::is_op;

bool same_tensor(const std::string& a, const std::string& b) {
  const TensorId x = TensorId::parse(a), y = TensorId::parse(b);
  return x.node == y.node && x.index == y.index && !x.control && !y.control;
}

// The final h' = u·h + (1 − u)·tanh(n).
struct Output {
  Node* add = nullptr;
  Node* keep_mul = nullptr;  // u·h
  Node* new_mul = nullptr;   // (1 − u)·tanh(n)
  Node* one_minus = nullptr;
  Node* tanh = nullptr;
  std::string u, h;
};

bool match_output(const CellGraph& cg, Node* add, Output& o, rnn::ConstantFrame& frame) {
  if (!is_op(add, {"Add", "AddV2"}) || add->num_data_inputs() != 2 ||
      add->attr_type_or("T", DType::Float) != DType::Float)
    return false;
  for (int s = 0; s < 2; ++s) {
    Node* m = cg.input_node(*add, s);
    Node* keep = cg.input_node(*add, 1 - s);
    if (!is_op(m, {"Mul"}) || !is_op(keep, {"Mul"}) || m == keep || m->num_data_inputs() != 2 ||
        keep->num_data_inputs() != 2)
      continue;
    for (int t = 0; t < 2; ++t) {
      Node* sub = cg.input_node(*m, t);
      Node* tanh = cg.input_node(*m, 1 - t);
      if (!is_op(sub, {"Sub"}) || !is_op(tanh, {"Tanh"}) || sub->num_data_inputs() != 2) continue;
      const std::optional<double> one = cg.scalar(sub->inputs[0], frame);
      if (!one || *one != 1.0) continue;
      const std::string u = sub->inputs[1];
      int u_slot = -1;
      for (int k = 0; k < 2; ++k)
        if (same_tensor(keep->inputs[static_cast<size_t>(k)], u)) u_slot = k;
      if (u_slot < 0) continue;
      o = {add, keep, m, sub, tanh, u, keep->inputs[static_cast<size_t>(1 - u_slot)]};
      return true;
    }
  }
  return false;
}

// A Split (num_split n) of a rank-2 value along its last axis: its value input, or "".
std::string split_value(const CellGraph& cg, const Node* split, int n, rnn::ConstantFrame& frame) {
  if (!split) return "";
  int axis_input = 0, value_input = 1;
  if (split->op == "SplitV") {
    axis_input = 2;
    value_input = 0;
  } else if (split->op != "Split") {
    return "";
  }
  if (split->attr_int_or("num_split", 0) != n || split->num_data_inputs() != (split->op == "Split" ? 2 : 3)) return "";
  const std::optional<Tensor> axis = cg.constant(split->inputs[static_cast<size_t>(axis_input)], frame);
  if (!axis || axis->num_elements() != 1 || (axis->as_double(0) != 1 && axis->as_double(0) != -1)) return "";
  return split->inputs[static_cast<size_t>(value_input)];
}

// The Affine a split of 3 (or 2) pieces splits.
std::optional<Affine> split_affine(const CellGraph& cg, const Node* split, rnn::ConstantFrame& frame) {
  for (const int n : {3, 2}) {
    const std::string v = split_value(cg, split, n, frame);
    if (!v.empty()) return rnn::match_affine(cg, v);
  }
  return std::nullopt;
}

// Whether a SplitV's sizes are `n` equal pieces of `width` (one may be -1).
bool equal_sizes(const CellGraph& cg, const Node* split, int64_t width, rnn::ConstantFrame& frame) {
  if (split->op != "SplitV") return true;
  const std::optional<Tensor> sizes = cg.constant(split->inputs[1], frame);
  if (!sizes) return false;
  for (int64_t k = 0; k < sizes->num_elements(); ++k)
    if (sizes->as_int64(k) != width && sizes->as_int64(k) != -1) return false;
  return true;
}

// Sigmoid(Add(xs:i, hs:j)) for splits xs, hs: fills i and j.
bool gate_of(const CellGraph& cg, const std::string& tensor, const Node* xs, const Node* hs, int& i, int& j) {
  Node* sig = cg.producer(tensor);
  if (!is_op(sig, {"Sigmoid"}) || TensorId::parse(tensor).index != 0) return false;
  Node* add = cg.input_node(*sig, 0);
  if (!is_op(add, {"Add", "AddV2"}) || add->num_data_inputs() != 2) return false;
  for (int s = 0; s < 2; ++s) {
    const TensorId a = add->input(s), b = add->input(1 - s);
    if (a.node == xs->name && b.node == hs->name) {
      i = a.index;
      j = b.index;
      return true;
    }
  }
  return false;
}

struct Fused {
  std::string x, h;
  Tensor kernel, bias, candidate;  // candidate: before reset only
  bool reset_after = true;
  std::set<std::string> cell;
  rnn::ConstantFrame frame;
};

// Keras's GRUCell (implementation 2), either reset variant.
bool match_keras(const CellGraph& cg, const Output& o, Fused& f) {
  int xu = -1, hu = -1, xr = -1, hr = -1;
  Node* sig_u = cg.producer(o.u);
  Node* add_u = sig_u && sig_u->num_data_inputs() == 1 ? cg.input_node(*sig_u, 0) : nullptr;
  if (!is_op(add_u, {"Add", "AddV2"}) || add_u->num_data_inputs() != 2) return false;
  Node* xs = cg.input_node(*add_u, 0);
  Node* hs = cg.input_node(*add_u, 1);
  // The state's split is the one whose MatMul reads h (Keras splits h̃ in 3
  // either way; before reset its third piece is empty and unread).
  std::optional<Affine> xa = split_affine(cg, xs, f.frame), ha = split_affine(cg, hs, f.frame);
  if (!xa || !ha) return false;
  if (same_tensor(xa->a, o.h)) {
    std::swap(xs, hs);
    std::swap(xa, ha);
  }
  if (!xa->b.empty() || same_tensor(xa->a, o.h)) return false;
  if (!gate_of(cg, o.u, xs, hs, xu, hu)) return false;
  // n: Add(xs:n, Mul(r, hs:n)) after reset, Add(xs:n, MatMul(Mul(r, h), Wn)) before.
  Node* add_n = cg.input_node(*o.tanh, 0);
  if (!is_op(add_n, {"Add", "AddV2"}) || add_n->num_data_inputs() != 2) return false;
  int xn = -1;
  Node* rec = nullptr;
  for (int s = 0; s < 2; ++s)
    if (add_n->input(s).node == xs->name) {
      xn = add_n->input(s).index;
      rec = cg.input_node(*add_n, 1 - s);
    }
  if (xn < 0 || !rec) return false;
  const bool reset_after = is_op(rec, {"Mul"});
  if (!ha->b.empty() || !same_tensor(ha->a, o.h)) return false;
  const int64_t H = xa->w.shape()[1] / 3;
  if (xa->w.shape()[1] != 3 * H || ha->w.shape()[1] != (reset_after ? 3 : 2) * H || ha->w.shape()[0] != H ||
      !equal_sizes(cg, xs, H, f.frame) || !equal_sizes(cg, hs, H, f.frame))
    return false;
  std::string r_tensor;
  int hn = -1;
  std::optional<Affine> na;
  Node* rh = nullptr;
  if (reset_after) {
    if (rec->num_data_inputs() != 2) return false;
    for (int s = 0; s < 2; ++s)
      if (rec->input(s).node == hs->name) {
        hn = rec->input(s).index;
        r_tensor = rec->inputs[static_cast<size_t>(1 - s)];
      }
    if (hn < 0) return false;
  } else {
    na = rnn::match_affine(cg, add_n->inputs[add_n->input(0).node == xs->name ? 1 : 0]);
    if (!na || !na->b.empty() || na->w.shape() != Shape{H, H}) return false;
    rh = cg.producer(na->a);
    if (!is_op(rh, {"Mul"}) || rh->num_data_inputs() != 2) return false;
    for (int s = 0; s < 2; ++s)
      if (same_tensor(rh->inputs[static_cast<size_t>(s)], o.h)) r_tensor = rh->inputs[static_cast<size_t>(1 - s)];
    if (r_tensor.empty()) return false;
  }
  if (!gate_of(cg, r_tensor, xs, hs, xr, hr)) return false;
  // Each piece once: u, r, n of x̃; u, r (, n) of h̃.
  if (xu == xr || xu == xn || xr == xn || hu == hr || (reset_after && (hn == hu || hn == hr))) return false;

  Node* sig_r = cg.producer(r_tensor);
  f.cell = xa->nodes;
  f.cell.insert(ha->nodes.begin(), ha->nodes.end());
  for (const Node* n : std::initializer_list<const Node*>{xs, hs, sig_u, add_u, sig_r, cg.input_node(*sig_r, 0),
                                                           add_n, rec, o.tanh, o.one_minus, o.keep_mul, o.new_mul,
                                                           o.add})
    f.cell.insert(n->name);
  if (na) {
    f.cell.insert(na->nodes.begin(), na->nodes.end());
    f.cell.insert(rh->name);
  }
  f.frame.merge(xa->frame);
  f.frame.merge(ha->frame);
  const Tensor& wx = xa->w;
  const Tensor& wh = ha->w;
  const int64_t I = wx.shape()[0];
  auto xcol = [&](int k) { return rnn::columns(wx, k * H, H); };
  auto hcol = [&](int k) { return rnn::columns(wh, k * H, H); };
  auto xb = [&](int k) { return rnn::slice_vector(xa->bias, k * H, H); };
  auto hb = [&](int k) { return rnn::slice_vector(ha->bias, k * H, H); };
  if (reset_after) {
    f.kernel = rnn::vstack({rnn::hstack({xcol(xu), xcol(xr), xcol(xn), rnn::zeros(I, H)}),
                            rnn::hstack({hcol(hu), hcol(hr), rnn::zeros(H, H), hcol(hn)})});
    f.bias = rnn::concat_vectors({rnn::add_vectors(xb(xu), hb(hu)), rnn::add_vectors(xb(xr), hb(hr)), xb(xn), hb(hn)});
  } else {
    f.frame.merge(na->frame);
    f.kernel = rnn::vstack({rnn::hstack({xcol(xu), xcol(xr), xcol(xn)}),
                            rnn::hstack({hcol(hu), hcol(hr), rnn::zeros(H, H)})});
    f.bias = rnn::concat_vectors(
        {rnn::add_vectors(xb(xu), hb(hu)), rnn::add_vectors(xb(xr), hb(hr)), rnn::add_vectors(xb(xn), na->bias)});
    f.candidate = na->w;
  }
  f.reset_after = reset_after;
  f.x = xa->a;
  f.h = o.h;
  return true;
}

// tf.nn.rnn_cell.GRUCell / tf.contrib.rnn.GRUCell.
bool match_tf_nn(const CellGraph& cg, const Output& o, Fused& f) {
  Node* split = cg.producer(o.u);
  const std::string sv = split_value(cg, split, 2, f.frame);
  Node* sig = sv.empty() ? nullptr : cg.producer(sv);
  if (!is_op(sig, {"Sigmoid"}) || TensorId::parse(sv).index != 0) return false;
  const std::optional<Affine> ga = rnn::match_affine(cg, sig->inputs[0]);
  if (!ga || ga->b.empty() || !same_tensor(ga->b, o.h)) return false;
  const int ku = TensorId::parse(o.u).index, kr = 1 - ku;
  // r·h, then n = [x | r·h]·Wc + bc.
  const std::vector<Node*> r_readers = cg.readers(split->name, kr);
  if (r_readers.size() != 1 || !is_op(r_readers[0], {"Mul"}) || r_readers[0]->num_data_inputs() != 2) return false;
  Node* rh = r_readers[0];
  if (!same_tensor(rh->inputs[0], o.h) && !same_tensor(rh->inputs[1], o.h)) return false;
  const std::optional<Affine> na = rnn::match_affine(cg, o.tanh->inputs[0]);
  if (!na || !same_tensor(na->a, ga->a) || !same_tensor(na->b, rh->name)) return false;
  const int64_t H = ga->w.shape()[1] / 2, K = ga->w.shape()[0];
  if (ga->w.shape()[1] != 2 * H || na->w.shape() != Shape{K, H} || K <= H || !equal_sizes(cg, split, H, f.frame))
    return false;
  const int64_t I = K - H;
  f.cell = ga->nodes;
  f.cell.insert(na->nodes.begin(), na->nodes.end());
  for (const Node* n : std::initializer_list<const Node*>{split, sig, rh, o.tanh, o.one_minus, o.keep_mul, o.new_mul,
                                                           o.add})
    f.cell.insert(n->name);
  f.frame.merge(ga->frame);
  f.frame.merge(na->frame);
  f.kernel = rnn::hstack({rnn::columns(ga->w, ku * H, H), rnn::columns(ga->w, kr * H, H),
                          rnn::vstack({rnn::rows(na->w, 0, I), rnn::zeros(H, H)})});
  f.bias = rnn::concat_vectors(
      {rnn::slice_vector(ga->bias, ku * H, H), rnn::slice_vector(ga->bias, kr * H, H), na->bias});
  f.candidate = rnn::rows(na->w, I, H);
  f.reset_after = false;
  f.x = ga->a;
  f.h = o.h;
  return true;
}

bool fuse_at(Graph& g, const PassContext& ctx, const std::string& name) {
  CellGraph cg(g, ctx);
  Output o;
  Fused f;
  rnn::ConstantFrame frame;
  if (!match_output(cg, g.find(name), o, frame)) return false;
  if (!match_keras(cg, o, f)) {
    f = Fused{};
    if (!match_tf_nn(cg, o, f)) return false;
  }
  f.frame.merge(frame);
  for (const std::string& n : f.cell)
    if (n != o.add->name && !cg.used_only_by(n, f.cell)) return false;
  if (f.cell.count(TensorId::parse(f.h).node) || f.cell.count(TensorId::parse(f.x).node) || f.frame.conflict)
    return false;

  const std::vector<std::string> controls = rnn::outside_controls(g, f.cell);
  Node fused;
  fused.name = o.add->name;
  fused.op = "_FrostGRUCell";
  fused.device = o.add->device;
  fused.attrs["T"] = DType::Float;
  fused.attrs["reset_after"] = f.reset_after;
  fused.inputs = {f.x, f.h, rnn::add_constant(g, fused.name + "/kernel", f.kernel, f.frame),
                  rnn::add_constant(g, fused.name + "/bias", f.bias, f.frame)};
  if (!f.reset_after) fused.inputs.push_back(rnn::add_constant(g, fused.name + "/candidate_kernel", f.candidate, f.frame));
  add_control_inputs(fused, controls);
  const std::string out = fused.name;
  f.cell.erase(out);
  g.at(out) = std::move(fused);
  g.remove(std::vector<std::string>(f.cell.begin(), f.cell.end()));
  return true;
}

}  // namespace

PassStats fuse_gru_cells(Graph& g, const PassContext& ctx) {
  PassStats stats;
  if (!ctx.runtime_fusions) return stats;
  std::vector<std::string> names;
  for (const Node* n : g.nodes())
    if (n->op == "Add" || n->op == "AddV2") names.push_back(n->name);
  for (const std::string& name : names)
    if (g.find(name) && fuse_at(g, ctx, name)) stats.add("gru_cells");
  return stats;
}

}  // namespace frost
