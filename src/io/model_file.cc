#include "io/model_file.h"

#include "graph/graphdef_convert.h"

namespace frost {

Graph load_model_file(const std::string& path, const KerasLoadOptions& keras) {
  if (keras_format(path) != KerasFormat::None) return load_keras_model(path, keras);
  return load_graph(path);
}

}  // namespace frost
