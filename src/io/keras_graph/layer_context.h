// What a layer converter sees: the builder, the layer's config and weights,
// the node-name scope of this call, and the Keras major version (2 or 3:
// a few defaults and formulas differ, e.g. hard_sigmoid).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "io/keras/keras_config.h"
#include "io/keras/keras_weights.h"
#include "io/keras_graph/graph_builder.h"

namespace frost::keras {

struct LayerContext {
  GraphBuilder& b;
  const KerasLayer& layer;
  LayerConfig config;
  const LayerWeights& weights;
  std::string scope;         // prefix of this call's nodes ("dense_1", "encoder/dense_1", "dense_1_1")
  std::string weight_scope;  // prefix of the layer's weight constants, shared by all its calls
  int keras_major = 2;

  std::string name(const std::string& op) const { return scope + "/" + op; }
  Error error(const std::string& message) const { return config.error(message); }

  // Checks that the file holds exactly the weights `names` lists (in the
  // layer's creation order) and returns them as constants named
  // WEIGHT_SCOPE/NAME. A wrong count is the "missing weights" error.
  std::vector<Value> take_weights(const std::vector<std::string>& names) const;
  // The raw tensors, same check, for converters that transform them first.
  std::vector<Tensor> weight_tensors(const std::vector<std::string>& names) const;
  Value constant_weight(const std::string& name, const Tensor& t) const {
    return b.weight(weight_scope + "/" + name, t);
  }

  // A context for an inner layer (a wrapper's, a cell's) with its own weights.
  LayerContext inner(const KerasLayer& inner_layer, const LayerWeights& inner_weights, const std::string& suffix) const;
};

using LayerConverter = std::function<std::vector<Value>(LayerContext&, const std::vector<Value>& inputs)>;

// The converter for a Keras class name, or nullptr.
const LayerConverter* find_layer_converter(const std::string& class_name);
// Converts one call of `ctx.layer` (used by wrappers for their inner layer).
std::vector<Value> convert_layer(LayerContext& ctx, const std::vector<Value>& inputs);

// Each family registers its classes (layers/*.cc).
using LayerTable = std::map<std::string, LayerConverter>;
void register_core_layers(LayerTable& t);
void register_activation_layers(LayerTable& t);
void register_conv_layers(LayerTable& t);
void register_pooling_layers(LayerTable& t);
void register_normalization_layers(LayerTable& t);
void register_merge_layers(LayerTable& t);
void register_reshaping_layers(LayerTable& t);
void register_recurrent_layers(LayerTable& t);

// Shared helpers of the converters.
// Keras's activation by name ("relu", "softmax", "linear", ...) applied to x;
// the result's node is named NAME/Op.
Value apply_activation(LayerContext& ctx, const std::string& activation, const Value& x);
// The one input of a single-input layer (errors name the layer otherwise).
const Value& single_input(const LayerContext& ctx, const std::vector<Value>& inputs);
// The ranks a layer accepts; a clear error otherwise.
void require_rank(const LayerContext& ctx, const Value& x, int rank);
// "channels_last" unless the config says otherwise; channels_first is refused
// with a clear message by layers that do not handle it.
bool channels_first(const LayerContext& ctx);

}  // namespace frost::keras

namespace frost::keras {
// channels_first support by transposition around the NHWC ops TensorFlow runs
// on a CPU: NC... -> N...C before, N...C -> NC... after.
Value to_channels_last(LayerContext& ctx, const Value& x);
Value to_channels_first(LayerContext& ctx, const Value& x);
}  // namespace frost::keras
