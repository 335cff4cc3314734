// What a user needs to know to feed and fetch a frozen graph they did not
// write: its inputs (placeholders, or the components an input pipeline hands
// out) and its likely outputs, each with why; and what looks like an input
// but is not one (labels only a loss reads, components no output needs).
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace frost {

struct GraphInput {
  // A placeholder's node name (feed as name or name:0), or a pipeline
  // component's tensor name ("IteratorGetNext:1", see graph/input_pipeline.h).
  std::string name;
  DType dtype = DType::Invalid;
  PartialShape shape;
  bool has_default = false;  // PlaceholderWithDefault: feeding is optional
  // Empty for a placeholder; for a pipeline component, what hands it out
  // ("IteratorGetNext of 'IteratorV2'; batch 32 from ...").
  std::string pipeline;

  TensorId tensor() const { return TensorId::parse(name); }
};

struct GraphOutput {
  std::string name;    // tensor name ("node" or "node:i")
  std::string reason;  // why it was chosen, for the user
};

// An input that is not one: a label placeholder or component only a loss
// head reads, or a pipeline component no output needs.
struct UnusedInput {
  GraphInput input;
  std::string reason;
};

struct GraphSignature {
  std::vector<GraphInput> inputs;
  std::vector<GraphOutput> outputs;
  std::vector<std::string> unused_placeholders;  // consumed by nothing
  std::vector<UnusedInput> unused_inputs;        // labels, components no output needs
  std::vector<GraphOutput> loss_heads;           // left out of outputs, with what they compare
};

// Inputs: placeholders some inference node consumes, except labels (read
// only by a loss head), then the pipeline components the outputs need, in
// graph order.
//
// Outputs: tensors nothing consumes, leaving out constants, variables, saver
// and initialiser machinery, training heads (gradients, optimiser updates,
// losses and metrics by their scope), values only variable updates read, TF1
// cond pivots, anything no input feeds, and loss heads recognised by their
// shape: a placeholder (or pipeline component) that nothing on the inference
// path uses meets a prediction in a comparison (Sub, SquaredDifference, Mul,
// Equal, softmax/sigmoid cross-entropy) whose result is reduced (Mean, Sum,
// the cross-entropy's own reduction). A loss head is replaced by the
// prediction it compares against, unless another output already computes it.
GraphSignature detect_signature(const Graph& g);

std::vector<GraphInput> detect_inputs(const Graph& g);
std::vector<GraphOutput> detect_outputs(const Graph& g);
std::vector<std::string> unused_placeholders(const Graph& g);

// Whether a node belongs to training only: variable updates, gradients,
// savers, summaries, initialisers, optimiser slots.
bool is_training_node(const Node& n);

}  // namespace frost
