// Training heads left in a graph saved for training: a loss such as
// Mean(Square(Sub(prediction, label))) or a softmax cross-entropy against a
// label placeholder, which is often the only node nothing consumes. Found by
// their structure, not their names (those named loss/... or metrics/... are
// already training nodes by scope, graph/signature.h).
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/value_flow.h"

namespace frost {

struct LossHead {
  std::string node;                   // the loss (or metric) node, e.g. "Mean"
  TensorId label;                     // the input it compares against, e.g. "y"
  std::string comparison;             // where label meets prediction: "Sub", "SoftmaxCrossEntropyWithLogits"
  std::vector<TensorId> predictions;  // the prediction side of that comparison
};

// Among `candidates` (nodes nothing consumes), those that are loss heads over
// `sources` (the tensors a user feeds: placeholders, pipeline components).
// A source L is a label when every candidate its values reach is a head for
// it: the nodes between L and the candidate (its head) meet values computed
// from the other sources only in comparison ops (Sub, SquaredDifference, Mul,
// Equal/NotEqual, Abs-free cross-entropies), with matching ranks where known,
// and the head reduces (Mean, Sum, a cross-entropy op). The predictions are
// the other sides of those comparisons, stepped back through what losses do to
// a prediction first (Log, clipping, division by its own sum).
std::vector<LossHead> find_loss_heads(const Graph& g, const ValueFlow& flow, const std::vector<std::string>& candidates,
                                      const std::vector<TensorId>& sources);

}  // namespace frost
