// Argument handling shared by the commands that run a model (run, check, eval,
// bench): feeds from .npy files or seeded random values, fetch names resolved
// against the graph, the backend choice.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cli/args.h"
#include "runtime/model.h"

namespace frost::cli {

// A value from a file: an array from a .npy, any other file whole as a string
// scalar (e.g. a .wav for graphs that start with DecodeWav). Errors name the file.
Tensor read_input_file(const std::string& file);

// `--input NAME=FILE.npy` (repeatable) and `--random-inputs SEED`: explicit
// inputs win; every required input left over gets a random value if a seed
// was given, otherwise an error says how to feed it.
FeedMap feeds_from_args(const Model& model, const Args& args);

// `--output NAME` (repeatable, comma lists) or the detected outputs.
std::vector<TensorId> fetches_from_args(const Model& model, const Args& args);

// `--set NAME=VALUE` (repeatable): placeholders fixed for inference
// (keras_learning_phase=false, keep_prob=1). VALUE is parsed as the
// placeholder's dtype (bool: true/false/1/0; numbers otherwise).
std::map<std::string, Tensor> set_values_from_args(const Graph& g, const Args& args);

// The model as the user asked to run it: optimised for inference unless
// `--no-optimize`, keeping the tensors named by --input/--output (and feeds
// from --set fixed), so every later fetch still exists.
Model prepared_model(const std::string& path, const Args& args);

// `model` optimised for inference (src/freeze), keeping `outputs` computable
// and `inputs` feedable (empty: the detected ones), with `set` placeholders fixed.
Model optimized_model(const Model& model, const std::vector<TensorId>& outputs, const std::vector<TensorId>& inputs,
                      const std::map<std::string, Tensor>& set = {});

// "conv1/Relu:0" -> "conv1_Relu_0", for file names.
std::string file_safe_name(const std::string& tensor_name);

// --threads N (N >= 1): the OpenMP threads the kernels use; 0 or absent keeps
// OpenMP's default (OMP_NUM_THREADS, else one per core).
void set_threads_from_args(const Args& args);

}  // namespace frost::cli
