// Keras models without TensorFlow: a Keras 2 HDF5 file (`model_config` +
// `model_weights`, as Keras 2.x and tf.keras write) or a Keras 3 `.keras`
// archive becomes the inference graph TensorFlow itself would freeze, made
// of standard ops (Conv2D, BiasAdd, FusedBatchNormV3, MatMul, ...; recurrent
// layers unrolled over their known time steps). Inputs are Placeholders named
// after the InputLayers; every layer's output is the node named after the layer.
#pragma once

#include <cstdint>
#include <string>

#include "graph/graph.h"

namespace frost {

struct KerasLoadOptions {
  int64_t batch = -1;  // > 0: fix the inputs' batch dimension
};

enum class KerasFormat { None, Hdf5, Archive };

// What the file's first bytes say it is (not its extension: Keras files are
// found under any name). None for anything else, including a missing file.
KerasFormat keras_format(const std::string& path);

// The inference graph of the Keras model in `path`. Throws one frost::Error
// naming the file (and the layer and its class where one is at fault) for a
// weights-only file, a layer Frost does not convert (Lambda, custom classes),
// missing or misshapen weights, or a corrupt file.
Graph load_keras_model(const std::string& path, const KerasLoadOptions& options = {});

}  // namespace frost
