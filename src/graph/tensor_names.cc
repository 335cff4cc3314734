#include "graph/tensor_names.h"

#include <algorithm>

namespace frost {

namespace {
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}
}  // namespace

std::vector<std::string> closest_strings(const std::vector<std::string>& candidates, const std::string& name,
                                         size_t count) {
  std::vector<std::pair<size_t, std::string>> scored;
  for (const std::string& c : candidates) scored.emplace_back(edit_distance(name, c), c);
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < count; ++i) out.push_back(scored[i].second);
  return out;
}

std::vector<std::string> similar_node_names(const Graph& g, const std::string& name, size_t count) {
  std::vector<std::string> names;
  for (const Node* n : g.nodes()) names.push_back(n->name);
  return closest_strings(names, name, count);
}

TensorId resolve_tensor(const Graph& g, const std::string& name) {
  const TensorId id = TensorId::parse(name);
  FROST_CHECK(!id.control, "'" + name + "' is a control input, not a tensor");
  if (g.find(id.node)) return id;
  std::string hint;
  for (const std::string& s : similar_node_names(g, id.node)) hint += (hint.empty() ? "" : ", ") + s;
  Error e("no tensor named '" + name + "'" + (hint.empty() ? "" : " (closest: " + hint + ")"));
  if (!g.source.empty()) e.file(g.source);
  throw e;
}

}  // namespace frost
