// The library's one recipe from a model file to the session users run:
// load and validate the graph, then optimise it for inference (src/freeze)
// keeping every tensor the caller will feed or fetch, with placeholders fixed
// by `set`. The CLI, the benchmarks and the public C/C++ APIs all prepare
// models here, so a model runs the same whichever of them loads it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "runtime/session.h"

namespace frost {

struct LoadOptions {
  // Tensors the caller will feed ("x", "x:0"; any tensor, not only
  // placeholders). Empty: the detected inputs.
  std::vector<std::string> inputs;
  // Tensors the caller will fetch. Empty: the detected outputs.
  std::vector<std::string> outputs;
  // Placeholders fixed for inference, name -> value text
  // (keras_learning_phase=false, keep_prob=1.0), parsed by set_values.h.
  // Applied by the optimiser: with optimize off they must be fed instead.
  std::map<std::string, std::string> set;
  // Off: the graph runs as written (layer-by-layer checks need its names).
  bool optimize = true;
  // Off for the FPGA backend: no CPU-only fusions (PassContext::cpu_fusions).
  bool cpu_fusions = true;
};

// Loads `path` (.pb/.pbtxt, or a Keras .h5/.keras converted in memory) and prepares it as `options` say. Throws
// frost::Error naming the file, node and op.
Session load_session(const std::string& path, const LoadOptions& options = {});

// `loaded` prepared as `options` say (a copy when optimize is off).
Session prepare_session(const Session& loaded, const LoadOptions& options);

}  // namespace frost
