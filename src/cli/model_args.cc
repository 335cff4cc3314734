#include "cli/model_args.h"

#include "graph/tensor_names.h"
#include "io/graph_file.h"
#include "io/npy.h"
#include "runtime/random_inputs.h"

namespace frost::cli {

FeedMap feeds_from_args(const Model& model, const Args& args) {
  FeedMap feeds;
  for (const std::string& spec : args.values("input")) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw Error("--input expects NAME=FILE.npy, got '" + spec + "'");
    const TensorId id = resolve_tensor(model.graph(), spec.substr(0, eq));
    const std::string file = spec.substr(eq + 1);
    Tensor value;
    try {
      // A .npy holds an array; any other file is fed whole as a string scalar
      // (e.g. a .wav for graphs that start with DecodeWav).
      value = file.size() > 4 && file.substr(file.size() - 4) == ".npy" ? read_npy(file)
                                                                         : Tensor::string_scalar(read_file_bytes(file));
    } catch (Error& e) {
      e.file(file);
      throw;
    }
    try {
      check_feed(model.graph(), id, value);
    } catch (Error& e) {
      e.file(file);
      throw;
    }
    feeds[id] = value;
  }
  const bool random = args.has("random-inputs");
  const auto seed = static_cast<uint64_t>(args.integer("random-inputs", 0));
  for (const GraphInput& in : model.inputs()) {
    const TensorId id{in.name, 0, false};
    if (feeds.count(id) || in.has_default) continue;
    if (!random)
      throw Error("input '" + in.name + "' (" + dtype_name(in.dtype) + " " + in.shape.to_string() +
                  ") needs a value: pass --input " + in.name + "=FILE.npy or --random-inputs SEED");
    feeds[id] = random_input(in, seed);
  }
  return feeds;
}

std::vector<TensorId> fetches_from_args(const Model& model, const Args& args) {
  std::vector<TensorId> fetches;
  for (const std::string& name : args.values("output")) fetches.push_back(resolve_tensor(model.graph(), name));
  if (fetches.empty())
    for (const GraphOutput& o : model.outputs()) fetches.push_back(TensorId::parse(o.name));
  if (fetches.empty()) throw Error("no outputs detected in the graph; name them with --output NAME");
  return fetches;
}

std::string file_safe_name(const std::string& tensor_name) {
  std::string out = tensor_name;
  for (char& c : out)
    if (c == '/' || c == ':' || c == '\\' || c == ' ') c = '_';
  return out;
}

}  // namespace frost::cli
