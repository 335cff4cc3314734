// The extension module frost._frost: Model, the output Buffer type, inspect_json,
// freeze/optimize/compare (frost/__init__.py wraps them),
// and frost::Error turned into frost.Error with its file/node/op.
#include <pybind11/pybind11.h>

#include "commands.h"
#include "graph/error.h"
#include "inspect.h"
#include "model.h"
#include "numpy_tensor.h"

namespace py = pybind11;

PYBIND11_MODULE(_frost, m) {
  m.doc() = "Frost's C++ runtime (use the frost package, not this module)";
  // pybind11 before 2.12 reads NumPy 1's dtype layout; frost/__init__.py refuses NumPy 2 with it.
  m.attr("pybind11_version") = py::make_tuple(PYBIND11_VERSION_MAJOR, PYBIND11_VERSION_MINOR);
  frost::python::bind_buffer(m);
  frost::python::bind_model(m);
  frost::python::bind_commands(m);
  m.def(
      "inspect_json",
      [](const std::string& path) {
        py::gil_scoped_release release;
        return frost::python::inspect_json(path);
      },
      py::arg("path"), "What `frost inspect PATH --json` prints.");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const frost::Error& e) {
      const py::object cls = py::module_::import("frost.errors").attr("Error");
      auto or_none = [](const std::string& s) { return s.empty() ? py::object(py::none()) : py::object(py::str(s)); };
      const py::object exc = cls(e.what(), or_none(e.file_name()), or_none(e.node_name()), or_none(e.op_name()));
      PyErr_SetObject(cls.ptr(), exc.ptr());
    }
  });
}
