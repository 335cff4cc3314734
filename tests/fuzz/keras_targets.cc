// Keras model files as every command loads them (`frost convert`, or any
// command given a .h5/.keras): the bytes as a Keras 2 HDF5 file, as a Keras 3
// .keras archive, and as a bare model config (JSON) converted with no weights
// (so every layer's config checks run before the missing weights are noticed).
// A converted graph is validated, as the CLI does.
#include "fuzz_target.h"
#include "graph/validate.h"
#include "io/keras/keras_config.h"
#include "io/keras_graph/graph_builder.h"
#include "io/keras_graph/keras_model.h"
#include "io/keras_graph/model_builder.h"
#include "scratch_file.h"

namespace frost::fuzz {

void keras_h5(const std::string& bytes) { validate_graph(load_keras_model(write_scratch("model.h5", bytes))); }

void keras_archive(const std::string& bytes) { validate_graph(load_keras_model(write_scratch("model.keras", bytes))); }

void keras_config(const std::string& bytes) {
  const keras::KerasConfig config = keras::parse_keras_config(bytes, "fuzz-config.json");
  Graph g;
  keras::GraphBuilder b(g);
  keras::build_model(b, *config.model, [](const std::string&) { return keras::LayerWeights{}; }, "", nullptr, {});
  validate_graph(g);
}

}  // namespace frost::fuzz
