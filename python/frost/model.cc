#include "model.h"

#include <pybind11/stl.h>

#include "graph/shape_inference.h"
#include "graph/tensor_names.h"
#include "numpy_tensor.h"

namespace frost::python {

namespace {

TensorInfo describe(const std::string& name, const std::map<TensorId, InferredTensor>& shapes, const Graph& g) {
  TensorInfo info{name, py::none(), py::none()};
  const auto it = shapes.find(resolve_tensor(g, name));
  if (it == shapes.end()) return info;
  if (it->second.dtype != DType::Invalid) info.dtype = numpy_dtype(it->second.dtype);
  const PartialShape& s = it->second.shape;
  if (s.known_rank()) {
    py::list dims;
    for (const int64_t d : s.dims()) dims.append(d < 0 ? py::object(py::none()) : py::object(py::int_(d)));
    info.shape = py::tuple(dims);
  }
  return info;
}

}  // namespace

Model::Model(const std::string& path, const std::string& backend, int threads, const LoadOptions& options)
    : backend_(parse_backend(backend)), threads_(threads) {
  if (backend_ == Backend::Fpga)
    throw Error("backend 'fpga' needs a calibrated plan: use `frost compile` (the Python API runs cpu or reference)");
  if (threads < 0) throw Error("threads must be >= 1, not " + std::to_string(threads));
  {
    py::gil_scoped_release release;  // loading and optimising big graphs takes a while
    session_ = std::make_shared<const Session>(load_session(path, options));
  }
  const Graph& g = session_->graph();
  const std::map<TensorId, InferredTensor> shapes = infer_shapes(g);
  std::vector<std::string> in_names = options.inputs, out_names = options.outputs;
  if (in_names.empty())
    for (const GraphInput& in : session_->inputs()) in_names.push_back(in.name);
  if (out_names.empty())
    for (const GraphOutput& out : session_->outputs()) out_names.push_back(out.name);
  for (const std::string& name : in_names) {
    inputs_.push_back(describe(name, shapes, g));
    input_dtypes_[name] = inputs_.back().dtype;
  }
  for (const std::string& name : out_names) {
    outputs_.push_back(describe(name, shapes, g));
    default_fetches_.push_back(resolve_tensor(g, name));
  }
}

py::dict Model::run(const py::dict& feeds, const std::optional<std::vector<std::string>>& fetch_names) const {
  const Graph& g = session_->graph();
  FeedMap feed_map;
  for (const auto& [key, value] : feeds) {
    const std::string name = py::str(key);
    py::array array;
    if (py::isinstance<py::array>(value)) {
      array = py::reinterpret_borrow<py::array>(value);
    } else {  // a list or scalar: the input's dtype when known
      const auto it = input_dtypes_.find(name);
      array = py::module_::import("numpy").attr("asarray")(
          value, it == input_dtypes_.end() ? py::object(py::none()) : it->second);
    }
    feed_map[resolve_tensor(g, name)] = tensor_from_array(array, "input '" + name + "'");
  }
  std::vector<TensorId> fetches;
  std::vector<std::string> names;
  if (fetch_names) {
    for (const std::string& name : *fetch_names) fetches.push_back(resolve_tensor(g, name));
    names = *fetch_names;
  } else {
    fetches = default_fetches_;
    for (const TensorInfo& o : outputs_) names.push_back(o.name);
  }
  RunOptions options;
  options.threads = threads_;
  std::vector<Tensor> results;
  {
    py::gil_scoped_release release;
    results = session_->run(feed_map, fetches, backend_, options);
  }
  py::dict out;
  for (size_t i = 0; i < results.size(); ++i) out[py::str(names[i])] = array_from_tensor(results[i]);
  return out;
}

void bind_model(py::module_& m) {
  py::class_<TensorInfo>(m, "TensorInfo", "An input or output: name, dtype (numpy.dtype or None), shape (None per unknown dim).")
      .def_readonly("name", &TensorInfo::name)
      .def_readonly("dtype", &TensorInfo::dtype)
      .def_readonly("shape", &TensorInfo::shape)
      .def("__repr__", [](const TensorInfo& t) {
        return "TensorInfo(name=" + std::string(py::repr(py::str(t.name))) + ", dtype=" +
               std::string(py::repr(t.dtype)) + ", shape=" + std::string(py::repr(t.shape)) + ")";
      });

  py::class_<LoadOptions>(m, "LoadOptions")
      .def(py::init<>())
      .def_readwrite("inputs", &LoadOptions::inputs)
      .def_readwrite("outputs", &LoadOptions::outputs)
      .def_readwrite("set", &LoadOptions::set)
      .def_readwrite("optimize", &LoadOptions::optimize);

  py::class_<Model>(m, "Model", "A frozen graph loaded and optimised for running; see frost.load.")
      .def(py::init<const std::string&, const std::string&, int, const LoadOptions&>(), py::arg("path"),
           py::arg("backend"), py::arg("threads"), py::arg("options"))
      .def_property_readonly("inputs", &Model::inputs)
      .def_property_readonly("outputs", &Model::outputs)
      .def("run", &Model::run, py::arg("feeds"), py::arg("outputs") = py::none(),
           "Runs the model: {name: array} -> {name: array}. C-contiguous, 64-byte aligned, native-endian arrays "
           "are read in place (frost.empty makes such arrays); others are copied once. The outputs own Frost's "
           "buffers (no copy). The GIL is released while the model runs.")
      .def("__call__", &Model::run, py::arg("feeds"), py::arg("outputs") = py::none());
}

}  // namespace frost::python
