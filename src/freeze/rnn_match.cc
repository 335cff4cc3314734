#include "freeze/rnn_match.h"

#include <algorithm>

#include "freeze/passes.h"
#include "freeze/rewrite_util.h"
#include "graph/control_flow.h"

namespace frost::rnn {

void ConstantFrame::merge(const ConstantFrame& o) {
  conflict = conflict || o.conflict;
  if (o.enter) {
    if (enter && enter->attr_string_or("frame_name", "") != o.enter->attr_string_or("frame_name", ""))
      conflict = true;
    if (!enter) enter = o.enter;
  }
  controls.insert(o.controls.begin(), o.controls.end());
}

CellGraph::CellGraph(Graph& g, const PassContext& ctx) : g_(g), ctx_(ctx) {
  for (Node* n : g.nodes())
    for (int i = 0; i < static_cast<int>(n->inputs.size()); ++i) {
      const TensorId id = TensorId::parse(n->inputs[static_cast<size_t>(i)]);
      if (id.control)
        control_read_.insert(id.node);
      else
        readers_[id.node].emplace_back(n, id.index);
    }
}

Node* CellGraph::producer(const std::string& tensor) const {
  const TensorId id = TensorId::parse(tensor);
  return id.control ? nullptr : g_.find(id.node);
}

std::vector<Node*> CellGraph::readers(const std::string& node, int index) const {
  std::vector<Node*> out;
  const auto it = readers_.find(node);
  if (it == readers_.end()) return out;
  for (const auto& [consumer, i] : it->second)
    if (i == index) out.push_back(consumer);
  return out;
}

bool CellGraph::used_only_by(const std::string& node, const std::set<std::string>& inside) const {
  if (ctx_.kept(node) || control_read_.count(node)) return false;
  const auto it = readers_.find(node);
  if (it == readers_.end()) return true;
  for (const auto& [consumer, i] : it->second)
    if (!inside.count(consumer->name)) return false;
  return true;
}

Node* CellGraph::sole_reader(const std::string& node, int index) const {
  if (ctx_.kept(node) || control_read_.count(node)) return nullptr;
  const std::vector<Node*> r = readers(node, index);
  return r.size() == 1 ? r[0] : nullptr;
}

std::optional<Tensor> CellGraph::constant(const std::string& tensor, ConstantFrame& frame, int depth) const {
  const Node* n = producer(tensor);
  if (!n || depth > 8) return std::nullopt;
  const TensorId id = TensorId::parse(tensor);
  if (n->op == "Const") {
    if (id.index != 0 || !n->has_attr("value")) return std::nullopt;
    for (const std::string& c : control_inputs(*n)) frame.controls.insert(c);
    return n->attr_tensor("value");
  }
  if (control_flow_kind(n->op) == ControlFlow::kEnter) {
    if (!n->attr_bool_or("is_constant", false) || n->num_data_inputs() != 1) return std::nullopt;
    ConstantFrame outer;
    std::optional<Tensor> v = constant(n->inputs[0], outer, depth + 1);
    if (!v || outer.enter || !outer.controls.empty()) return std::nullopt;  // one loop level only
    ConstantFrame here;
    here.enter = n;
    frame.merge(here);
    return v;
  }
  if (is_identity_like(n->op) && n->op != "NoOp") {
    if (n->num_data_inputs() < 1) return std::nullopt;
    return constant(n->inputs[static_cast<size_t>(id.index)], frame, depth + 1);
  }
  if (control_flow_kind(n->op) == ControlFlow::kSwitch && id.index == 1) return invariant(*n, frame, depth);
  if (is_control_flow(n->op) || n->op == "Placeholder" || n->op == "PlaceholderWithDefault" ||
      n->op.find("Random") != std::string::npos || n->op.find("Variable") != std::string::npos ||
      n->op.starts_with("TensorArray"))
    return std::nullopt;
  std::vector<Tensor> inputs;
  for (int i = 0; i < n->num_data_inputs(); ++i) {
    std::optional<Tensor> v = constant(n->inputs[static_cast<size_t>(i)], frame, depth + 1);
    if (!v) return std::nullopt;
    inputs.push_back(*v);
  }
  if (inputs.empty()) return std::nullopt;
  const std::vector<Tensor> out = evaluate_node(*n, inputs);
  if (id.index >= static_cast<int>(out.size())) return std::nullopt;
  return out[static_cast<size_t>(id.index)];
}

// A loop variable the body passes on unchanged, as TF 2's lowered while
// loops carry the weights a body captured: `sw` = Switch(Merge(Enter(v),
// NextIteration(w))) where w is sw:1 again through Identities. Every
// iteration sees v, as if it came in through a constant Enter.
std::optional<Tensor> CellGraph::invariant(const Node& sw, ConstantFrame& frame, int depth) const {
  const Node* merge = sw.num_data_inputs() == 2 ? input_node(sw, 0) : nullptr;
  if (!merge || control_flow_kind(merge->op) != ControlFlow::kMerge || merge->num_data_inputs() != 2) return std::nullopt;
  const Node* enter = nullptr;
  const Node* next = nullptr;
  for (int i = 0; i < 2; ++i) {
    const Node* in = input_node(*merge, i);
    if (!in) return std::nullopt;
    if (control_flow_kind(in->op) == ControlFlow::kEnter) enter = in;
    if (control_flow_kind(in->op) == ControlFlow::kNextIteration) next = in;
  }
  if (!enter || !next || enter->num_data_inputs() != 1 || next->num_data_inputs() != 1) return std::nullopt;
  // w: through Identities back to sw:1.
  TensorId w = next->input(0);
  for (int hops = 0; hops < 8 && w.node != sw.name; ++hops) {
    const Node* id_node = g_.find(w.node);
    if (!id_node || id_node->op != "Identity" || id_node->num_data_inputs() != 1 || w.index != 0) return std::nullopt;
    w = id_node->input(0);
  }
  if (w.node != sw.name || w.index != 1) return std::nullopt;
  ConstantFrame outer;
  std::optional<Tensor> v = constant(enter->inputs[0], outer, depth + 1);
  if (!v || outer.enter || !outer.controls.empty()) return std::nullopt;  // one loop level only
  ConstantFrame here;
  here.enter = enter;
  frame.merge(here);
  return v;
}

std::optional<double> CellGraph::scalar(const std::string& tensor, ConstantFrame& frame) const {
  const std::optional<Tensor> v = constant(tensor, frame);
  if (!v || v->dtype() != DType::Float || v->num_elements() != 1) return std::nullopt;
  return v->as_double(0);
}

bool is_op(const Node* n, std::initializer_list<const char*> ops) {
  if (!n) return false;
  for (const char* op : ops)
    if (n->op == op) return true;
  return false;
}

bool reads(const Node& n, int i, const Node& producer, int index) {
  if (i >= n.num_data_inputs()) return false;
  const TensorId id = n.input(i);
  return id.node == producer.name && id.index == index;
}

std::string add_constant(Graph& g, const std::string& base, const Tensor& value, const ConstantFrame& frame) {
  Node c = make_const(unique_name(g, base), value);
  for (const std::string& control : frame.controls)
    if (!frame.enter) c.inputs.push_back(control);
  const std::string const_name = c.name;
  g.add(std::move(c));
  if (!frame.enter) return const_name;
  Node e;
  e.name = unique_name(g, const_name + "/Enter");
  e.op = frame.enter->op;
  e.device = frame.enter->device;
  e.inputs = {const_name};
  e.attrs = frame.enter->attrs;
  e.attrs["T"] = value.dtype();
  e.attrs["is_constant"] = true;
  const std::string enter_name = e.name;
  g.add(std::move(e));
  return enter_name;
}

// A float scalar constant's value; `frame` learns where it lives only when it is one.
namespace {

std::optional<double> scalar_of(const CellGraph& cg, const std::string& tensor, ConstantFrame& frame) {
  ConstantFrame probe;
  const std::optional<double> v = cg.scalar(tensor, probe);
  if (v) frame.merge(probe);
  return v;
}

}  // namespace

// The gate whose output is `tensor`: Sigmoid(pre), or
// Maximum(Minimum(Add(Mul(pre, slope), offset), 1), 0) with the clamps in
// either order and each binary op's operands in either order.
std::optional<Gate> gate_at(const CellGraph& cg, const std::string& tensor, ConstantFrame& frame) {
  Node* top = cg.producer(tensor);
  if (!top || TensorId::parse(tensor).index != 0 || top->attr_type_or("T", DType::Float) != DType::Float)
    return std::nullopt;
  Gate g;
  if (is_op(top, {"Sigmoid"}) && top->num_data_inputs() == 1) {
    g.nodes = {top};
    g.pre = top->inputs[0];
    return g;
  }
  ConstantFrame consts;
  Node* value = top;
  bool clamped[2] = {false, false};  // below by 0 (Maximum), above by 1 (Minimum)
  for (int level = 0; level < 2; ++level) {
    if (!is_op(value, {"Maximum", "Minimum"}) || value->num_data_inputs() != 2) return std::nullopt;
    const int which = value->op == "Maximum" ? 0 : 1;
    int bound = -1;
    for (int s = 0; s < 2; ++s) {
      const std::optional<double> v = scalar_of(cg, value->inputs[static_cast<size_t>(s)], consts);
      if (v && *v == static_cast<double>(which)) bound = s;
    }
    if (bound < 0 || clamped[which]) return std::nullopt;
    clamped[which] = true;
    g.nodes.push_back(value);
    value = cg.input_node(*value, 1 - bound);
  }
  if (!is_op(value, {"Add", "AddV2"}) || value->num_data_inputs() != 2) return std::nullopt;
  for (int s = 0; s < 2; ++s) {
    const std::optional<double> offset = scalar_of(cg, value->inputs[static_cast<size_t>(s)], consts);
    Node* mul = cg.input_node(*value, 1 - s);
    if (!offset || !is_op(mul, {"Mul"}) || mul->num_data_inputs() != 2) continue;
    for (int t = 0; t < 2; ++t) {
      const std::optional<double> slope = scalar_of(cg, mul->inputs[static_cast<size_t>(t)], consts);
      if (!slope || !(*slope > 0.0)) continue;
      g.hard = true;
      g.slope = *slope;
      g.offset = *offset;
      g.nodes.push_back(value);
      g.nodes.push_back(mul);
      g.pre = mul->inputs[static_cast<size_t>(1 - t)];
      frame.merge(consts);
      return g;
    }
  }
  return std::nullopt;
}

void set_gate_attrs(Node& fused, const Gate& gate) {
  if (!gate.hard) return;
  fused.attrs["gate_activation"] = "hard_sigmoid";
  fused.attrs["gate_slope"] = static_cast<float>(gate.slope);
  fused.attrs["gate_offset"] = static_cast<float>(gate.offset);
}

std::vector<std::string> outside_controls(const Graph& g, const std::set<std::string>& nodes) {
  std::vector<std::string> out;
  for (const std::string& name : nodes) {
    const Node* n = g.find(name);
    if (!n) continue;
    for (const std::string& c : control_inputs(*n))
      if (!nodes.count(c.substr(1)) && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  }
  return out;
}

}  // namespace frost::rnn

namespace frost::rnn {

namespace {

bool float_matrix(const Tensor& t) { return t.dtype() == DType::Float && t.rank() == 2; }

Tensor transposed(const Tensor& m) {
  const int64_t r = m.shape()[0], c = m.shape()[1];
  Tensor t(DType::Float, Shape{c, r});
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j) t.data<float>()[j * r + i] = m.data<float>()[i * c + j];
  return t;
}

// MatMul(a, W) with a constant W (transposed when transpose_b), float, not transpose_a.
std::optional<Tensor> matmul_weight(const CellGraph& cg, const Node& mm, ConstantFrame& frame) {
  if (mm.op != "MatMul" || mm.num_data_inputs() != 2 || mm.attr_bool_or("transpose_a", false) ||
      mm.attr_type_or("T", DType::Float) != DType::Float)
    return std::nullopt;
  std::optional<Tensor> w = cg.constant(mm.inputs[1], frame);
  if (!w || !float_matrix(*w)) return std::nullopt;
  return mm.attr_bool_or("transpose_b", false) ? transposed(*w) : *w;
}

// The linear part (no bias) of an Affine at node `x`; fills a, b, w, nodes.
bool match_linear(const CellGraph& cg, Node* x, Affine& out) {
  if (!x) return false;
  if (x->op == "MatMul") {
    std::optional<Tensor> w = matmul_weight(cg, *x, out.frame);
    if (!w) return false;
    out.w = *w;
    out.nodes.insert(x->name);
    Node* concat = cg.input_node(*x, 0);
    ConstantFrame ignored;
    if (is_op(concat, {"ConcatV2"}) && concat->num_data_inputs() == 3 && cg.sole_reader(concat->name) == x) {
      const std::optional<double> axis = [&]() -> std::optional<double> {
        const std::optional<Tensor> a = cg.constant(concat->inputs[2], ignored);
        if (!a || a->num_elements() != 1) return std::nullopt;
        return a->as_double(0);
      }();
      if (axis && (*axis == 1 || *axis == -1)) {
        out.a = concat->inputs[0];
        out.b = concat->inputs[1];
        out.nodes.insert(concat->name);
        return true;
      }
    }
    out.a = x->inputs[0];
    return true;
  }
  if (is_op(x, {"Add", "AddV2"}) && x->num_data_inputs() == 2) {
    Node* m0 = cg.input_node(*x, 0);
    Node* m1 = cg.input_node(*x, 1);
    if (!is_op(m0, {"MatMul"}) || !is_op(m1, {"MatMul"}) || m0 == m1 || cg.sole_reader(m0->name) != x ||
        cg.sole_reader(m1->name) != x)
      return false;
    std::optional<Tensor> w0 = matmul_weight(cg, *m0, out.frame), w1 = matmul_weight(cg, *m1, out.frame);
    if (!w0 || !w1 || w0->shape()[1] != w1->shape()[1]) return false;
    out.a = m0->inputs[0];
    out.b = m1->inputs[0];
    out.w = vstack({*w0, *w1});
    out.nodes.insert({x->name, m0->name, m1->name});
    return true;
  }
  return false;
}

}  // namespace

std::optional<Affine> match_affine(const CellGraph& cg, const std::string& tensor) {
  Node* top = cg.producer(tensor);
  if (!top || TensorId::parse(tensor).index != 0) return std::nullopt;
  Affine out;
  out.top = top->name;
  std::optional<Tensor> bias;
  Node* linear = top;
  if (top->op == "_FusedMatMul") {
    const std::vector<std::string> fused =
        top->has_attr("fused_ops") ? top->attr("fused_ops").list_s() : std::vector<std::string>{};
    if (fused != std::vector<std::string>{"BiasAdd"} || top->num_data_inputs() != 3) return std::nullopt;
    Node plain = *top;  // read as MatMul + BiasAdd
    plain.op = "MatMul";
    plain.inputs.resize(2);
    std::optional<Tensor> w = matmul_weight(cg, plain, out.frame);
    bias = cg.constant(top->inputs[2], out.frame);
    if (!w) return std::nullopt;
    out.w = *w;
    out.a = top->inputs[0];
    out.nodes.insert(top->name);
    linear = nullptr;
  } else if (is_op(top, {"BiasAdd", "Add", "AddV2"}) && top->num_data_inputs() == 2) {
    if (top->op == "BiasAdd" && top->attr_string_or("data_format", "NHWC") != "NHWC") return std::nullopt;
    ConstantFrame frame;
    bias = cg.constant(top->inputs[1], frame);
    if (bias && bias->rank() == 1) {
      out.frame.merge(frame);
      out.nodes.insert(top->name);
      linear = cg.input_node(*top, 0);
      if (!linear || cg.sole_reader(linear->name) != top) return std::nullopt;
    } else {
      bias.reset();  // Add(MatMul, MatMul): no bias
    }
  }
  if (linear && !match_linear(cg, linear, out)) return std::nullopt;
  if (!float_matrix(out.w) || out.frame.conflict) return std::nullopt;
  const int64_t g = out.w.shape()[1];
  if (bias) {
    if (bias->dtype() != DType::Float || bias->rank() != 1 || bias->shape()[0] != g) return std::nullopt;
    out.bias = *bias;
  } else {
    out.bias = zeros(0, g);
  }
  return out;
}

Tensor columns(const Tensor& m, int64_t begin, int64_t count) {
  const int64_t r = m.shape()[0], c = m.shape()[1];
  Tensor t(DType::Float, Shape{r, count});
  for (int64_t i = 0; i < r; ++i)
    std::copy_n(m.data<float>() + i * c + begin, count, t.data<float>() + i * count);
  return t;
}

Tensor rows(const Tensor& m, int64_t begin, int64_t count) {
  const int64_t c = m.shape()[1];
  Tensor t(DType::Float, Shape{count, c});
  std::copy_n(m.data<float>() + begin * c, count * c, t.data<float>());
  return t;
}

Tensor hstack(const std::vector<Tensor>& parts) {
  const int64_t r = parts.at(0).shape()[0];
  int64_t c = 0;
  for (const Tensor& p : parts) c += p.shape()[1];
  Tensor t(DType::Float, Shape{r, c});
  int64_t at = 0;
  for (const Tensor& p : parts) {
    const int64_t pc = p.shape()[1];
    for (int64_t i = 0; i < r; ++i) std::copy_n(p.data<float>() + i * pc, pc, t.data<float>() + i * c + at);
    at += pc;
  }
  return t;
}

Tensor vstack(const std::vector<Tensor>& parts) {
  const int64_t c = parts.at(0).shape()[1];
  int64_t r = 0;
  for (const Tensor& p : parts) r += p.shape()[0];
  Tensor t(DType::Float, Shape{r, c});
  int64_t at = 0;
  for (const Tensor& p : parts) {
    std::copy_n(p.data<float>(), p.num_elements(), t.data<float>() + at);
    at += p.num_elements();
  }
  return t;
}

Tensor zeros(int64_t rows, int64_t cols) {
  Tensor t(DType::Float, rows == 0 ? Shape{cols} : Shape{rows, cols});
  std::fill_n(t.data<float>(), t.num_elements(), 0.0f);
  return t;
}

Tensor slice_vector(const Tensor& v, int64_t begin, int64_t count) {
  Tensor t(DType::Float, Shape{count});
  std::copy_n(v.data<float>() + begin, count, t.data<float>());
  return t;
}

Tensor concat_vectors(const std::vector<Tensor>& parts) {
  int64_t n = 0;
  for (const Tensor& p : parts) n += p.num_elements();
  Tensor t(DType::Float, Shape{n});
  int64_t at = 0;
  for (const Tensor& p : parts) {
    std::copy_n(p.data<float>(), p.num_elements(), t.data<float>() + at);
    at += p.num_elements();
  }
  return t;
}

Tensor add_vectors(const Tensor& a, const Tensor& b) {
  Tensor t(DType::Float, a.shape());
  for (int64_t i = 0; i < a.num_elements(); ++i) t.data<float>()[i] = a.data<float>()[i] + b.data<float>()[i];
  return t;
}

}  // namespace frost::rnn
