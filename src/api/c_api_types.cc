#include <algorithm>

#include "api/c_api_types.h"
#include "freeze/set_values.h"
#include "graph/shape_inference.h"
#include "graph/tensor_names.h"
#include "runtime/executor.h"

namespace frost::api {

namespace {

TensorInfo info_of(const std::string& name, DType dtype, const PartialShape& shape) {
  TensorInfo info;
  info.name = name;
  info.dtype = c_dtype_supported(dtype) ? static_cast<int>(dtype) : 0;
  info.known_rank = shape.known_rank();
  if (shape.known_rank()) info.dims = shape.dims();
  return info;
}

}  // namespace

ModelInfo model_info(const Session& session, const LoadOptions& options) {
  const Graph& g = session.graph();
  const std::map<TensorId, InferredTensor> inferred = infer_shapes(g);
  auto inferred_info = [&](const TensorId& id) {
    const auto it = inferred.find(id);
    return it == inferred.end() ? info_of(id.to_string(), DType::Invalid, PartialShape::unknown())
                                : info_of(id.to_string(), it->second.dtype, it->second.shape);
  };
  ModelInfo info;
  if (options.inputs.empty()) {
    // A PlaceholderWithDefault need not be fed (it can be, by name): listed
    // are the inputs a run needs.
    for (const GraphInput& in : session.inputs())
      if (!in.has_default) info.inputs.push_back(info_of(in.name, in.dtype, in.shape));
  } else {
    for (const std::string& name : options.inputs) info.inputs.push_back(inferred_info(resolve_tensor(g, name)));
  }
  if (options.outputs.empty()) {
    for (const GraphOutput& out : session.outputs()) info.fetches.push_back(resolve_tensor(g, out.name));
  } else {
    for (const std::string& name : options.outputs) info.fetches.push_back(resolve_tensor(g, name));
  }
  for (const TensorId& id : info.fetches) info.outputs.push_back(inferred_info(id));
  return info;
}

void check_options(const Graph& g, const LoadOptions& options) {
  for (const std::string& name : options.inputs) resolve_argument(g, name);
  for (const std::string& name : options.outputs) resolve_argument(g, name);
  try {
    set_values_for(g, options.set);
  } catch (const Error& e) {
    throw ArgumentError(e);
  }
}

TensorId resolve_argument(const Graph& g, const std::string& name) {
  try {
    return resolve_tensor(g, name);
  } catch (const Error& e) {
    throw ArgumentError(e);
  }
}

void check_feed_argument(const Graph& g, const TensorId& id, const Tensor& value) {
  try {
    check_feed(g, id, value);
  } catch (const Error& e) {
    throw ArgumentError(e);
  }
}

bool c_dtype_supported(DType t) {
  static constexpr DType kSupported[] = {DType::Float,  DType::Double, DType::Int32, DType::UInt8, DType::Int16,
                                         DType::Int8,   DType::Int64,  DType::Bool,  DType::UInt16};
  return std::find(std::begin(kSupported), std::end(kSupported), t) != std::end(kSupported);
}

}  // namespace frost::api
