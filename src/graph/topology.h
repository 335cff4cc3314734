// Graph structure queries: who consumes what, a topological order, and the
// subgraph needed to compute some fetches from some feeds.
#pragma once

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/graph.h"

namespace frost {

// Whether the edge from `producer` into `consumer` is a while-loop back edge
// (NextIteration -> Merge). Such edges are legal cycles in TF1 control flow and
// are ignored when ordering nodes.
bool is_back_edge(const Node& producer, const Node& consumer);

// Consumers of each node (data and control), by node name.
std::unordered_map<std::string, std::vector<const Node*>> consumers_of(const Graph& g);

// Nodes in an order where every producer comes before its consumers (back edges
// excepted). Among ready nodes the graph's own order is kept, so the result is
// deterministic. `only` restricts the order to a subset (empty = all nodes).
// Throws on a dangling input or a cycle, naming a node on it.
std::vector<const Node*> topological_order(const Graph& g, const std::set<std::string>& only = {});

// Names of the nodes needed to compute `fetches` when `feeds` are given:
// walking back from the fetches, a fed tensor cuts the walk (as TensorFlow's
// feed does), control inputs are followed. Throws if a fetch names no node.
std::set<std::string> needed_nodes(const Graph& g, const std::vector<TensorId>& fetches,
                                   const std::set<TensorId>& feeds);

// Removes every node not needed for `fetches` (feeds cut the graph as above,
// but fed nodes themselves are kept so they can still be fed).
void prune_to(Graph& g, const std::vector<TensorId>& fetches, const std::set<TensorId>& feeds = {});

}  // namespace frost
