// TF2 graphs (SavedModels) compute inside functions: the serving signature
// is a StatefulPartitionedCall of a FunctionDef from the graph's library,
// which calls further functions. Freezing inlines them so that the result is
// one flat GraphDef, as TensorFlow's convert_variables_to_constants_v2 does.
#pragma once

#include "graph/graph.h"

namespace frost {

// Replaces every PartitionedCall/StatefulPartitionedCall whose function is in
// g.library by the function's body (nodes named CALL/NODE), recursively. The
// call node stays, as Identity (one output) or IdentityN of the function's
// results, so fetched names keep working. Returns the number of calls inlined.
// Throws an Error naming the call for a body it cannot map (an unknown
// multi-output op, an attr placeholder), or nesting deeper than 64 levels.
int inline_function_calls(Graph& g);

}  // namespace frost
