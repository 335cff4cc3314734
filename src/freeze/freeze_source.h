// The first step of freezing: what the user points at (GraphDef, MetaGraphDef,
// SavedModel) read into the IR, with the signature's inputs/outputs and the
// checkpoint that goes with it.
#pragma once

#include <string>
#include <vector>

#include "freeze/freeze_graph.h"
#include "graph/graph.h"

namespace frost {

struct FreezeSource {
  Graph graph;
  // Tensor names from the SavedModel signature ("x:0"); empty otherwise.
  std::vector<std::string> signature_inputs, signature_outputs;
  // The checkpoint to read (as given or defaulted; resolved by the reader).
  // Empty when neither given nor implied by the input.
  std::string checkpoint;
  // SavedVariable names of a TF2 SavedModel's object graph by node id ("" for
  // non-variables), to map object-based checkpoint keys; empty otherwise.
  std::vector<std::string> object_variable_names;
};

// Throws Error naming the file: unreadable input, a tag or signature the
// SavedModel does not have (listing those it has).
FreezeSource load_freeze_source(const FreezeInput& input);

}  // namespace frost
