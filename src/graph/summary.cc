#include "graph/summary.h"

#include <algorithm>

namespace frost {

namespace {

bool is_variable_op(const std::string& op) {
  return op == "VariableV2" || op == "Variable" || op == "VarHandleOp" || op == "ReadVariableOp" ||
         op == "AutoReloadVariable";
}

struct LeftoverRule {
  const char* kind;
  const char* hint;
  bool (*matches)(const Node&, const GraphSummary&);
};

const LeftoverRule kRules[] = {
    {"variables", "not frozen: `frost freeze --graph G --checkpoint PREFIX -o frozen.pb` turns them into constants",
     [](const Node& n, const GraphSummary&) { return is_variable_op(n.op); }},
    {"assign/initialiser/saver nodes", "training machinery: `frost freeze` removes it when pruning to the outputs",
     [](const Node& n, const GraphSummary&) {
       return n.op.rfind("Assign", 0) == 0 || n.op == "SaveV2" || n.op == "RestoreV2" || n.op == "Save" ||
              n.op == "Restore" || n.op == "IsVariableInitialized" || n.op == "VarIsInitializedOp";
     }},
    {"gradient/optimizer ops", "training only: pruned away by `frost freeze` or `frost optimize`",
     [](const Node& n, const GraphSummary&) {
       return n.op.find("Grad") != std::string::npos || n.op.rfind("Apply", 0) == 0 ||
              n.op.rfind("ResourceApply", 0) == 0;
     }},
    {"Switch/Merge conditionals", "learning-phase or dropout cond: `frost freeze`/`frost optimize` resolve them by constant propagation",
     [](const Node& n, const GraphSummary& s) { return !s.has_while_loops && (n.op == "Switch" || n.op == "Merge"); }},
    {"random dropout masks", "dropout active at inference: `frost optimize` removes it",
     [](const Node& n, const GraphSummary&) {
       return n.op == "RandomUniform" || n.op == "RandomUniformInt" || n.op == "RandomStandardNormal";
     }},
    {"Keras learning phase", "set it to inference: `frost freeze --set keras_learning_phase=false`",
     [](const Node& n, const GraphSummary&) {
       return n.name.find("keras_learning_phase") != std::string::npos &&
              (n.op == "Placeholder" || n.op == "PlaceholderWithDefault");
     }},
};

}  // namespace

GraphSummary summarize_graph(const Graph& g) {
  GraphSummary s;
  s.node_count = g.size();
  s.producer = g.versions.producer;
  const GraphSignature sig = detect_signature(g);
  s.inputs = sig.inputs;
  s.unused_placeholders = sig.unused_placeholders;
  s.unused_inputs = sig.unused_inputs;
  s.loss_heads = sig.loss_heads;

  std::map<std::string, int> histogram;
  for (const Node* n : g.nodes()) {
    ++histogram[n->op];
    if (is_variable_op(n->op)) s.frozen = false;
    if (n->op == "LoopCond" || n->op == "Enter") s.has_while_loops = true;
    if (n->op == "Const" && n->has_attr("value") && n->attr("value").is<Tensor>()) {
      const Tensor& t = n->attr_tensor("value");
      ParameterCount& p = s.parameters[t.dtype()];
      p.elements += t.num_elements();
      p.bytes += static_cast<int64_t>(t.byte_size());
    }
  }
  s.op_histogram.assign(histogram.begin(), histogram.end());
  std::stable_sort(s.op_histogram.begin(), s.op_histogram.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });

  for (const LeftoverRule& rule : kRules) {
    Leftover l{rule.kind, 0, "", rule.hint};
    for (const Node* n : g.nodes())
      if (rule.matches(*n, s) && l.count++ == 0) l.example = n->name;
    if (l.count) s.leftovers.push_back(l);
  }

  std::map<TensorId, InferredTensor> shapes;
  try {
    shapes = infer_shapes(g);
  } catch (const Error&) {
    // A graph that cannot be ordered (a cycle) still gets a summary; validation reports the cycle.
  }
  for (const GraphOutput& o : sig.outputs) {
    const auto it = shapes.find(TensorId::parse(o.name));
    s.outputs.push_back({o, it == shapes.end() ? InferredTensor{} : it->second});
  }
  return s;
}

}  // namespace frost
