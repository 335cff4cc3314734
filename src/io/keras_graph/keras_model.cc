#include "io/keras_graph/keras_model.h"

#include <fstream>

#include "io/keras/hdf5_file.h"
#include "io/keras/keras_archive.h"
#include "io/keras/keras_config.h"
#include "io/keras/keras_hdf5_reader.h"
#include "io/keras_graph/model_builder.h"

namespace frost {

using namespace keras;

KerasFormat keras_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return KerasFormat::None;
  std::string head(8, '\0');
  in.read(head.data(), 8);
  head.resize(static_cast<size_t>(in.gcount()));
  if (has_hdf5_signature(head)) return KerasFormat::Hdf5;
  if (has_zip_signature(head)) return KerasFormat::Archive;
  return KerasFormat::None;
}

namespace {

int major_version(const std::string& version, int fallback) {
  if (version.empty() || version[0] < '1' || version[0] > '9') return fallback;
  return version[0] - '0';
}

// Keras 3's metadata.json: {"keras_version": "3.15.1", ...}.
int archive_major(const std::string& metadata_json, const std::string& source) {
  if (metadata_json.empty()) return 3;
  const JsonValue meta = parse_json(metadata_json, source + ":metadata.json");
  const JsonValue* v = meta.find("keras_version");
  return v && v->kind == JsonValue::Kind::String ? major_version(v->string, 3) : 3;
}

Graph build(const KerasConfig& config, const KerasWeights& weights, const std::string& path, int major,
            const KerasLoadOptions& options) {
  Graph g;
  g.source = path;
  GraphBuilder b(g);
  BuildOptions build_options{options.batch, major};
  const auto lookup = [&weights](const std::string& layer) {
    const auto it = weights.layers.find(layer);
    return it == weights.layers.end() ? LayerWeights{} : it->second;
  };
  build_model(b, *config.model, lookup, "", nullptr, build_options);
  g.versions.producer = 1994;  // TensorFlow 2.x GraphDefs; no op here needs a newer one
  return g;
}

Graph load_hdf5(const std::string& path, const KerasLoadOptions& options) {
  const Keras2File file = read_keras2_file(path);
  if (!file.model_config) {
    throw std::move(Error(file.weights_only ? "a weights-only Keras file (no model_config attribute): it holds the "
                                              "weights but not the architecture; load it into the model in Keras "
                                              "and save the whole model"
                                            : "an HDF5 file that is not a Keras model (no model_config attribute)")
                        .file(path));
  }
  const KerasConfig config = parse_keras_config(*file.model_config, path);
  const int major = major_version(file.keras_version, 2);
  if (!file.has_model_weights)
    throw std::move(Error("the Keras file has a model_config but no model_weights group (saved without weights?)").file(path));
  if (file.weights_error) throw *file.weights_error;
  return build(config, file.weights, path, major, options);
}

Graph load_archive(const std::string& path, const KerasLoadOptions& options) {
  const KerasArchive archive = read_keras_archive(path);
  const KerasConfig config = parse_keras_config(archive.config_json, path + ":config.json");
  const KerasWeights weights = read_keras3_weights_image(archive.weights_h5, path + ":model.weights.h5");
  return build(config, weights, path, archive_major(archive.metadata_json, path), options);
}

}  // namespace

Graph load_keras_model(const std::string& path, const KerasLoadOptions& options) {
  try {
    switch (keras_format(path)) {
      case KerasFormat::Hdf5: return load_hdf5(path, options);
      case KerasFormat::Archive: return load_archive(path, options);
      case KerasFormat::None: break;
    }
    std::ifstream probe(path, std::ios::binary);
    throw Error(probe ? "not a Keras model file (neither HDF5 nor a .keras zip archive)" : "cannot open file");
  } catch (Error& e) {
    e.file(path);
    throw;
  }
}

}  // namespace frost
