#include "graph/signature.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "graph/control_flow.h"
#include "graph/topology.h"

namespace frost {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

bool is_placeholder(const Node& n) { return n.op == "Placeholder" || n.op == "PlaceholderWithDefault"; }

// Name scopes that Keras, tf.train and tf.summary give to training-only nodes.
bool in_training_scope(const std::string& name) {
  static const char* const scopes[] = {"gradients", "training", "Adam", "SGD", "RMSprop", "Adagrad",
                                       "Momentum", "GradientDescent", "save", "init", "loss", "metrics",
                                       "report_uninitialized", "summaries", "global_step", "beta1_power",
                                       "beta2_power", "optimizer", "Assign"};
  for (const char* scope : scopes) {
    const std::string s(scope);
    if (starts_with(name, s) && (name.size() == s.size() || name[s.size()] == '/' || name[s.size()] == '_'))
      return true;
    if (contains(name, "/" + s + "/")) return true;
  }
  return false;
}

// Ops that write a variable: a value only they read was computed for training
// (initialisers, moving-average updates), not as a result.
bool writes_variable(const Node& n) {
  return starts_with(n.op, "Assign") || starts_with(n.op, "Apply") || starts_with(n.op, "ResourceApply") ||
         starts_with(n.op, "ScatterUpdate") || starts_with(n.op, "ResourceScatter");
}

// The pivot of a TF1 cond: Identity of Switch(pred, pred) ("cond/switch_t"),
// read by the branches through control edges only.
bool is_cond_pivot(const Graph& g, const Node& n) {
  if (n.op != "Identity" || n.num_data_inputs() != 1) return false;
  const Node* sw = g.find(n.input(0).node);
  return sw && control_flow_kind(sw->op) == ControlFlow::kSwitch && sw->num_data_inputs() == 2 &&
         sw->input(0).node == sw->input(1).node && sw->input(0).index == sw->input(1).index;
}

// Nodes whose values a placeholder's values reach through data edges: only
// those compute something from what a user feeds (not initialisers, step
// counters, or shape arithmetic: Shape/Rank/Size read no values).
std::set<std::string> computed_from_placeholders(const Graph& g) {
  std::unordered_map<std::string, std::vector<const Node*>> data_consumers;
  for (const Node* n : g.nodes())
    for (int i = 0; i < n->num_data_inputs(); ++i) data_consumers[n->input(i).node].push_back(n);
  std::set<std::string> reached;
  // Required inputs (Placeholder) are the data; a PlaceholderWithDefault is an
  // optional knob (the Keras learning phase, whose cond pred_id would
  // otherwise look like a result) and counts only when there is nothing else.
  std::vector<const Node*> stack;
  for (const Node* n : g.nodes())
    if (n->op == "Placeholder") stack.push_back(n);
  if (stack.empty())
    for (const Node* n : g.nodes())
      if (is_placeholder(*n)) stack.push_back(n);
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (!reached.insert(n->name).second) continue;
    for (const Node* c : data_consumers[n->name])
      if (c->op != "Shape" && c->op != "ShapeN" && c->op != "Rank" && c->op != "Size") stack.push_back(c);
  }
  return reached;
}

}  // namespace

bool is_training_node(const Node& n) {
  const std::string& op = n.op;
  static const std::set<std::string> ops = {
      "Assign", "AssignAdd", "AssignSub", "AssignVariableOp", "AssignAddVariableOp", "AssignSubVariableOp",
      "SaveV2", "RestoreV2", "Save", "Restore", "RestoreSlice", "MergeV2Checkpoints", "ShardedFilename",
      "StringJoin", "IsVariableInitialized", "VarIsInitializedOp", "ScalarSummary", "HistogramSummary",
      "MergeSummary", "ImageSummary", "TensorSummary", "TensorSummaryV2", "ReportUninitializedVariables",
      "Variable", "VariableV2", "VarHandleOp", "TruncatedNormal", "RandomStandardNormal"};
  return ops.count(op) || starts_with(op, "Apply") || starts_with(op, "ResourceApply") ||
         contains(op, "Grad") || in_training_scope(n.name);
}

std::vector<GraphInput> detect_inputs(const Graph& g) {
  const auto users = consumers_of(g);
  std::vector<GraphInput> inputs;
  for (const Node* n : g.nodes()) {
    if (!is_placeholder(*n) || !users.count(n->name)) continue;
    // Fed only to training machinery (Keras weight-setting placeholders,
    // loss targets, the saver's filename): not an inference input.
    const auto& readers = users.at(n->name);
    if (std::all_of(readers.begin(), readers.end(), [](const Node* r) { return is_training_node(*r); })) continue;
    GraphInput in;
    in.name = n->name;
    in.has_default = n->op == "PlaceholderWithDefault";
    in.dtype = n->has_attr("dtype") ? dtype_base(static_cast<int>(n->attr_type("dtype"))) : DType::Invalid;
    if (n->has_attr("shape")) in.shape = n->attr("shape").shape();
    inputs.push_back(in);
  }
  return inputs;
}

std::vector<std::string> unused_placeholders(const Graph& g) {
  const auto users = consumers_of(g);
  std::vector<std::string> out;
  for (const Node* n : g.nodes())
    if (is_placeholder(*n) && !users.count(n->name)) out.push_back(n->name);
  return out;
}

std::vector<GraphOutput> detect_outputs(const Graph& g) {
  // Consumers that are themselves training machinery (a gradient reading the
  // Softmax) do not make a node an intermediate.
  std::set<std::string> used, written;  // written: read by a variable update
  for (const Node* n : g.nodes()) {
    if (writes_variable(*n))
      for (const std::string& in : n->inputs) written.insert(TensorId::parse(in).node);
    if (is_training_node(*n)) continue;
    // Only data edges read a value: a control edge (Keras's predict/group_deps
    // NoOp) does not make its source an intermediate.
    for (int i = 0; i < n->num_data_inputs(); ++i) used.insert(n->input(i).node);
  }
  // Without placeholders (a graph fed at intermediate tensors) every node counts.
  const std::set<std::string> computed = computed_from_placeholders(g);
  const bool has_placeholders = !computed.empty();
  std::vector<GraphOutput> outputs;
  for (const Node* n : g.nodes()) {
    if (used.count(n->name) || written.count(n->name)) continue;
    if (n->op == "Const" || n->op == "NoOp" || is_placeholder(*n) || is_training_node(*n)) continue;
    if ((has_placeholders && !computed.count(n->name)) || is_cond_pivot(g, *n)) continue;
    std::string reason = "consumed by no other node";
    if (n->op == "Softmax" || n->op == "Sigmoid") reason += "; a " + n->op + " (class scores)";
    else if (n->op == "Identity" && n->num_data_inputs() == 1)
      reason += "; Identity of '" + n->inputs[0] + "'";
    outputs.push_back({n->name, reason});
  }
  return outputs;
}

}  // namespace frost
