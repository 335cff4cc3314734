// Argument handling shared by the commands that run a model (run, check, eval,
// bench, compile): feeds from .npy files or seeded random values, fetch names
// resolved against the graph, and the flags that become the library's
// LoadOptions (src/api/load_session.h).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "api/load_session.h"
#include "cli/args.h"
#include "runtime/session.h"

namespace frost::cli {

// A value from a file: an array from a .npy, any other file whole as a string
// scalar (e.g. a .wav for graphs that start with DecodeWav). Errors name the file.
Tensor read_input_file(const std::string& file);

// `--input NAME=FILE.npy` (repeatable) and `--random-inputs SEED`: explicit
// inputs win; every required input left over gets a random value if a seed
// was given, otherwise an error says how to feed it.
FeedMap feeds_from_args(const Session& model, const Args& args);

// `--output NAME` (repeatable, comma lists) or the detected outputs.
std::vector<TensorId> fetches_from_args(const Session& model, const Args& args);

// `--set NAME=VALUE` (repeatable): name -> value text, for the one parser of
// such values (freeze/set_values.h), which gives it the placeholder's dtype.
std::map<std::string, std::string> set_specs_from_args(const Args& args);

// --input/--output names kept, --set values, --no-optimize.
LoadOptions load_options_from_args(const Args& args);

// The model as the user asked to run it: load_session with the options above,
// so every tensor named by --input/--output still exists.
Session prepared_model(const std::string& path, const Args& args);

// "conv1/Relu:0" -> "conv1_Relu_0", for file names.
std::string file_safe_name(const std::string& tensor_name);

// --threads N (N >= 1): the OpenMP threads the kernels use; 0 or absent keeps
// OpenMP's default (OMP_NUM_THREADS, else one per core).
void set_threads_from_args(const Args& args);

}  // namespace frost::cli
