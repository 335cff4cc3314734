#include "graph/signature.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "graph/control_flow.h"
#include "graph/input_pipeline.h"
#include "graph/loss_heads.h"
#include "graph/topology.h"
#include "graph/value_flow.h"

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

GraphInput placeholder_input(const Node& n) {
  GraphInput in;
  in.name = n.name;
  in.has_default = n.op == "PlaceholderWithDefault";
  in.dtype = n.has_attr("dtype") ? dtype_base(static_cast<int>(n.attr_type("dtype"))) : DType::Invalid;
  if (n.has_attr("shape") && n.attr("shape").is<PartialShape>()) in.shape = n.attr("shape").shape();
  return in;
}

GraphInput component_input(const PipelineComponent& c) {
  GraphInput in;
  in.name = c.tensor.to_string() == c.tensor.node ? c.tensor.node + ":0" : c.tensor.to_string();
  in.dtype = c.dtype;
  in.shape = c.shape;
  in.pipeline = c.reader_op + (c.source.empty() ? "" : " of '" + c.source + "'") + (c.note.empty() ? "" : "; " + c.note);
  return in;
}

// Placeholders some inference node consumes (not only training machinery:
// Keras weight-setting placeholders, the saver's filename).
bool read_for_inference(const Node& n, const std::unordered_map<std::string, std::vector<const Node*>>& users) {
  const auto it = users.find(n.name);
  if (it == users.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(), [](const Node* r) { return !is_training_node(*r); });
}

// Whether any of `nodes` is a weight (value_flow.h): a value computed
// without any is a transform of its input (a label's Cast or OneHot), not a
// model's prediction.
bool has_parameters(const Graph& g, const std::set<std::string>& nodes) {
  return std::any_of(nodes.begin(), nodes.end(), [&](const std::string& n) { return is_weight(g, n); });
}

std::string join_names(const std::vector<TensorId>& ids) {
  std::string out;
  for (const TensorId& id : ids) out += (out.empty() ? "'" : ", '") + id.to_string() + "'";
  return out;
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
  // StopGradient/PreventGradient only mark a value; inference graphs keep them.
  const bool gradient_op = contains(op, "Grad") && op != "StopGradient" && op != "PreventGradient";
  return ops.count(op) || starts_with(op, "Apply") || starts_with(op, "ResourceApply") || gradient_op ||
         in_training_scope(n.name);
}

