// frost.freeze, frost.optimize and the pieces of frost.check: what the
// `frost freeze` / `frost optimize` / `frost check` commands do, with their
// reports as dicts instead of printed lines. Internal library calls, not the
// public C++ API: that API loads and runs models only.
#pragma once

#include <pybind11/pybind11.h>

namespace frost::python {

namespace py = pybind11;

void bind_commands(py::module_& m);

}  // namespace frost::python
