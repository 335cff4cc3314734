// A Keras model's variables, per layer, from either file layout:
//  - Keras 2 HDF5: model_weights/LAYER with a `weight_names` attribute listing
//    datasets ("dense_1/kernel:0") in the layer's creation order;
//  - Keras 3 weights HDF5 (inside .keras): layers/KEY/vars/0,1,... with the
//    layer's name in the `name` attribute of `vars`, and sub-objects as
//    groups beside vars (cell, forward_layer, backward_layer, layer, layers).
// Both become one tree; converters take variables by position and check the count.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/tensor.h"
#include "io/keras/hdf5_file.h"

namespace frost::keras {

struct LayerWeights {
  std::vector<std::string> names;  // as in the file ("dense/kernel:0", or "vars/0")
  std::vector<Tensor> values;
  // Keras 3 sub-objects by attribute ("cell", "forward_layer", "layer") and,
  // under "layers", a nested model's layers by layer name.
  std::map<std::string, LayerWeights> children;

  const LayerWeights* child(const std::string& key) const;
  // The weights of layer `name` of a nested model held here: Keras 3's
  // layers/NAME, or (Keras 2, where a nested model's variables are all listed
  // in one group) the variables whose path has a component NAME.
  LayerWeights sublayer(const std::string& name) const;
};

struct KerasWeights {
  std::map<std::string, LayerWeights> layers;  // top-level layers by name
};

// Keras 2: the `model_weights` group (or the root of a weights-only file).
KerasWeights read_keras2_weights(const Hdf5Group& model_weights);
// Keras 3: the root of model.weights.h5.
KerasWeights read_keras3_weights(const Hdf5Group& root);

}  // namespace frost::keras
