// The heart of freezing: variables the (pruned) graph still reads become
// Consts holding the checkpoint's bytes, unchanged.
//  - VariableV2/Variable -> Const of the same name; its "/read" Identity
//    stays an Identity (consumers are untouched).
//  - VarHandleOp -> Const of the variable's value, same name; its
//    ReadVariableOp reads become Identity, ResourceGather becomes GatherV2
//    (axis 0), as TensorFlow's convert_variables_to_constants does.
//  - Reference types left behind (RefSwitch, RefMerge, "_ref" dtype attrs)
//    become their value forms.
#pragma once

#include <string>
#include <vector>

#include "freeze/variable_keys.h"
#include "graph/graph.h"
#include "io/checkpoint/tensor_bundle.h"

namespace frost {

// Variable nodes of `g`, in graph order.
std::vector<const Node*> variable_nodes(const Graph& g);

// Replaces every variable of `g`; returns how many. Throws an Error naming the
// variable (and the checkpoint file) when the checkpoint lacks it or holds
// another dtype or shape, and the reader's errors (missing shard, CRC).
int variables_to_constants(Graph& g, const CheckpointReader& reader, const VariableKeys& keys);

// Ref ops and "_ref" dtype attributes -> their value forms.
void strip_reference_types(Graph& g);

}  // namespace frost
