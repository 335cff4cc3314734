#include "freeze/pipeline_placeholders.h"

#include <map>
#include <set>

#include "freeze/rewrite_util.h"
#include "graph/input_pipeline.h"
#include "graph/topology.h"

namespace frost {

namespace {

Node placeholder_node(const std::string& name, const PipelineComponent& c, const std::string& device) {
  Node n;
  n.name = name;
  n.op = "Placeholder";
  n.device = device;
  n.attrs["dtype"] = c.dtype;
  n.attrs["shape"] = c.shape;
  return n;
}

}  // namespace

std::vector<PlaceholderForComponent> pipeline_inputs_to_placeholders(Graph& g, const std::vector<TensorId>& components,
                                                                     const std::vector<TensorId>& outputs) {
  if (outputs.empty()) return {};  // nothing to prune to: leave the graph whole
  std::map<std::string, std::set<int>> wanted;  // reader -> component indices
  for (const TensorId& t : components) {
    const Node* n = g.find(t.node);
    if (n && is_pipeline_reader_op(n->op)) wanted[t.node].insert(t.index);
  }
  // Which components anything reads, before rewiring.
  const std::set<std::string> needed = needed_nodes(g, outputs, {components.begin(), components.end()});
  std::map<TensorId, std::string> made;
  for (const auto& [reader_name, indices] : wanted) {
    const Node& reader = g.at(reader_name);
    const std::vector<PipelineComponent> parts = pipeline_components(g, reader);
    bool all_listed = true;
    for (const Node* n : g.nodes()) {
      if (!needed.count(n->name)) continue;
      for (int i = 0; i < n->num_data_inputs(); ++i) {
        const TensorId in = n->input(i);
        if (in.node == reader_name && !indices.count(in.index)) all_listed = false;
      }
    }
    if (!all_listed) continue;
    for (int i : indices) {
      if (i <= 0 || i >= static_cast<int>(parts.size())) continue;
      const std::string name = unique_name(g, reader_name + "_" + std::to_string(i));
      g.add(placeholder_node(name, parts[static_cast<size_t>(i)], reader.device));
      replace_tensor_uses(g, TensorId{reader_name, i, false}, name);
      made[TensorId{reader_name, i, false}] = name;
    }
    if (indices.count(0) && !parts.empty()) {
      Node& n = g.at(reader_name);
      n = placeholder_node(reader_name, parts[0], n.device);
      made[TensorId{reader_name, 0, false}] = reader_name;
    }
  }
  if (made.empty()) return {};
  // Prune away what only the pipeline (and unlisted components) needed; the
  // other listed inputs stay feedable.
  std::vector<TensorId> roots = outputs;
  for (const TensorId& t : components) {
    const auto it = made.find(TensorId{t.node, t.index, false});
    roots.push_back(it != made.end() ? TensorId{it->second, 0, false} : t);
  }
  prune_to(g, roots);

  std::vector<PlaceholderForComponent> out;
  for (const TensorId& t : components)
    if (const auto it = made.find(TensorId{t.node, t.index, false}); it != made.end()) out.push_back({t, it->second});
  return out;
}

}  // namespace frost
