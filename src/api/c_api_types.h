// What the C API's opaque handles are (include/frost/frost_c.h), and the
// argument checks its entry points share.
#pragma once

#include <frost/frost_c.h>

#include <cstdint>
#include <string>
#include <vector>

#include "api/load_session.h"
#include "graph/error.h"
#include "runtime/session.h"

namespace frost::api {

// A mistake of the caller's (a wrong name, dtype or shape), as opposed to a
// bad model or a failing node: FROST_INVALID_ARGUMENT.
class ArgumentError : public Error {
 public:
  explicit ArgumentError(std::string message) : Error(std::move(message)) {}
  explicit ArgumentError(const Error& e) : Error(e) {}
};

// An input or output as the C API describes it.
struct TensorInfo {
  std::string name;  // "node" or "node:1"
  int dtype = 0;     // frost_dtype (TensorFlow's numbers); 0 when unknown
  bool known_rank = false;
  std::vector<int64_t> dims;  // -1 where unknown

  int rank() const { return known_rank ? static_cast<int>(dims.size()) : -1; }
  int64_t dim(int axis) const {
    return axis >= 0 && axis < static_cast<int>(dims.size()) ? dims[static_cast<size_t>(axis)] : -1;
  }
};

struct ModelInfo {
  std::vector<TensorInfo> inputs, outputs;
  std::vector<TensorId> fetches;  // the outputs, resolved
};

// The inputs and outputs of `session`: those `options` named, else the
// detected ones, with dtypes and shapes from static shape inference.
ModelInfo model_info(const Session& session, const LoadOptions& options);

// The names and set values of `options` checked against `g` (the graph as
// loaded): an unknown name or a value that does not parse is the caller's
// mistake (ArgumentError), not a bad model.
void check_options(const Graph& g, const LoadOptions& options);

// resolve_tensor / check_feed, their errors as ArgumentError.
TensorId resolve_argument(const Graph& g, const std::string& name);
void check_feed_argument(const Graph& g, const TensorId& id, const Tensor& value);

// The dtypes frost_dtype names.
bool c_dtype_supported(DType t);

}  // namespace frost::api

struct frost_status {
  int code = FROST_OK;
  std::string message, file, node, op;
};

struct frost_options {
  frost::Backend backend = frost::Backend::Cpu;
  int threads = 0;
  frost::LoadOptions load;
};

struct frost_tensor {
  frost::Tensor value;
};

struct frost_model {
  frost::Session session;
  frost::Backend backend;
  int threads;
  frost::api::ModelInfo info;
};
