// Resolving tensor names a user typed ("softmax", "softmax:0") against a
// graph, with close-name suggestions when they do not exist.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace frost {

// Throws an Error naming up to three similar node names if `name` is not in `g`.
TensorId resolve_tensor(const Graph& g, const std::string& name);

// The node names of `g` closest to `name` (edit distance, then shared suffix).
std::vector<std::string> similar_node_names(const Graph& g, const std::string& name, size_t count = 3);

}  // namespace frost
