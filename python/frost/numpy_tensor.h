// Frost tensors <-> NumPy arrays without copies where the memory allows it:
// an input array that is C-contiguous, native-endian and 64-byte aligned (the
// alignment Frost's kernels assume) becomes a Tensor viewing its memory; any
// other array is copied once into a Frost tensor. An output Tensor becomes an
// array over Frost's buffer whose base object keeps that buffer alive.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "graph/tensor.h"

namespace frost::python {

namespace py = pybind11;

// NumPy's dtype for a Frost dtype; throws frost::Error for types NumPy lacks
// (bfloat16, quantised types are given as their integer storage).
py::dtype numpy_dtype(DType t);
// Frost's dtype for a NumPy dtype; throws frost::Error naming `what`.
DType frost_dtype(const py::dtype& d, const std::string& what);

// The tensor fed for `array`: a view (no copy) when its memory can be read in
// place, else one copy. Bytes/str/object arrays become string tensors. Needs the GIL.
Tensor tensor_from_array(const py::array& array, const std::string& what);

// An array over `t`'s storage, owned through a `frost._frost.Buffer` base
// object holding the tensor (strings come back as an object array of bytes). Needs the GIL.
py::array array_from_tensor(const Tensor& t);

// Registers the Buffer type (the base object of output arrays).
void bind_buffer(py::module_& m);

}  // namespace frost::python
