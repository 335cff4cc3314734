#include "io/keras/keras_hdf5_reader.h"

#include <filesystem>

#include "io/keras/byte_stream.h"
#include "io/keras/child_process.h"
#include "io/keras/hdf5_file.h"

namespace frost::keras {

namespace {

constexpr int kMaxRank = 8;
constexpr int kMaxDepth = 64;

// Time allowed to the child: generous for a slow disk (8 MiB/s), short
// enough that a library stuck in a loop is noticed. Keras files of a few
// hundred KB read in milliseconds.
double time_limit(int64_t bytes) { return 5.0 + static_cast<double>(bytes) / (8 << 20); }

void write_tensor(ByteWriter& w, const Tensor& t) {
  w.u64(static_cast<uint64_t>(t.dtype()));
  w.u64(static_cast<uint64_t>(t.shape().rank()));
  for (int64_t d : t.shape().dims()) w.u64(static_cast<uint64_t>(d));
  w.bytes(t.raw_data(), t.byte_size());
}

Tensor read_tensor(ByteReader& r) {
  const auto dtype = static_cast<DType>(r.u64());
  const uint64_t rank = r.u64();
  if (rank > kMaxRank) throw Error("internal: child process sent a tensor of rank " + std::to_string(rank));
  std::vector<int64_t> dims;
  for (uint64_t i = 0; i < rank; ++i) dims.push_back(static_cast<int64_t>(r.u64()));
  Tensor t(dtype, Shape(std::move(dims)));
  r.bytes_into(t.raw_data(), t.byte_size());
  return t;
}

void write_layer(ByteWriter& w, const LayerWeights& layer) {
  w.u64(layer.names.size());
  for (size_t i = 0; i < layer.names.size(); ++i) {
    w.str(layer.names[i]);
    write_tensor(w, layer.values[i]);
  }
  w.u64(layer.children.size());
  for (const auto& [key, child] : layer.children) {
    w.str(key);
    write_layer(w, child);
  }
}

LayerWeights read_layer(ByteReader& r, int depth) {
  if (depth > kMaxDepth) throw Error("internal: child process sent weights nested too deeply");
  LayerWeights layer;
  for (uint64_t i = 0, n = r.u64(); i < n; ++i) {
    layer.names.push_back(r.str());
    layer.values.push_back(read_tensor(r));
  }
  for (uint64_t i = 0, n = r.u64(); i < n; ++i) {
    std::string key = r.str();
    layer.children[key] = read_layer(r, depth + 1);
  }
  return layer;
}

void write_weights(ByteWriter& w, const KerasWeights& weights) {
  w.u64(weights.layers.size());
  for (const auto& [name, layer] : weights.layers) {
    w.str(name);
    write_layer(w, layer);
  }
}

KerasWeights read_weights(ByteReader& r) {
  KerasWeights weights;
  for (uint64_t i = 0, n = r.u64(); i < n; ++i) {
    std::string name = r.str();
    weights.layers[name] = read_layer(r, 0);
  }
  return weights;
}

// In the child: the file's root attributes, then (when it is a whole model) its weights.
std::string keras2_in_child(const std::string& path) {
  const Hdf5File file = Hdf5File::open(path);
  const Hdf5Group root = file.root();
  ByteWriter w;
  const std::optional<std::string> config = root.string_attribute("model_config");
  w.u64(config.has_value());
  if (!config) {
    w.u64(root.has_attribute("layer_names") || root.is_group("model_weights"));
    return w.take();
  }
  w.str(*config);
  w.str(root.string_attribute("keras_version").value_or(""));
  const bool has_weights = root.is_group("model_weights");
  w.u64(has_weights);
  if (!has_weights) return w.take();
  try {
    const KerasWeights weights = read_keras2_weights(root.group("model_weights"));
    w.u64(0);
    write_weights(w, weights);
  } catch (const Error& e) {
    w.u64(1);
    write_error(w, e);
  }
  return w.take();
}

}  // namespace

Keras2File read_keras2_file(const std::string& path) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  std::string message;
  try {
    message = run_in_child([&] { return keras2_in_child(path); }, "the HDF5 library reading the file",
                           time_limit(ec ? 0 : static_cast<int64_t>(bytes)));
  } catch (Error& e) {
    e.file(path);
    throw;
  }
  ByteReader r(message);
  Keras2File out;
  if (r.u64() == 0) {
    out.weights_only = r.u64() != 0;
    return out;
  }
  out.model_config = r.str();
  out.keras_version = r.str();
  out.has_model_weights = r.u64() != 0;
  if (!out.has_model_weights) return out;
  if (r.u64() == 0) {
    out.weights = read_weights(r);
  } else {
    out.weights_error = read_error(r);
  }
  return out;
}

KerasWeights read_keras3_weights_image(const std::string& image, const std::string& name) {
  std::string message;
  try {
    message = run_in_child(
        [&] {
          const Hdf5File file = Hdf5File::from_bytes(image, name);
          ByteWriter w;
          write_weights(w, read_keras3_weights(file.root()));
          return w.take();
        },
        "the HDF5 library reading the file", time_limit(static_cast<int64_t>(image.size())));
  } catch (Error& e) {
    e.file(name);
    throw;
  }
  ByteReader r(message);
  return read_weights(r);
}

}  // namespace frost::keras
