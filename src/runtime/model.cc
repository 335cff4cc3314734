#include "runtime/model.h"

#include "graph/graphdef_convert.h"
#include "graph/validate.h"

namespace frost {

Backend parse_backend(const std::string& name) {
  if (name == "reference") return Backend::Reference;
  throw Error("unknown backend '" + name + "' (available: reference)");
}

std::string backend_name(Backend b) {
  switch (b) {
    case Backend::Reference: return "reference";
  }
  return "?";
}

Model Model::load(const std::string& path) {
  Graph g = load_graph(path);
  validate_graph(g);
  return Model(std::move(g));
}

Model::Model(Graph graph)
    : graph_(std::move(graph)), inputs_(detect_inputs(graph_)), outputs_(detect_outputs(graph_)) {}

std::vector<Tensor> Model::run(const FeedMap& feeds, const std::vector<TensorId>& fetches, Backend backend,
                               const RunOptions& options) const {
  switch (backend) {
    case Backend::Reference: return run_reference(graph_, feeds, fetches, options);
  }
  throw Error("backend not available");
}

}  // namespace frost
