// Resolving tensor names a user typed ("softmax", "softmax:0") against a
// graph, with close-name suggestions when they do not exist.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace frost {

// Throws an Error naming up to three similar node names if `name` is not in `g`.
TensorId resolve_tensor(const Graph& g, const std::string& name);

// The node names of `g` closest to `name` (edit distance).
std::vector<std::string> similar_node_names(const Graph& g, const std::string& name, size_t count = 3);

// Up to `count` of `candidates` closest to `name` (edit distance), for
// "did you mean" hints.
std::vector<std::string> closest_strings(const std::vector<std::string>& candidates, const std::string& name,
                                         size_t count = 3);

}  // namespace frost
