#include "freeze/freeze_graph.h"

#include <memory>

#include "freeze/freeze_source.h"
#include "freeze/inline_functions.h"
#include "freeze/passes.h"
#include "freeze/pipeline_placeholders.h"
#include "freeze/rewrite_util.h"
#include "freeze/set_values.h"
#include "freeze/variable_keys.h"
#include "freeze/variables_to_constants.h"
#include "graph/signature.h"
#include "graph/tensor_names.h"
#include "graph/topology.h"

namespace frost {

namespace {

// The tensors the frozen graph must compute: as given, else the signature's,
// else the one detected output. Several plausible outputs are an error that
// lists them with the reason for each, so the user can pick.
std::vector<TensorId> choose_outputs(const Graph& g, const FreezeOptions& options, const FreezeSource& src,
                                     std::vector<std::string>& notes) {
  std::vector<TensorId> ids;
  const std::vector<std::string>& names = options.outputs.empty() ? src.signature_outputs : options.outputs;
  for (const std::string& name : names) ids.push_back(resolve_tensor(g, name));
  if (!ids.empty()) return ids;

  const GraphSignature sig = detect_signature(g);
  const std::vector<GraphOutput>& found = sig.outputs;
  for (const GraphOutput& h : sig.loss_heads)
    notes.push_back("'" + h.name + "' is not an output: " + h.reason);
  if (found.size() == 1) {
    notes.push_back("output '" + found[0].name + "': " + found[0].reason);
    return {resolve_tensor(g, found[0].name)};
  }
  if (found.empty())
    throw Error("found no output candidates: name the outputs to keep").file(g.source);
  std::string list;
  for (size_t i = 0; i < found.size() && i < 20; ++i) list += "\n  " + found[i].name + "  (" + found[i].reason + ")";
  if (found.size() > 20) list += "\n  ... and " + std::to_string(found.size() - 20) + " more";
  throw Error(std::to_string(found.size()) + " plausible outputs: name the ones to keep:" + list).file(g.source);
}

// Set values: placeholders become Consts (set_constant_inputs); a
// variable named this way (tflearn's `is_training`) takes the value instead of
// the checkpoint's.
void apply_set_values(Graph& g, const std::map<std::string, std::string>& set) {
  std::map<std::string, Tensor> placeholder_values;
  for (const auto& [name, text] : set) {
    const TensorId id = resolve_tensor(g, name);
    Node& n = g.at(id.node);
    Tensor value = set_value_for(n, text);
    if (is_variable_op(n.op)) {
      Node replacement = make_const(n.name, value);
      replacement.device = n.device;
      n = std::move(replacement);
    } else {
      placeholder_values[n.name] = value;
    }
  }
  set_constant_inputs(g, placeholder_values);
}

// A cond reads its predicate through Identity nodes (`cond/pred_id`): point
// each Switch straight at a constant predicate so that conditional
// resolution sees it.
void forward_constant_predicates(Graph& g) {
  for (Node* n : g.nodes()) {
    if ((n->op != "Switch" && n->op != "RefSwitch") || n->num_data_inputs() != 2) continue;
    TensorId pred = n->input(1);
    for (int hops = 0; hops < 16; ++hops) {
      const Node* p = g.find(pred.node);
      if (!p || p->op != "Identity" || p->num_data_inputs() < 1) break;
      pred = p->input(0);
    }
    const Node* p = g.find(pred.node);
    if (p && p->op == "Const") n->inputs[1] = pred.to_string();
  }
}

// Graphs from TensorFlow before producer 22 wrote "shape unknown" for a
// Placeholder as an empty shape; TensorFlow still reads such graphs that way.
// The frozen graph says so explicitly, so that no reader takes it for a scalar.
void make_legacy_placeholder_shapes_explicit(Graph& g) {
  constexpr int kLastProducerWithLegacyShapes = 21;
  if (g.versions.producer > kLastProducerWithLegacyShapes) return;
  for (Node* n : g.nodes()) {
    if (n->op != "Placeholder" || !n->has_attr("shape") || !n->attr("shape").is<PartialShape>()) continue;
    const PartialShape& s = n->attr("shape").shape();
    if (s.known_rank() && s.rank() == 0) n->attrs["shape"] = PartialShape::unknown();
  }
}

std::vector<std::string> names_of(const std::vector<TensorId>& ids) {
  std::vector<std::string> out;
  for (const auto& id : ids) out.push_back(id.to_string());
  return out;
}

}  // namespace

FreezeResult freeze_with_report(const FreezeInput& input, const FreezeOptions& options) {
  FreezeSource src = load_freeze_source(input);
  Graph& g = src.graph;
  FreezeResult result;
  FreezeReport& report = result.report;
  report.nodes_before = g.size();

  const std::vector<TensorId> outputs = choose_outputs(g, options, src, report.notes);
  PassContext ctx;
  ctx.outputs = outputs;
  // The Saver's restore ops map variables to keys: read them before pruning.
  const Graph full = g;

  apply_set_values(g, options.set);
  prune_to(g, outputs);
  // TF2: the signature calls functions; only those the outputs need are inlined.
  if (!g.library.empty() && inline_function_calls(g) > 0) prune_to(g, outputs);
  forward_constant_predicates(g);
  report.switches_resolved += resolve_constant_conditionals(g, ctx);
  prune_to(g, outputs);

  if (!variable_nodes(g).empty()) {
    if (src.checkpoint.empty())
      throw Error("the graph reads " + std::to_string(variable_nodes(g).size()) + " variables (e.g. '" +
                  variable_nodes(g)[0]->name + "'); give the checkpoint that holds them")
          .file(g.source);
    const CheckpointReader reader(src.checkpoint);
    const VariableKeys keys(full, reader, src.object_variable_names);
    report.variables_frozen = variables_to_constants(g, reader, keys);
    report.checkpoint_prefix = reader.prefix();
  }
  strip_reference_types(g);
  // A predicate may itself have come from the checkpoint.
  forward_constant_predicates(g);
  report.switches_resolved += resolve_constant_conditionals(g, ctx);
  prune_to(g, outputs);

  std::vector<TensorId> components;
  for (const GraphInput& in : detect_inputs(g))
    if (!in.pipeline.empty()) components.push_back(in.tensor());
  for (const PlaceholderForComponent& p : pipeline_inputs_to_placeholders(g, components, outputs))
    report.notes.push_back("input pipeline component " + p.component.node + ":" + std::to_string(p.component.index) + " -> Placeholder '" +
                           p.placeholder + "'");

  make_legacy_placeholder_shapes_explicit(g);
  report.nodes_after = g.size();
  report.outputs = names_of(outputs);
  for (const GraphInput& in : detect_inputs(g)) report.inputs.push_back(in.name);
  result.graph = std::move(g);
  return result;
}

Graph freeze(const FreezeInput& input, const FreezeOptions& options) {
  return freeze_with_report(input, options).graph;
}

}  // namespace frost
