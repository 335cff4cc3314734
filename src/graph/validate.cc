#include "graph/validate.h"

#include "graph/topology.h"

namespace frost {

namespace {
Error node_error(const Graph& g, const Node& n, const std::string& message) {
  Error e(message);
  e.node(n.name).op(n.op);
  if (!g.source.empty()) e.file(g.source);
  return e;
}
}  // namespace

void validate_graph(const Graph& g, const OpRegistry& ops) {
  for (const Node* n : g.nodes()) {
    bool seen_control = false;
    for (const std::string& in : n->inputs) {
      TensorId id;
      try {
        id = TensorId::parse(in);
      } catch (const Error& e) {
        throw node_error(g, *n, e.message());
      }
      if (id.control) {
        seen_control = true;
      } else if (seen_control) {
        throw node_error(g, *n, "data input '" + in + "' comes after a control input");
      }
      const Node* producer = g.find(id.node);
      if (!producer) throw node_error(g, *n, "input '" + in + "' names no node in the graph");
      if (id.control) continue;
      if (const OpDef* def = ops.find(producer->op)) {
        int outputs;
        try {
          outputs = def->num_outputs(*producer);
        } catch (const Error& e) {
          throw node_error(g, *producer, e.message());
        }
        if (id.index >= outputs)
          throw node_error(g, *n, "input '" + in + "' asks for output " + std::to_string(id.index) + " but " +
                                      producer->op + " node '" + producer->name + "' has " +
                                      std::to_string(outputs));
      }
    }
    if (const OpDef* def = ops.find(n->op)) {
      for (const auto& [attr, kind] : def->required_attrs) {
        const auto it = n->attrs.find(attr);
        if (it == n->attrs.end()) throw node_error(g, *n, "missing attr '" + attr + "'");
        const std::string actual = it->second.kind_name();
        const bool empty_list_ok = actual == "list()" && kind.rfind("list(", 0) == 0;
        if (actual != kind && !empty_list_ok)
          throw node_error(g, *n, "attr '" + attr + "' is " + actual + ", expected " + kind);
      }
    }
  }
  topological_order(g);  // throws on a cycle
}

}  // namespace frost
