// Walks a Keras model's layers and calls (Sequential or Functional, shared
// layers, nested models) and converts each call in dependency order, as
// Keras's own from_config does.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "io/keras/keras_config.h"
#include "io/keras/keras_weights.h"
#include "io/keras_graph/graph_builder.h"

namespace frost::keras {

struct BuildOptions {
  int64_t batch = -1;  // > 0: the inputs' batch dimension is fixed to it
  int keras_major = 2;
};

using WeightsLookup = std::function<LayerWeights(const std::string& layer)>;

// Converts `model`. `fed` gives the values of its inputs (a nested model's
// call); when null, each input becomes a Placeholder named after its
// InputLayer. `prefix` prefixes every node name ("" or "encoder/").
// Returns the model's outputs in order.
std::vector<Value> build_model(GraphBuilder& b, const KerasModelConfig& model, const WeightsLookup& weights,
                               const std::string& prefix, const std::vector<Value>* fed, const BuildOptions& options);

// A Keras name made a valid TensorFlow node name (other characters -> '_').
std::string node_name(const std::string& keras_name);

}  // namespace frost::keras
