#include "graph/topology.h"

#include <deque>

#include "graph/control_flow.h"

namespace frost {

bool is_back_edge(const Node& producer, const Node& consumer) {
  return control_flow_kind(producer.op) == ControlFlow::kNextIteration &&
         control_flow_kind(consumer.op) == ControlFlow::kMerge;
}

std::unordered_map<std::string, std::vector<const Node*>> consumers_of(const Graph& g) {
  std::unordered_map<std::string, std::vector<const Node*>> out;
  for (const Node* n : g.nodes())
    for (const std::string& in : n->inputs) out[TensorId::parse(in).node].push_back(n);
  return out;
}

static Error dangling(const Graph& g, const Node& n, const std::string& input) {
  Error e("input '" + input + "' names no node in the graph");
  e.node(n.name).op(n.op);
  if (!g.source.empty()) e.file(g.source);
  return e;
}

std::vector<const Node*> topological_order(const Graph& g, const std::set<std::string>& only) {
  const auto all = g.nodes();
  auto included = [&](const Node* n) { return only.empty() || only.count(n->name) != 0; };

  std::unordered_map<const Node*, int> pending;  // unfinished producers per node
  std::unordered_map<const Node*, std::vector<const Node*>> users;
  std::unordered_map<const Node*, size_t> position;
  for (size_t i = 0; i < all.size(); ++i) position[all[i]] = i;

  for (const Node* n : all) {
    if (!included(n)) continue;
    int count = 0;
    for (const std::string& in : n->inputs) {
      const Node* p = g.find(TensorId::parse(in).node);
      if (!p) throw dangling(g, *n, in);
      if (!included(p) || is_back_edge(*p, *n)) continue;
      users[p].push_back(n);
      ++count;
    }
    pending[n] = count;
  }

  // Kahn's algorithm; ready nodes leave in graph order (a min-heap on position
  // would be overkill: a deque seeded in order keeps it stable enough).
  std::deque<const Node*> ready;
  for (const Node* n : all)
    if (included(n) && pending[n] == 0) ready.push_back(n);
  std::vector<const Node*> order;
  order.reserve(pending.size());
  while (!ready.empty()) {
    const Node* n = ready.front();
    ready.pop_front();
    order.push_back(n);
    for (const Node* u : users[n])
      if (--pending[u] == 0) ready.push_back(u);
  }
  if (order.size() != pending.size()) {
    for (const Node* n : all) {
      if (included(n) && pending[n] > 0) {
        Error e("the graph has a cycle through this node (not a while-loop back edge)");
        e.node(n->name).op(n->op);
        if (!g.source.empty()) e.file(g.source);
        throw e;
      }
    }
  }
  return order;
}

std::set<std::string> needed_nodes(const Graph& g, const std::vector<TensorId>& fetches,
                                   const std::set<TensorId>& feeds) {
  std::set<std::string> needed;
  std::deque<const Node*> work;
  for (const TensorId& f : fetches) {
    const Node* n = g.find(f.node);
    if (!n) throw Error("no node named '" + f.node + "' to fetch");
    if (feeds.count(TensorId{f.node, f.index, false})) continue;
    if (needed.insert(n->name).second) work.push_back(n);
  }
  while (!work.empty()) {
    const Node* n = work.front();
    work.pop_front();
    for (const std::string& in : n->inputs) {
      const TensorId id = TensorId::parse(in);
      if (!id.control && feeds.count(id)) continue;
      const Node* p = g.find(id.node);
      if (!p) throw dangling(g, *n, in);
      if (needed.insert(p->name).second) work.push_back(p);
    }
  }
  return needed;
}

void prune_to(Graph& g, const std::vector<TensorId>& fetches, const std::set<TensorId>& feeds) {
  std::set<std::string> keep = needed_nodes(g, fetches, feeds);
  for (const TensorId& f : feeds) keep.insert(f.node);
  std::vector<std::string> doomed;
  for (const Node* n : g.nodes())
    if (!keep.count(n->name)) doomed.push_back(n->name);
  g.remove(doomed);
}

}  // namespace frost
