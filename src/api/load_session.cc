#include "api/load_session.h"

#include "freeze/pass_driver.h"
#include "freeze/set_values.h"
#include "graph/tensor_names.h"

namespace frost {

Session prepare_session(const Session& loaded, const LoadOptions& options) {
  if (!options.optimize) return loaded;
  const Graph& g = loaded.graph();
  OptimizeOptions optimize;
  // Resolved first, so that a wrong name is reported with the close ones.
  for (const std::string& name : options.outputs) optimize.outputs.push_back(resolve_tensor(g, name).to_string());
  for (const std::string& name : options.inputs) optimize.inputs.push_back(resolve_tensor(g, name).to_string());
  optimize.set = set_values_for(g, options.set);
  optimize.runtime_fusions = true;  // the graph runs on Frost, not TensorFlow
  optimize.cpu_fusions = options.cpu_fusions;
  optimize.pipeline_placeholders = false;  // pipeline components keep the names they are fed by
  Graph optimised = optimize_for_inference(g, optimize);
  optimised.source = g.source;
  return Session(std::move(optimised));
}

Session load_session(const std::string& path, const LoadOptions& options) {
  Session loaded = Session::load(path);
  return options.optimize ? prepare_session(loaded, options) : loaded;
}

}  // namespace frost