GraphSignature detect_signature(const Graph& g) {
  GraphSignature sig;
  const auto users = consumers_of(g);
  const ValueFlow flow(g);

  // What a user feeds: required placeholders (a PlaceholderWithDefault is an
  // optional knob such as the Keras learning phase, whose cond pred_id would
  // otherwise look like a result; it counts only when there is nothing else)
  // and the pipeline components something reads.
  std::vector<TensorId> sources;
  std::vector<PipelineComponent> components;
  for (const Node* n : g.nodes()) {
    if (n->op == "Placeholder" && users.count(n->name)) sources.push_back(TensorId{n->name, 0, false});
    if (is_pipeline_reader_op(n->op))
      for (const PipelineComponent& c : pipeline_components(g, *n))
        if (!flow.readers(c.tensor).empty()) {
          components.push_back(c);
          sources.push_back(c.tensor);
        }
  }
  if (sources.empty())
    for (const Node* n : g.nodes())
      if (is_placeholder(*n) && users.count(n->name)) sources.push_back(TensorId{n->name, 0, false});
  std::set<std::string> computed;
  std::map<TensorId, std::set<std::string>> reach;  // per source, computed once
  for (const TensorId& t : sources) {
    const std::set<std::string>& r = reach[t] = flow.reach(t);
    computed.insert(r.begin(), r.end());
  }

  // Candidates: nodes nothing consumes. Consumers that are themselves training
  // machinery (a gradient reading the Softmax) do not make a node an
  // intermediate, nor does a control edge (Keras's predict/group_deps NoOp).
  std::set<std::string> used, written;  // written: read by a variable update
  for (const Node* n : g.nodes()) {
    if (writes_variable(*n))
      for (const std::string& in : n->inputs) written.insert(TensorId::parse(in).node);
    if (is_training_node(*n)) continue;
    for (int i = 0; i < n->num_data_inputs(); ++i) used.insert(n->input(i).node);
  }
  // Without any source (a graph fed at intermediate tensors) every node counts.
  const bool has_sources = !computed.empty();
  std::vector<std::string> candidates;
  for (const Node* n : g.nodes()) {
    if (used.count(n->name) || written.count(n->name)) continue;
    if (n->op == "Const" || n->op == "NoOp" || is_placeholder(*n) || is_training_node(*n)) continue;
    if (is_pipeline_source_op(n->op) || n->op == "MakeIterator") continue;
    if ((has_sources && !computed.count(n->name)) || is_cond_pivot(g, *n)) continue;
    candidates.push_back(n->name);
  }

  // Loss heads: replaced by the predictions they compare against.
  const std::vector<LossHead> heads = find_loss_heads(g, flow, candidates, sources);
  std::set<std::string> head_nodes;
  std::map<TensorId, std::string> label_reader;  // label -> a head that reads it
  std::vector<std::pair<TensorId, std::string>> predictions;  // prediction -> why
  for (const LossHead& h : heads) {
    head_nodes.insert(h.node);
    label_reader.emplace(h.label, h.node);
    sig.loss_heads.push_back({h.node, "a loss: " + h.comparison + " of label '" + h.label.to_string() +
                                          "' against " + join_names(h.predictions) + ", reduced"});
    for (const TensorId& p : h.predictions)
      predictions.emplace_back(p, "the prediction the loss head '" + h.node + "' compares (" + h.comparison +
                                      ") against the label '" + h.label.to_string() + "'");
  }
  std::vector<std::string> kept;
  for (const std::string& c : candidates)
    if (!head_nodes.count(c)) kept.push_back(c);

  // A candidate computed without parameters from sources no other candidate
  // reads is a label's leftover transform (its loss pruned away), not an output.
  std::map<std::string, std::set<std::string>> ancestry;
  for (const std::string& c : kept) ancestry[c] = flow.ancestors(c);
  auto source_nodes_of = [&](const std::string& c) {
    std::set<TensorId> out;
    for (const TensorId& s : sources)
      if (reach[s].count(c)) out.insert(s);
    return out;
  };
  if (kept.size() > 1) {
    std::vector<std::string> transforms;
    for (const std::string& c : kept) {
      if (has_parameters(g, ancestry[c])) continue;
      bool private_sources = true;
      for (const TensorId& s : source_nodes_of(c))
        for (const std::string& other : kept)
          if (other != c && reach[s].count(other)) private_sources = false;
      if (private_sources) transforms.push_back(c);
    }
    if (transforms.size() < kept.size())
      for (const std::string& t : transforms) {
        std::erase(kept, t);
        for (const TensorId& s : source_nodes_of(t)) label_reader.emplace(s, t);
      }
  }

  auto is_ancestor_or_self = [&](const std::string& a, const std::string& of) {
    if (a == of) return true;
    const auto it = ancestry.find(of);
    return it != ancestry.end() ? it->second.count(a) != 0 : flow.ancestors(of).count(a) != 0;
  };
  for (const std::string& c : kept) {
    const Node& n = g.at(c);
    std::string reason = "consumed by no other node";
    if (n.op == "Softmax" || n.op == "Sigmoid") reason += "; a " + n.op + " (class scores)";
    else if (n.op == "Identity" && n.num_data_inputs() == 1) reason += "; Identity of '" + n.inputs[0] + "'";
    for (const LossHead& h : heads)
      if (std::any_of(h.predictions.begin(), h.predictions.end(),
                      [&](const TensorId& p) { return is_ancestor_or_self(p.node, c); })) {
        reason += "; computed from what the loss head '" + h.node + "' compares against the label '" +
                  h.label.to_string() + "' (the loss is left out)";
        break;
      }
    sig.outputs.push_back({c, reason});
  }
  // Predictions no kept output already computes become outputs themselves;
  // of several along one path, the earliest (ArgMax(pred) for an accuracy
  // metric gives way to pred).
  std::vector<std::pair<TensorId, std::string>> chosen;
  for (const auto& [p, why] : predictions) {
    bool covered = false;
    for (const std::string& c : kept) covered = covered || is_ancestor_or_self(p.node, c);
    for (const auto& [q, unused] : predictions)
      covered = covered || (q.node != p.node && flow.ancestors(p.node).count(q.node));
    for (const auto& [q, unused] : chosen) covered = covered || q == p;
    if (!covered) chosen.emplace_back(p, why);
  }
  for (const auto& [p, why] : chosen) sig.outputs.push_back({p.to_string(), why + "; the loss itself is left out"});

  // Inputs: placeholders read for inference (labels excepted), then the
  // components the outputs need.
  std::set<std::string> needed;
  for (const GraphOutput& o : sig.outputs) {
    const TensorId id = TensorId::parse(o.name);
    const std::set<std::string> a = flow.ancestors(id.node);
    needed.insert(a.begin(), a.end());
    needed.insert(id.node);
  }
  for (const Node* n : g.nodes()) {
    if (!is_placeholder(*n)) continue;
    if (!users.count(n->name)) {
      sig.unused_placeholders.push_back(n->name);
      continue;
    }
    const auto label = label_reader.find(TensorId{n->name, 0, false});
    if (label != label_reader.end()) {
      sig.unused_inputs.push_back({placeholder_input(*n), "a label: only '" + label->second + "' reads it"});
      continue;
    }
    if (!read_for_inference(*n, users)) continue;
    sig.inputs.push_back(placeholder_input(*n));
  }
  for (const PipelineComponent& c : components) {
    const std::vector<const Node*> readers = flow.readers(c.tensor);
    const bool feeds_output =
        std::any_of(readers.begin(), readers.end(), [&](const Node* r) { return needed.count(r->name) != 0; });
    const auto label = label_reader.find(c.tensor);
    if (feeds_output && label == label_reader.end()) sig.inputs.push_back(component_input(c));
    else
      sig.unused_inputs.push_back({component_input(c), label != label_reader.end()
                                                           ? "a label: only '" + label->second + "' reads it"
                                                           : "no output needs it (a label?)"});
  }
  // Components nothing reads at all (the label of a graph frozen to its prediction).
  for (const Node* n : g.nodes())
    if (is_pipeline_reader_op(n->op))
      for (const PipelineComponent& c : pipeline_components(g, *n))
        if (flow.readers(c.tensor).empty())
          sig.unused_inputs.push_back({component_input(c), "nothing reads it (a label?)"});
  return sig;
}

std::vector<GraphInput> detect_inputs(const Graph& g) { return detect_signature(g).inputs; }
std::vector<GraphOutput> detect_outputs(const Graph& g) { return detect_signature(g).outputs; }
std::vector<std::string> unused_placeholders(const Graph& g) { return detect_signature(g).unused_placeholders; }

}  // namespace frost
