// What a user needs to know to feed and fetch a frozen graph they did not
// write: its inputs (placeholders) and its likely outputs, each with why.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace frost {

struct GraphInput {
  std::string name;  // node name (feed as name or name:0)
  DType dtype = DType::Invalid;
  PartialShape shape;
  bool has_default = false;  // PlaceholderWithDefault: feeding is optional
};

struct GraphOutput {
  std::string name;    // tensor name ("node" or "node:i")
  std::string reason;  // why it was chosen, for the user
};

// Placeholders some inference node consumes (unconsumed ones are in
// unused_placeholders; those read only by training machinery are neither),
// in graph order.
std::vector<GraphInput> detect_inputs(const Graph& g);
std::vector<std::string> unused_placeholders(const Graph& g);

// Tensors nothing consumes, leaving out constants, variables, saver and
// initialiser machinery, and training heads (gradients, optimiser updates,
// losses and metrics), values only variable updates read, TF1 cond pivots,
// and (when the graph has placeholders) anything no placeholder feeds, in
// graph order.
std::vector<GraphOutput> detect_outputs(const Graph& g);

// Whether a node belongs to training only: variable updates, gradients,
// savers, summaries, initialisers, optimiser slots.
bool is_training_node(const Node& n);

}  // namespace frost
