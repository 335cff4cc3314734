#include "freeze/rewrite_util.h"

#include <algorithm>
#include <map>
#include <set>

namespace frost {

std::unordered_map<std::string, std::vector<Node*>> consumer_map(Graph& g, bool data_only) {
  std::unordered_map<std::string, std::vector<Node*>> out;
  for (Node* n : g.nodes())
    for (const std::string& in : n->inputs) {
      const TensorId id = TensorId::parse(in);
      if (data_only && id.control) continue;
      auto& list = out[id.node];
      if (list.empty() || list.back() != n) list.push_back(n);
    }
  return out;
}

int data_edge_count(const Graph& g, const std::string& node) {
  int count = 0;
  for (const Node* n : g.nodes())
    for (const std::string& in : n->inputs) {
      if (in.empty() || in[0] == '^') continue;
      if (TensorId::parse(in).node == node) ++count;
    }
  return count;
}

bool has_control_consumers(const Graph& g, const std::string& node) {
  const std::string control = "^" + node;
  for (const Node* n : g.nodes())
    if (std::find(n->inputs.begin(), n->inputs.end(), control) != n->inputs.end()) return true;
  return false;
}

bool single_use(const Graph& g, const PassContext& ctx, const std::string& node) {
  return !ctx.kept(node) && data_edge_count(g, node) == 1 && !has_control_consumers(g, node);
}

int replace_tensor_uses(Graph& g, const TensorId& from, const std::string& to) {
  int changed = 0;
  for (Node* n : g.nodes())
    for (std::string& in : n->inputs) {
      if (in.empty() || in[0] == '^') continue;
      const TensorId id = TensorId::parse(in);
      if (id.node == from.node && id.index == from.index) {
        in = to;
        ++changed;
      }
    }
  return changed;
}

void replace_control_uses(Graph& g, const std::string& from, const std::string& to) {
  const std::string old_ref = "^" + from;
  const std::string new_ref = to.empty() ? std::string() : "^" + to;
  for (Node* n : g.nodes()) {
    auto it = std::find(n->inputs.begin(), n->inputs.end(), old_ref);
    if (it == n->inputs.end()) continue;
    n->inputs.erase(it);
    if (new_ref.empty() || to == n->name) continue;
    if (std::find(n->inputs.begin(), n->inputs.end(), new_ref) == n->inputs.end()) n->inputs.push_back(new_ref);
  }
}

const Tensor* const_value(const Graph& g, const std::string& tensor_name) {
  const TensorId id = TensorId::parse(tensor_name);
  if (id.control || id.index != 0) return nullptr;
  const Node* p = g.find(id.node);
  if (!p || p->op != "Const" || !p->has_attr("value")) return nullptr;
  if (!p->attr("value").is<Tensor>()) return nullptr;
  return &p->attr("value").tensor();
}

const Tensor* const_input(const Graph& g, const Node& n, int i) {
  if (i < 0 || i >= n.num_data_inputs()) return nullptr;
  return const_value(g, n.inputs[static_cast<size_t>(i)]);
}

Node make_const(const std::string& name, const Tensor& value) {
  Node n;
  n.name = name;
  n.op = "Const";
  n.attrs["dtype"] = value.dtype();
  n.attrs["value"] = value;
  return n;
}

std::string unique_name(const Graph& g, const std::string& base) {
  if (!g.find(base)) return base;
  for (int i = 1;; ++i) {
    std::string name = base + "_" + std::to_string(i);
    if (!g.find(name)) return name;
  }
}

std::vector<std::string> control_inputs(const Node& n) {
  std::vector<std::string> out;
  for (const std::string& in : n.inputs)
    if (!in.empty() && in[0] == '^') out.push_back(in);
  return out;
}

void add_control_inputs(Node& n, const std::vector<std::string>& controls) {
  for (const std::string& c : controls) {
    if (c == "^" + n.name) continue;
    if (std::find(n.inputs.begin(), n.inputs.end(), c) == n.inputs.end()) n.inputs.push_back(c);
  }
}

bool is_uniform(const Tensor& t, double* value) {
  if (!(dtype_is_float(t.dtype()) || dtype_is_integer(t.dtype()) || t.dtype() == DType::Bool) ||
      t.num_elements() == 0)
    return false;
  const double first = t.as_double(0);
  for (int64_t i = 1; i < t.num_elements(); ++i)
    if (t.as_double(i) != first) return false;
  *value = first;
  return true;
}

std::set<std::string> PassContext::keep() const {
  std::set<std::string> names;
  for (const TensorId& t : outputs) names.insert(t.node);
  for (const TensorId& t : inputs) names.insert(t.node);
  return names;
}

bool PassContext::kept(const std::string& node) const {
  for (const TensorId& t : outputs)
    if (t.node == node) return true;
  for (const TensorId& t : inputs)
    if (t.node == node) return true;
  return false;
}

std::string PassStats::to_string() const {
  if (counts.empty()) return "-";
  std::string s;
  for (const auto& [k, v] : counts) s += (s.empty() ? "" : " ") + k + "=" + std::to_string(v);
  return s;
}

}  // namespace frost

namespace frost {
void become_identity(Node& n, const std::string& input) {
  const DType t = n.attr_type_or("T", DType::Float);
  std::vector<std::string> controls = control_inputs(n);
  n.op = "Identity";
  n.inputs = {input};
  n.attrs = {{"T", t}};
  add_control_inputs(n, controls);
}
void set_tensorflow_fused_attrs(Node& fused, int64_t num_args) {
  // Attr names of TensorFlow's op definitions (tensorflow/core/ops/nn_ops.cc, math_ops.cc).
  static const std::map<std::string, std::set<std::string>> allowed = {
      {"_FusedConv2D",
       {"T", "TArgs", "num_args", "num_host_args", "strides", "padding", "explicit_paddings", "data_format",
        "filter_format", "dilations", "use_cudnn_on_gpu", "fused_ops", "epsilon", "leakyrelu_alpha"}},
      {"_FusedDepthwiseConv2dNative",
       {"T", "num_args", "strides", "padding", "data_format", "dilations", "fused_ops", "epsilon", "leakyrelu_alpha"}},
      {"_FusedMatMul", {"transpose_a", "transpose_b", "T", "num_args", "fused_ops", "epsilon", "leakyrelu_alpha"}},
  };
  const std::set<std::string>& keep = allowed.at(fused.op);
  std::erase_if(fused.attrs, [&](const auto& kv) { return !keep.count(kv.first); });
  fused.attrs["num_args"] = num_args;
  if (fused.op == "_FusedConv2D") {
    fused.attrs["TArgs"] = std::vector<DType>(static_cast<size_t>(num_args), fused.attr_type_or("T", DType::Float));
    fused.attrs["num_host_args"] = int64_t{0};
  }
}

}  // namespace frost
