// What the Keras loader needs from an HDF5 file, read by libhdf5 in a child
// process (child_process.h) and handed back as plain data: a crash or a hang
// of the library on a corrupt file is then one frost::Error here, and this
// process never runs libhdf5 itself.
#pragma once

#include <optional>
#include <string>

#include "graph/error.h"
#include "io/keras/keras_weights.h"

namespace frost::keras {

// A Keras 2 model file (.h5): its root attributes and its weights.
struct Keras2File {
  std::optional<std::string> model_config;  // the architecture JSON; absent in weights-only files
  std::string keras_version;                // "" when absent
  bool weights_only = false;  // no model_config, but layer_names or model_weights (for the error message)
  bool has_model_weights = false;
  // Read when model_config and model_weights are both there. An error reading
  // them is kept, not thrown, so the caller can first report a bad config.
  KerasWeights weights;
  std::optional<Error> weights_error;
};

Keras2File read_keras2_file(const std::string& path);

// The weights of a Keras 3 archive: its model.weights.h5 image, named `name` in errors.
KerasWeights read_keras3_weights_image(const std::string& image, const std::string& name);

}  // namespace frost::keras
