#include "cli/model_args.h"

#include <omp.h>

#include "graph/tensor_names.h"
#include "io/graph_file.h"
#include "io/npy.h"
#include "runtime/random_inputs.h"

namespace frost::cli {

void set_threads_from_args(const Args& args) {
  const long long threads = args.integer("threads", 0);
  if (threads < 0 || threads > 1024) throw Error("--threads must be between 0 and 1024");
  if (threads > 0) omp_set_num_threads(static_cast<int>(threads));
}

Tensor read_input_file(const std::string& file) {
  try {
    const bool npy = file.size() > 4 && file.substr(file.size() - 4) == ".npy";
    return npy ? read_npy(file) : Tensor::string_scalar(read_file_bytes(file));
  } catch (Error& e) {
    e.file(file);
    throw;
  }
}

FeedMap feeds_from_args(const Session& model, const Args& args) {
  FeedMap feeds;
  for (const std::string& spec : args.values("input")) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw Error("--input expects NAME=FILE.npy, got '" + spec + "'");
    const TensorId id = resolve_tensor(model.graph(), spec.substr(0, eq));
    const std::string file = spec.substr(eq + 1);
    const Tensor value = read_input_file(file);
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
    const TensorId id = in.tensor();
    if (feeds.count(id) || in.has_default) continue;
    if (!random)
      throw Error("input '" + in.name + "' (" + dtype_name(in.dtype) + " " + in.shape.to_string() +
                  ") needs a value: pass --input " + in.name + "=FILE.npy or --random-inputs SEED");
    feeds[id] = random_input(in, seed);
  }
  return feeds;
}

std::vector<TensorId> fetches_from_args(const Session& model, const Args& args) {
  std::vector<TensorId> fetches;
  for (const std::string& name : args.values("output")) fetches.push_back(resolve_tensor(model.graph(), name));
  if (fetches.empty())
    for (const GraphOutput& o : model.outputs()) fetches.push_back(TensorId::parse(o.name));
  if (fetches.empty()) throw Error("no outputs detected in the graph; name them with --output NAME");
  return fetches;
}

std::map<std::string, std::string> set_specs_from_args(const Args& args) {
  std::map<std::string, std::string> set;
  for (const std::string& spec : args.values("set")) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("--set expects NAME=VALUE, got '" + spec + "'");
    set[spec.substr(0, eq)] = spec.substr(eq + 1);
  }
  return set;
}

LoadOptions load_options_from_args(const Args& args) {
  LoadOptions options;
  options.outputs = args.values("output");
  for (const std::string& spec : args.values("input")) options.inputs.push_back(spec.substr(0, spec.find('=')));
  options.set = set_specs_from_args(args);
  options.optimize = !args.flag("no-optimize");
  options.cpu_fusions = args.value("backend", "cpu") != "fpga";
  return options;
}

Session prepared_model(const std::string& path, const Args& args) {
  return load_session(path, load_options_from_args(args));
}

std::string file_safe_name(const std::string& tensor_name) {
  std::string out = tensor_name;
  for (char& c : out)
    if (c == '/' || c == ':' || c == '\\' || c == ' ') c = '_';
  return out;
}

}  // namespace frost::cli
