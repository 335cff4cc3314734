// Rule: Identity-like nodes (Identity, IdentityN, StopGradient, Snapshot,
// PreventGradient, CheckNumerics) forward their inputs; NoOp only orders.
// At inference none of them computes anything, so consumers are rewired to
// the forwarded tensor and the node goes. A kept (fetched/fed) name stays.
// Control inputs of a removed node are handed on to its consumers, so an
// ordering (or, in TF1 control flow, a deadness) dependency is not lost.
// An Identity reading a Switch output is a cond "pivot" whose port matters:
// it is left for resolve_constant_conditionals.
#include <functional>
#include <set>

#include "freeze/passes.h"
#include "freeze/rewrite_util.h"
#include "graph/control_flow.h"

namespace frost {

bool is_identity_like(const std::string& op) {
  return op == "Identity" || op == "IdentityN" || op == "StopGradient" || op == "Snapshot" ||
         op == "PreventGradient" || op == "CheckNumerics";
}

PassStats remove_identity(Graph& g, const PassContext& ctx) {
  PassStats stats;
  std::set<std::string> removable;
  for (const Node* n : g.nodes()) {
    if (n->op != "NoOp" && !is_identity_like(n->op)) continue;
    if (ctx.kept(n->name)) continue;
    bool reads_switch = false;
    for (int i = 0; i < n->num_data_inputs(); ++i) {
      const Node* p = g.find(n->input(i).node);
      if (p && control_flow_kind(p->op) == ControlFlow::kSwitch) reads_switch = true;
    }
    if (!reads_switch) removable.insert(n->name);
  }
  if (removable.empty()) return stats;

  // What a control edge "^x" on a removed node becomes: x's own producers.
  std::function<void(const std::string&, std::vector<std::string>&)> hand_on =
      [&](const std::string& node, std::vector<std::string>& out) {
        const Node& n = g.at(node);
        for (const std::string& in : n.inputs) {
          const TensorId id = TensorId::parse(in);
          if (removable.count(id.node))
            hand_on(id.node, out);
          else
            out.push_back("^" + id.node);
        }
      };
  // The tensor a forwarded tensor finally reads, and the control inputs met on the way.
  std::function<std::string(const std::string&, std::vector<std::string>&)> resolve =
      [&](const std::string& tensor, std::vector<std::string>& controls) -> std::string {
    const TensorId id = TensorId::parse(tensor);
    if (!removable.count(id.node)) return tensor;
    const Node& n = g.at(id.node);
    if (id.index >= n.num_data_inputs()) throw n.error("reads missing output " + tensor);
    for (const std::string& c : control_inputs(n)) {
      const std::string source = c.substr(1);
      if (removable.count(source))
        hand_on(source, controls);
      else
        controls.push_back(c);
    }
    return resolve(n.inputs[static_cast<size_t>(id.index)], controls);
  };

  for (Node* n : g.nodes()) {
    if (removable.count(n->name)) continue;
    std::vector<std::string> data, controls;
    for (const std::string& in : n->inputs) {
      const TensorId id = TensorId::parse(in);
      if (id.control) {
        if (removable.count(id.node))
          hand_on(id.node, controls);
        else
          controls.push_back(in);
      } else {
        data.push_back(resolve(in, controls));
      }
    }
    n->inputs = data;
    add_control_inputs(*n, controls);
  }
  for (const std::string& name : removable)
    stats.add(g.at(name).op == "NoOp" ? "noops_removed" : "identities_removed");
  g.remove(std::vector<std::string>(removable.begin(), removable.end()));
  return stats;
}

}  // namespace frost
