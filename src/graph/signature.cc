#include "graph/signature.h"

#include <algorithm>
#include <set>
#include <unordered_map>

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
  std::set<std::string> used;
  for (const Node* n : g.nodes()) {
    if (is_training_node(*n)) continue;
    for (const std::string& in : n->inputs) used.insert(TensorId::parse(in).node);
  }
  std::vector<GraphOutput> outputs;
  for (const Node* n : g.nodes()) {
    if (used.count(n->name)) continue;
    if (n->op == "Const" || n->op == "NoOp" || is_placeholder(*n) || is_training_node(*n)) continue;
    std::string reason = "consumed by no other node";
    if (n->op == "Softmax" || n->op == "Sigmoid") reason += "; a " + n->op + " (class scores)";
    else if (n->op == "Identity" && n->num_data_inputs() == 1)
      reason += "; Identity of '" + n->inputs[0] + "'";
    outputs.push_back({n->name, reason});
  }
  return outputs;
}

}  // namespace frost
