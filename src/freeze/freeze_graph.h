// `frost freeze`: a training graph (GraphDef, MetaGraphDef or SavedModel) plus
// a checkpoint become one frozen inference GraphDef, without TensorFlow.
//
// What happens, in order:
//  1. the graph is read; a SavedModel's meta graph is chosen by tag and its
//     signature gives the default inputs and outputs;
//  2. `set` placeholders (keras_learning_phase=false, is_training=false,
//     keep_prob=1.0) become Consts of their dtype;
//  3. the graph is pruned to the outputs: savers, Assign*, initialisers,
//     gradients, optimiser slots and summaries go because no output needs them;
//     a TF2 graph's function calls (StatefulPartitionedCall) are then
//     inlined (inline_functions.h) and the graph pruned again;
//  4. every remaining variable (VariableV2/Variable, VarHandleOp, with their
//     ReadVariableOp reads) becomes a Const holding the checkpoint's bytes;
//  5. Switch/Merge on constant predicates are resolved (the dead branch goes)
//     and the graph is pruned again;
//  6. input pipeline components the outputs read (tf.data IteratorGetNext,
//     queue dequeues) become Placeholders (pipeline_placeholders.h).
// The result is a standard GraphDef (save_graph writes it).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace frost {

struct FreezeInput {
  enum class Kind { GraphDef, MetaGraph, SavedModel };
  Kind kind = Kind::GraphDef;
  // .pb/.pbtxt GraphDef; .meta MetaGraphDef; SavedModel directory or the
  // saved_model.pb file itself.
  std::string path;
  // Checkpoint prefix, PREFIX.index, directory or state file. Empty: for a
  // .meta, the path without ".meta"; for a SavedModel, DIR/variables/variables
  // (or NAME.variables next to a file named NAME.saved_model.pb).
  std::string checkpoint;
  std::string tag = "serve";                    // SavedModel meta graph
  std::string signature = "serving_default";    // SavedModel signature
};

struct FreezeOptions {
  // Tensors to keep ("softmax", "softmax:0"). Empty: the signature's outputs,
  // else the detected outputs (an Error when several are plausible).
  std::vector<std::string> outputs;
  // Placeholders fixed to a value: name -> text ("false", "1.0", "3").
  std::map<std::string, std::string> set;
};

struct FreezeReport {
  int variables_frozen = 0;
  int switches_resolved = 0;
  size_t nodes_before = 0, nodes_after = 0;
  std::vector<std::string> inputs, outputs;
  std::string checkpoint_prefix;  // "" when the graph had no variables to freeze
  // For the user: why each detected output was chosen (loss heads replaced by
  // their predictions), pipeline components made Placeholders.
  std::vector<std::string> notes;
};

struct FreezeResult {
  Graph graph;
  FreezeReport report;
};

// Throws frost::Error naming the file/node/tensor: a missing data shard or a
// CRC mismatch (from the checkpoint reader), a variable the checkpoint lacks
// (with close keys), dtype/shape mismatches, unknown outputs (with close
// names), several plausible outputs (listed with reasons).
FreezeResult freeze_with_report(const FreezeInput& input, const FreezeOptions& options);
Graph freeze(const FreezeInput& input, const FreezeOptions& options);

}  // namespace frost
