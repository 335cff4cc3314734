// Rule: TF1 control flow whose predicate is a constant (after the Keras
// learning phase or an `is_training` placeholder is set) is resolved by
// propagating deadness the way TensorFlow's executor does:
//   - a Switch with a constant predicate sends its data to port 1 if true,
//     port 0 if false; the other port is dead;
//   - any node with a dead data or control input is dead, except Merge;
//   - a Merge is dead only when all its data inputs are; with exactly one
//     live input it is that input (output 1, value_index, is its position).
// Live Switch ports are rewired to the Switch's data input, resolved Merges
// to their live input, and dead nodes are removed. Nothing is guessed: a
// Switch on a non-constant predicate stays, and if a kept name would be dead
// the graph is left untouched.
#include <map>

#include "freeze/passes.h"
#include "freeze/rewrite_util.h"
#include "graph/topology.h"

namespace frost {

namespace {

bool is_switch(const Node& n) { return n.op == "Switch" || n.op == "RefSwitch"; }
bool is_merge(const Node& n) { return n.op == "Merge" || n.op == "RefMerge"; }

// The constant value of a Switch predicate, if it is one.
std::optional<bool> constant_predicate(const Graph& g, const Node& sw) {
  if (sw.num_data_inputs() != 2) return std::nullopt;
  const Tensor* pred = const_input(g, sw, 1);
  if (!pred || pred->dtype() != DType::Bool || pred->num_elements() != 1) return std::nullopt;
  return pred->data<bool>()[0];
}

}  // namespace

int resolve_constant_conditionals(Graph& g, const PassContext& ctx) {
  std::map<std::string, int> dead_port;  // resolved Switch -> its dead output
  for (const Node* n : g.nodes())
    if (is_switch(*n))
      if (const auto pred = constant_predicate(g, *n)) dead_port[n->name] = *pred ? 0 : 1;
  if (dead_port.empty()) return 0;

  std::set<std::string> dead;
  std::map<std::string, int> merge_live_input;  // Merge with one live input -> its position
  for (const Node* n : topological_order(g)) {
    auto input_dead = [&](const TensorId& id) {
      if (dead.count(id.node)) return true;
      if (id.control) return false;
      const auto sw = dead_port.find(id.node);
      return sw != dead_port.end() && sw->second == id.index;
    };
    if (is_merge(*n)) {
      std::vector<int> live;
      for (int i = 0; i < n->num_data_inputs(); ++i) {
        const TensorId id = n->input(i);
        const Node* p = g.find(id.node);
        if ((p && is_back_edge(*p, *n)) || !input_dead(id)) live.push_back(i);
      }
      if (live.empty()) dead.insert(n->name);
      else if (live.size() == 1) merge_live_input[n->name] = live[0];
      continue;
    }
    for (const std::string& in : n->inputs)
      if (input_dead(TensorId::parse(in))) {
        dead.insert(n->name);
        break;
      }
  }
  for (const std::string& name : dead)
    if (ctx.kept(name)) return 0;  // a fetched/fed tensor would never be computed

  // Live Switch ports read the Switch's data input directly.
  std::vector<std::string> doomed(dead.begin(), dead.end());
  int resolved = 0;
  for (const auto& [name, port] : dead_port) {
    if (dead.count(name)) continue;
    const Node& sw = g.at(name);
    const std::string data = sw.inputs[0];
    replace_tensor_uses(g, TensorId{name, 1 - port, false}, data);
    replace_control_uses(g, name, TensorId::parse(data).node);
    if (!ctx.kept(name)) doomed.push_back(name);
    ++resolved;
  }
  // Resolved Merges: output 0 is the live input, output 1 its position.
  for (const auto& [name, live] : merge_live_input) {
    Node& m = g.at(name);
    const std::string source = m.inputs[static_cast<size_t>(live)];
    replace_tensor_uses(g, TensorId{name, 0, false}, source);
    if (data_edge_count(g, name) > 0) {
      const std::string index_name = unique_name(g, name + "/value_index");
      g.add(make_const(index_name, Tensor::scalar<int32_t>(live)));
      replace_tensor_uses(g, TensorId{name, 1, false}, index_name);
    }
    Node& merge = g.at(name);
    if (ctx.kept(name)) {
      // Keep the fetched name as an Identity of the live input.
      merge.op = "Identity";
      merge.inputs = {source};
      merge.attrs = {{"T", merge.attrs.count("T") ? merge.attrs.at("T") : AttrValue(DType::Float)}};
    } else {
      replace_control_uses(g, name, TensorId::parse(source).node);
      doomed.push_back(name);
    }
  }
  // Surviving nodes drop edges from dead ones (Merges with several live inputs).
  for (Node* n : g.nodes()) {
    if (dead.count(n->name)) continue;
    std::erase_if(n->inputs, [&](const std::string& in) { return dead.count(TensorId::parse(in).node) != 0; });
  }
  g.remove(doomed);
  return resolved;
}

PassStats resolve_conditionals_pass(Graph& g, const PassContext& ctx) {
  PassStats stats;
  const size_t before = g.size();
  stats.add("switches_resolved", resolve_constant_conditionals(g, ctx));
  if (stats.changed()) stats.add("nodes_removed", static_cast<int64_t>(before) - static_cast<int64_t>(g.size()));
  return stats;
}

}  // namespace frost
