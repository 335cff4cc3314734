#include "graph/value_flow.h"

#include <unordered_set>

#include "graph/control_flow.h"

namespace frost {

bool varies_between_runs(const std::string& op) {
  static const std::unordered_set<std::string> ops = {
      "Placeholder", "PlaceholderWithDefault",
      // control flow (beside is_control_flow's): values depend on which branch runs
      "LoopCond", "ControlTrigger",
      // state and side effects
      "VariableV2", "Variable", "VarHandleOp", "ReadVariableOp", "Assign", "AssignAdd", "AssignSub",
      "AssignVariableOp", "Print", "PrintV2", "Assert", "CheckNumerics"};
  return ops.count(op) != 0 || is_control_flow(op) || op.find("Random") != std::string::npos ||
         op.find("Stateful") != std::string::npos || op == "TruncatedNormal" || op == "Multinomial" ||
         op.rfind("Stateless", 0) == 0;
}

bool reads_shape_only(const std::string& op) {
  return op == "Shape" || op == "ShapeN" || op == "Rank" || op == "Size";
}

bool is_weight(const Graph& g, const std::string& node) {
  const Node* n = g.find(node);
  for (int hops = 0; n && (n->op == "Identity" || n->op == "ReadVariableOp") && n->num_data_inputs() == 1 && hops < 4;
       ++hops)
    n = g.find(n->input(0).node);
  if (!n || n->op != "Const" || !n->has_attr("value") || !n->attr("value").is<Tensor>()) return false;
  const Tensor& t = n->attr_tensor("value");
  return t.num_elements() > 1 && (t.dtype() == DType::Float || t.dtype() == DType::Double || t.dtype() == DType::Half);
}

ValueFlow::ValueFlow(const Graph& g) : g_(g) {
  for (const Node* n : g.nodes())
    for (int i = 0; i < n->num_data_inputs(); ++i) {
      const TensorId in = n->input(i);
      readers_[in.node].emplace_back(n, in.index);
    }
}

std::vector<const Node*> ValueFlow::readers(const TensorId& t) const {
  std::vector<const Node*> out;
  const auto it = readers_.find(t.node);
  if (it == readers_.end()) return out;
  for (const auto& [reader, index] : it->second)
    if (index == t.index && (out.empty() || out.back() != reader)) out.push_back(reader);
  return out;
}

std::set<std::string> ValueFlow::reach(const TensorId& t) const {
  std::set<std::string> reached;
  std::vector<const Node*> stack;
  for (const Node* r : readers(t))
    if (!reads_shape_only(r->op)) stack.push_back(r);
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (!reached.insert(n->name).second) continue;
    const auto it = readers_.find(n->name);
    if (it == readers_.end()) continue;
    for (const auto& [reader, index] : it->second)
      if (!reads_shape_only(reader->op) && !reached.count(reader->name)) stack.push_back(reader);
  }
  return reached;
}

std::set<std::string> ValueFlow::ancestors(const std::string& node) const {
  std::set<std::string> seen;
  std::vector<std::string> stack{node};
  while (!stack.empty()) {
    const Node* n = g_.find(stack.back());
    stack.pop_back();
    if (!n) continue;
    for (int i = 0; i < n->num_data_inputs(); ++i) {
      const std::string in = n->input(i).node;
      if (seen.insert(in).second) stack.push_back(in);
    }
  }
  seen.erase(node);
  return seen;
}

}  // namespace frost
