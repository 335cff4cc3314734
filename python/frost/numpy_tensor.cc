#include "numpy_tensor.h"

#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

#include "graph/error.h"

namespace frost::python {

namespace {

// 64 bytes: what Frost's own allocations and arena slices guarantee.
constexpr std::uintptr_t kAlignment = 64;

// Inputs copied because their memory could not be read in place (for tests).
std::atomic<uint64_t> input_copies{0};

// Keeps an output tensor's storage alive for the arrays viewing it.
struct Buffer {
  Tensor tensor;
};

struct DTypePair {
  DType frost;
  const char* numpy;
};

constexpr DTypePair kDTypes[] = {
    {DType::Float, "float32"}, {DType::Double, "float64"}, {DType::Half, "float16"},
    {DType::Int8, "int8"},     {DType::Int16, "int16"},    {DType::Int32, "int32"},
    {DType::Int64, "int64"},   {DType::UInt8, "uint8"},    {DType::UInt16, "uint16"},
    {DType::UInt32, "uint32"}, {DType::UInt64, "uint64"},  {DType::Bool, "bool"},
    {DType::QUInt8, "uint8"},  {DType::QInt8, "int8"},     {DType::QInt32, "int32"},
    {DType::QUInt16, "uint16"}, {DType::QInt16, "int16"},  {DType::BFloat16, "uint16"},
};

std::vector<py::ssize_t> dims_of(const Shape& s) { return {s.dims().begin(), s.dims().end()}; }

// dtype.isnative without the attribute lookup: '=' native, '|' no order
// (one byte), else the machine's own order spelled out.
bool is_native(const py::dtype& d) {
  const char order = d.byteorder();
  constexpr char machine = std::endian::native == std::endian::little ? '<' : '>';
  return order == '=' || order == '|' || order == machine;
}

bool is_string_kind(const py::dtype& d) {
  const char k = d.kind();
  return k == 'S' || k == 'U' || k == 'O';
}

Tensor string_tensor(const py::array& array) {
  std::vector<int64_t> dims(array.shape(), array.shape() + array.ndim());
  Tensor t(DType::String, Shape(dims));
  const py::list flat = array.attr("ravel")().attr("tolist")();
  std::vector<std::string>& out = t.strings();
  for (size_t i = 0; i < out.size(); ++i) {
    const py::handle v = flat[i];
    out[i] = py::isinstance<py::bytes>(v) ? std::string(py::reinterpret_borrow<py::bytes>(v))
                                           : std::string(py::str(v));
  }
  return t;
}

// Per call, looking dtypes up by name costs more than running a small model
// (NumPy computes dtype.name in Python: ~6 µs), so both directions are
// tables built once, on first use (with the GIL held). Their dtype objects
// are never released: they live as long as NumPy itself.
struct DTypeTables {
  std::vector<std::pair<DType, PyObject*>> to_numpy;  // first entry of kDTypes per Frost dtype
  std::vector<std::pair<int, DType>> from_numpy;     // NumPy type number -> first Frost dtype
};

const DTypeTables& dtype_tables() {
  static const DTypeTables* tables = [] {
    auto* t = new DTypeTables;
    for (const DTypePair& p : kDTypes) {
      py::dtype d(p.numpy);
      t->to_numpy.emplace_back(p.frost, d.release().ptr());
      const int num = py::reinterpret_borrow<py::dtype>(t->to_numpy.back().second).num();
      bool known = false;
      for (const auto& [n, f] : t->from_numpy) known = known || n == num;
      if (!known) t->from_numpy.emplace_back(num, p.frost);
    }
    return t;
  }();
  return *tables;
}

}  // namespace

py::dtype numpy_dtype(DType t) {
  for (const auto& [frost, numpy] : dtype_tables().to_numpy)
    if (frost == t) return py::reinterpret_borrow<py::dtype>(numpy);
  if (t == DType::String) return py::dtype("O");
  throw Error("NumPy has no dtype for Frost's " + dtype_name(t));
}

DType frost_dtype(const py::dtype& d, const std::string& what) {
  if (is_string_kind(d)) return DType::String;
  const int num = d.num();
  for (const auto& [n, frost] : dtype_tables().from_numpy)
    if (n == num) return frost;
  // Aliases with their own type numbers (longlong is int64 too on Linux): by name.
  const std::string name = py::str(d.attr("name"));
  for (const DTypePair& p : kDTypes)
    if (name == p.numpy) return p.frost;
  throw Error(what + ": NumPy dtype " + name + " has no Frost equivalent");
}

Tensor tensor_from_array(const py::array& array, const std::string& what) {
  const py::dtype dt = array.dtype();
  const DType dtype = frost_dtype(dt, what);
  if (dtype == DType::String) return string_tensor(array);
  std::vector<int64_t> dims(array.shape(), array.shape() + array.ndim());
  Shape shape(dims);
  const auto address = reinterpret_cast<std::uintptr_t>(array.data());
  const bool contiguous = (array.flags() & py::array::c_style) && is_native(dt);
  const bool in_place = contiguous && address % kAlignment == 0;
  if (in_place) {
    // The view holds a reference to the array; dropping it may run without the GIL.
    PyObject* owner = array.ptr();
    Py_INCREF(owner);
    std::shared_ptr<void> storage(const_cast<void*>(array.data()), [owner](void*) {
      py::gil_scoped_acquire gil;
      Py_DECREF(owner);
    });
    return Tensor::view(dtype, std::move(shape), std::move(storage));
  }
  Tensor copy(dtype, std::move(shape));  // the one copy: strided, misaligned or byte-swapped input
  ++input_copies;
  if (contiguous) {
    // Only misaligned (numpy's own allocations are 16-byte aligned): a plain
    // memcpy, without numpy.copyto's call overhead (a few µs on small feeds).
    std::memcpy(copy.raw_data(), array.data(), copy.byte_size());
    return copy;
  }
  py::array destination(dt.attr("newbyteorder")("="), dims_of(copy.shape()), copy.raw_data(), py::cast(Buffer{copy}));
  py::module_::import("numpy").attr("copyto")(destination, array, "unsafe");
  return copy;
}

py::array array_from_tensor(const Tensor& t) {
  if (t.dtype() == DType::String) {
    py::list items;
    for (const std::string& s : t.strings()) items.append(py::bytes(s));
    py::array out = py::module_::import("numpy").attr("array")(items, py::dtype("O"));
    return out.attr("reshape")(dims_of(t.shape()));
  }
  const py::dtype dt = numpy_dtype(t.dtype());
  if (t.num_elements() == 0) return py::array(dt, dims_of(t.shape()));
  py::object base = py::cast(Buffer{t});
  return py::array(dt, dims_of(t.shape()), const_cast<void*>(t.raw_data()), base);
}

void bind_buffer(py::module_& m) {
  py::class_<Buffer>(m, "Buffer",
                     "Frost's storage of one output tensor; the base object of the arrays run() returns.")
      .def_property_readonly("address",
                             [](const Buffer& b) { return reinterpret_cast<std::uintptr_t>(b.tensor.raw_data()); })
      .def_property_readonly("nbytes", [](const Buffer& b) { return b.tensor.byte_size(); });
  m.def("_input_copies", [] { return input_copies.load(); },
        "How many fed arrays were copied because they could not be read in place (for tests).");
}

}  // namespace frost::python
