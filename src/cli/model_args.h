// Argument handling shared by the commands that run a model (run, check, eval,
// bench): feeds from .npy files or seeded random values, fetch names resolved
// against the graph, the backend choice.
#pragma once

#include <string>
#include <vector>

#include "cli/args.h"
#include "runtime/model.h"

namespace frost::cli {

// `--input NAME=FILE.npy` (repeatable) and `--random-inputs SEED`: explicit
// inputs win; every required input left over gets a random value if a seed
// was given, otherwise an error says how to feed it.
FeedMap feeds_from_args(const Model& model, const Args& args);

// `--output NAME` (repeatable, comma lists) or the detected outputs.
std::vector<TensorId> fetches_from_args(const Model& model, const Args& args);

// "conv1/Relu:0" -> "conv1_Relu_0", for file names.
std::string file_safe_name(const std::string& tensor_name);

}  // namespace frost::cli
