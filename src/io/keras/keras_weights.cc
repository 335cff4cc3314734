#include "io/keras/keras_weights.h"

#include <algorithm>

namespace frost::keras {

namespace {

constexpr int kMaxDepth = 32;
constexpr size_t kMaxVariables = 1 << 20;

// "dense/kernel:0" -> {"dense", "kernel:0"}.
std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

// vars/0, vars/1, ... in numeric order.
void read_vars(const Hdf5Group& vars, LayerWeights& out) {
  std::vector<std::pair<long, std::string>> keys;
  for (const std::string& k : vars.children()) {
    char* end = nullptr;
    const long i = std::strtol(k.c_str(), &end, 10);
    if (k.empty() || *end != '\0' || i < 0) throw Error("HDF5 group '" + vars.path() + "': unexpected entry '" + k + "'");
    keys.emplace_back(i, k);
  }
  std::sort(keys.begin(), keys.end());
  for (const auto& [i, k] : keys) {
    out.names.push_back("vars/" + k);
    out.values.push_back(vars.dataset(k));
  }
}

LayerWeights read_keras3_object(const Hdf5Group& g, int depth);

// A container of layers (a model's `layers` group): each keyed by the layer's
// own name, which Keras 3 keeps in the `name` attribute of its `vars` group
// (the group itself is named after the class: "dense_1", "sequential").
LayerWeights read_layer_list(const Hdf5Group& list, int depth) {
  LayerWeights out;
  for (const std::string& k : list.children()) {
    if (!list.is_group(k)) continue;
    const Hdf5Group layer = list.group(k);
    std::string name = k;
    if (layer.is_group("vars"))
      if (auto n = layer.group("vars").string_attribute("name")) name = *n;
    out.children[name] = read_keras3_object(layer, depth + 1);
  }
  return out;
}

LayerWeights read_keras3_object(const Hdf5Group& g, int depth) {
  if (depth > kMaxDepth) throw Error("HDF5 group '" + g.path() + "': nested too deeply");
  LayerWeights w;
  if (g.is_group("vars")) read_vars(g.group("vars"), w);
  for (const std::string& key : g.children()) {
    if (key == "vars" || !g.is_group(key)) continue;
    w.children[key] = key == "layers" ? read_layer_list(g.group(key), depth) : read_keras3_object(g.group(key), depth + 1);
  }
  return w;
}

}  // namespace

const LayerWeights* LayerWeights::child(const std::string& key) const {
  const auto it = children.find(key);
  return it == children.end() ? nullptr : &it->second;
}

LayerWeights LayerWeights::sublayer(const std::string& name) const {
  if (const LayerWeights* list = child("layers")) {
    if (const LayerWeights* w = list->child(name)) return *w;
    return {};
  }
  LayerWeights out;
  for (size_t i = 0; i < names.size(); ++i) {
    std::vector<std::string> parts = components(names[i]);
    parts.pop_back();
    if (std::find(parts.begin(), parts.end(), name) != parts.end()) {
      out.names.push_back(names[i]);
      out.values.push_back(values[i]);
    }
  }
  return out;
}

KerasWeights read_keras2_weights(const Hdf5Group& model_weights) {
  KerasWeights out;
  std::vector<std::string> layers = model_weights.string_list_attribute("layer_names");
  if (layers.empty() && !model_weights.has_attribute("layer_names")) layers = model_weights.children();
  size_t total = 0;
  for (const std::string& layer : layers) {
    if (!model_weights.is_group(layer)) continue;
    const Hdf5Group g = model_weights.group(layer);
    LayerWeights w;
    for (const std::string& name : g.string_list_attribute("weight_names")) {
      if (++total > kMaxVariables) throw Error("HDF5 group '" + g.path() + "': too many weights");
      w.names.push_back(name);
      w.values.push_back(g.dataset(name));
    }
    out.layers[layer] = std::move(w);
  }
  return out;
}

KerasWeights read_keras3_weights(const Hdf5Group& root) {
  KerasWeights out;
  // Only the model's layers: the optimizer's slots (optimizer/vars) are not needed.
  if (!root.is_group("layers")) return out;
  for (auto& [name, w] : read_layer_list(root.group("layers"), 0).children) out.layers[name] = std::move(w);
  return out;
}

}  // namespace frost::keras
