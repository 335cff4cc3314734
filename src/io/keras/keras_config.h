// The architecture of a Keras model, from its JSON config (the `model_config`
// attribute of a Keras 2 HDF5 file, `config.json` of a Keras 3 archive), in
// one form for both: layers with their calls ("inbound nodes") and the
// model's input and output tensors. Sequential models are turned into the
// equivalent chain; nested models keep their own KerasModelConfig.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graph/error.h"
#include "io/json_reader.h"

namespace frost::keras {

// Output `tensor` of call `node` of `layer` (Keras's keras_history triple).
struct KerasTensorRef {
  std::string layer;
  int node = 0;
  int tensor = 0;
};

struct KerasModelConfig;

// Typed reads of one layer's `config` object. Errors name the layer and its
// class: "Keras layer 'conv2d' (Conv2D): config 'strides': expected ...".
class LayerConfig {
 public:
  LayerConfig(const JsonValue* config, std::string layer, std::string class_name)
      : config_(config), layer_(std::move(layer)), class_(std::move(class_name)) {}

  const JsonValue* find(const std::string& key) const;  // nullptr when absent or null
  bool has(const std::string& key) const { return find(key) != nullptr; }
  std::string string_or(const std::string& key, const std::string& fallback) const;
  int64_t int_or(const std::string& key, int64_t fallback) const;
  double number_or(const std::string& key, double fallback) const;
  bool bool_or(const std::string& key, bool fallback) const;
  // An int or a list of ints (kernel_size: 3 or [3, 3]); a single int is
  // repeated `n` times. Throws when absent and there is no fallback.
  std::vector<int64_t> ints(const std::string& key, size_t n, std::optional<int64_t> fallback = std::nullopt) const;
  // A list that may hold nulls (shapes: [null, 28, 28, 1]); null reads as -1.
  std::vector<int64_t> shape(const std::string& key) const;

  Error error(const std::string& message) const;
  const std::string& layer() const { return layer_; }
  const std::string& class_name() const { return class_; }

 private:
  const JsonValue* config_;
  std::string layer_, class_;
};

struct KerasLayer {
  std::string name;
  std::string class_name;
  const JsonValue* json = nullptr;  // the layer's whole entry ({class_name, config, ...})
  LayerConfig config() const;
  // Each call of the layer in the model: the tensors it was called on, in
  // argument order (lists flattened). InputLayer has none.
  std::vector<std::vector<KerasTensorRef>> calls;
  // Set when the layer is itself a model (Sequential/Functional/Model).
  std::shared_ptr<const KerasModelConfig> nested;
};

struct KerasModelConfig {
  std::string name;
  std::string class_name;  // Sequential, Functional or Model
  std::vector<KerasLayer> layers;
  std::vector<KerasTensorRef> inputs, outputs;
  // Config entries made here (the InputLayer a Sequential model implies).
  std::vector<std::shared_ptr<const JsonValue>> made;

  const KerasLayer* find(const std::string& layer) const;
};

// The parsed document and the model; `document` owns what the layers point into.
struct KerasConfig {
  std::shared_ptr<const JsonValue> document;
  std::shared_ptr<const KerasModelConfig> model;
};

// Whether a class name is a model container rather than a layer.
bool is_model_class(const std::string& class_name);

// Parses the JSON text (`source` names it in errors). Throws naming the file
// and the layer for a config that is not a Keras model.
KerasConfig parse_keras_config(const std::string& json_text, const std::string& source);

}  // namespace frost::keras
