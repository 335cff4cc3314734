// Static shape inference over a whole graph: placeholder shapes flow through
// each op's shape function; unknown dimensions stay -1 until run time. Small
// tensors computable from constants alone (shape arithmetic) are evaluated
// with the reference kernels so that Reshape/Fill see their values.
#pragma once

#include <map>
#include <string>

#include "graph/graph.h"
#include "graph/op_registry.h"

namespace frost {

struct InferredTensor {
  DType dtype = DType::Invalid;  // Invalid where unknown
  PartialShape shape;            // unknown rank where unknown
};

// Shapes (and dtypes where known) of every output of every node. `input_shapes`
// overrides placeholder shapes by node name (e.g. to pin the batch size).
// Never throws for ops it does not know or shape functions that fail: their
// outputs are simply unknown.
std::map<TensorId, InferredTensor> infer_shapes(const Graph& g,
                                                const std::map<std::string, PartialShape>& input_shapes = {});

}  // namespace frost
