// The one entry point for "a model file" as a graph: a GraphDef (.pb binary
// or text) or a Keras model (HDF5 or .keras archive, recognised by content,
// converted in memory). Commands and the runtime load models through this.
#pragma once

#include <string>

#include "graph/graph.h"
#include "io/keras_graph/keras_model.h"

namespace frost {

Graph load_model_file(const std::string& path, const KerasLoadOptions& keras = {});

}  // namespace frost
