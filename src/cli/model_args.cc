#include "cli/model_args.h"

#include <omp.h>

#include "freeze/pass_driver.h"
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

FeedMap feeds_from_args(const Model& model, const Args& args) {
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

std::vector<TensorId> fetches_from_args(const Model& model, const Args& args) {
  std::vector<TensorId> fetches;
  for (const std::string& name : args.values("output")) fetches.push_back(resolve_tensor(model.graph(), name));
  if (fetches.empty())
    for (const GraphOutput& o : model.outputs()) fetches.push_back(TensorId::parse(o.name));
  if (fetches.empty()) throw Error("no outputs detected in the graph; name them with --output NAME");
  return fetches;
}

std::map<std::string, Tensor> set_values_from_args(const Graph& g, const Args& args) {
  std::map<std::string, Tensor> values;
  for (const std::string& spec : args.values("set")) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("--set expects NAME=VALUE, got '" + spec + "'");
    const TensorId id = resolve_tensor(g, spec.substr(0, eq));
    const std::string text = spec.substr(eq + 1);
    const Node& n = g.at(id.node);
    const DType t = dtype_base(static_cast<int>(n.attr_type_or("dtype", DType::Float)));
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    const bool numeric = !text.empty() && *end == '\0';
    Tensor v;
    if (t == DType::Bool) {
      if (text != "true" && text != "false" && text != "1" && text != "0")
        throw Error("--set " + id.node + ": expected true or false, got '" + text + "'");
      v = Tensor::scalar<bool>(text == "true" || text == "1");
    } else if (!numeric) {
      throw Error("--set " + id.node + ": expected a number, got '" + text + "'");
    } else if (t == DType::Float) {
      v = Tensor::scalar<float>(static_cast<float>(number));
    } else if (t == DType::Double) {
      v = Tensor::scalar<double>(number);
    } else if (t == DType::Int32) {
      v = Tensor::scalar<int32_t>(static_cast<int32_t>(number));
    } else if (t == DType::Int64) {
      v = Tensor::scalar<int64_t>(static_cast<int64_t>(number));
    } else {
      throw Error("--set " + id.node + ": placeholders of dtype " + dtype_name(t) + " cannot be set");
    }
    values[id.node] = v;
  }
  return values;
}

Model optimized_model(const Model& model, const std::vector<TensorId>& outputs, const std::vector<TensorId>& inputs,
                      const std::map<std::string, Tensor>& set) {
  OptimizeOptions options;
  for (const TensorId& out : outputs) options.outputs.push_back(out.to_string());
  for (const TensorId& in : inputs) options.inputs.push_back(in.to_string());
  options.set = set;
  options.runtime_fusions = true;  // the graph runs on Frost, not TensorFlow
  options.pipeline_placeholders = false;  // pipeline components keep the names they are fed by
  Graph optimised = optimize_for_inference(model.graph(), options);
  optimised.source = model.graph().source;
  return Model(std::move(optimised));
}

Model prepared_model(const std::string& path, const Args& args) {
  Model model = Model::load(path);
  if (args.flag("no-optimize")) return model;
  std::vector<TensorId> outputs, inputs;
  for (const std::string& out : args.values("output")) outputs.push_back(resolve_tensor(model.graph(), out));
  for (const std::string& spec : args.values("input"))
    inputs.push_back(resolve_tensor(model.graph(), spec.substr(0, spec.find('='))));
  return optimized_model(model, outputs, inputs, set_values_from_args(model.graph(), args));
}

std::string file_safe_name(const std::string& tensor_name) {
  std::string out = tensor_name;
  for (char& c : out)
    if (c == '/' || c == ':' || c == '\\' || c == ' ') c = '_';
  return out;
}

}  // namespace frost::cli
