// Rule: a node that no output needs is dead weight. Walking back from the
// outputs and the fed tensors, every node not reached is removed. Without known outputs the rule does nothing.
// Once no TF1 control flow is left, control edges into and out of Consts are
// dropped too: a constant's value cannot depend on ordering, nor can anything
// wait on a constant, and such edges would keep dead nodes alive.
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"
#include "graph/control_flow.h"
#include "graph/topology.h"

namespace frost {

PassStats remove_unused(Graph& g, const PassContext& ctx) {
  PassStats stats;
  if (ctx.outputs.empty()) return stats;

  bool control_flow = false;
  for (const Node* n : g.nodes())
    if (is_control_flow(n->op)) control_flow = true;
  if (!control_flow) {
    for (Node* n : g.nodes())
      if (n->op == "Const" && n->num_data_inputs() == 0 && !n->inputs.empty()) {
        n->inputs.clear();
        stats.add("const_control_edges_dropped");
      }
    // An edge from a Const orders nothing (the Const depends on nothing now);
    // TF2 frozen graphs hang every former ReadVariableOp on the output this way.
    for (Node* n : g.nodes()) {
      const size_t before = n->inputs.size();
      std::erase_if(n->inputs, [&](const std::string& in) {
        if (in.empty() || in[0] != '^') return false;
        const Node* source = g.find(std::string_view(in).substr(1));
        return source && source->op == "Const" && source->inputs.empty();
      });
      stats.add("const_control_edges_dropped", static_cast<int64_t>(before - n->inputs.size()));
    }
  }

  // Fed tensors are kept with what computes them: a fed intermediate must
  // stay a valid node (the optimised graph may be run without that feed).
  std::vector<TensorId> roots = ctx.outputs;
  roots.insert(roots.end(), ctx.inputs.begin(), ctx.inputs.end());
  const size_t before = g.size();
  prune_to(g, roots);
  stats.add("nodes_removed", static_cast<int64_t>(before - g.size()));
  return stats;
}

}  // namespace frost
