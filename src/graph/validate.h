// Structural checks on an imported graph, with errors that name the node.
#pragma once

#include "graph/graph.h"
#include "graph/op_registry.h"

namespace frost {

// Checks: every input names an existing node; an input index is within the
// producer's output count (when its op is known); data inputs come before
// control inputs; known ops carry their required attrs with the right kind;
// there is no cycle other than while-loop back edges. Unknown ops are not an
// error here (a graph can be inspected without being runnable).
void validate_graph(const Graph& g, const OpRegistry& ops = OpRegistry::global());

}  // namespace frost
