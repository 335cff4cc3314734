// Where values flow in a graph, by data edges only (a control edge orders,
// it carries no value): what a tensor's values reach, what a node's value
// depends on. For telling inputs, outputs, labels and loss heads apart.
#pragma once

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "graph/graph.h"

namespace frost {

class ValueFlow {
 public:
  explicit ValueFlow(const Graph& g);

  // Nodes whose values `t`'s values reach. Shape, ShapeN, Rank and Size read
  // no values (only a shape), so the walk does not pass them.
  std::set<std::string> reach(const TensorId& t) const;
  // Nodes whose values `node`'s value depends on, transitively (not `node`).
  std::set<std::string> ancestors(const std::string& node) const;
  // The nodes that read tensor `t` as a data input.
  std::vector<const Node*> readers(const TensorId& t) const;

 private:
  const Graph& g_;
  std::unordered_map<std::string, std::vector<std::pair<const Node*, int>>> readers_;  // node -> (reader, output index)
};

// Ops that read only their input's shape.
bool reads_shape_only(const std::string& op);

// Ops whose value may differ between two runs with the same inputs, so they
// are never evaluated ahead of a run (constant folding, plan-time
// evaluation): placeholders, variables and their updates, random ops, side
// effects (Print, Assert, CheckNumerics) and control flow.
bool varies_between_runs(const std::string& op);

// Whether `node` is a weight: a float Const of more than one element, read
// directly or through Identity/ReadVariableOp (a frozen variable's /read).
bool is_weight(const Graph& g, const std::string& node);

}  // namespace frost
