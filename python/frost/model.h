// frost._frost.Model: a loaded, optimised graph as Python sees it. run() converts
// the feeds while holding the GIL, runs with the GIL released (Session::run is
// thread-safe, so one Model serves many Python threads), and converts the results.
// It sits on the facade the public C/C++ API wraps (load_session, Session),
// not on include/frost/frost.h itself: that API has no string, float16 or
// quantised tensors and resolves tensor names on every run, where this
// resolves the default fetches once; the preparation is the same code.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "api/load_session.h"
#include "runtime/session.h"

namespace frost::python {

namespace py = pybind11;

// What a Python user needs to feed or fetch a tensor: its name, dtype (None
// when unknown) and shape (None for an unknown rank, None per unknown dim).
struct TensorInfo {
  std::string name;
  py::object dtype;
  py::object shape;
};

class Model {
 public:
  Model(const std::string& path, const std::string& backend, int threads, const LoadOptions& options);

  const std::vector<TensorInfo>& inputs() const { return inputs_; }
  const std::vector<TensorInfo>& outputs() const { return outputs_; }

  // feeds: name -> array (or anything numpy.asarray takes, as the input's dtype);
  // fetches: names, or None for this model's outputs. Returns name -> array.
  py::dict run(const py::dict& feeds, const std::optional<std::vector<std::string>>& fetches) const;

 private:
  std::shared_ptr<const Session> session_;
  Backend backend_;
  int threads_;
  std::vector<TensorInfo> inputs_, outputs_;
  std::vector<TensorId> default_fetches_;
  std::map<std::string, py::object> input_dtypes_;  // for non-array feeds
};

void bind_model(py::module_& m);

}  // namespace frost::python
