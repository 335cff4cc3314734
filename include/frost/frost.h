// Frost's C++ API: load a frozen TensorFlow graph, optimise it for inference,
// run it.
//
//   #include <frost/frost.h>
//
//   frost::Model model = frost::Model::load("frozen_graph.pb");
//   const frost::TensorInfo& in = model.inputs()[0];        // name, dtype, shape (-1: unknown)
//   std::vector<float> pixels(28 * 28);
//   std::map<std::string, frost::Tensor> feeds;
//   feeds.emplace(in.name, frost::Tensor::view(pixels.data(), {1, 28, 28, 1}));   // no copy
//   std::map<std::string, frost::Tensor> out = model.run(feeds);                  // outputs by name
//   const float* scores = out.at(model.outputs()[0].name).data<float>();
//
// Failures throw frost::Error (what(), code(), file(), node(), op()).
//
// This header is the whole API and is header-only over the C API
// (frost/frost_c.h), whose opaque handles are the pimpl: nothing of Frost's
// internals is visible here, and the ABI is the C one. The classes live in an
// inline namespace (frost::v1), so they never clash with Frost's own.
//
// Thread safety: a Model may be run from many threads at once (copies of a
// Model share one loaded model). Tensors are not synchronised.
#pragma once

#include <frost/frost_c.h>

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace frost {
inline namespace v1 {

// Element types, with TensorFlow's DataType numbers. Unknown is 0.
enum class DType : int {
  Unknown = 0,
  Float32 = FROST_FLOAT32,
  Float64 = FROST_FLOAT64,
  Int32 = FROST_INT32,
  UInt8 = FROST_UINT8,
  Int16 = FROST_INT16,
  Int8 = FROST_INT8,
  Int64 = FROST_INT64,
  Bool = FROST_BOOL,
  UInt16 = FROST_UINT16,
};

// The DType of a C++ element type (float -> Float32, ...).
template <class T>
constexpr DType dtype_of() {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<U, float>) return DType::Float32;
  else if constexpr (std::is_same_v<U, double>) return DType::Float64;
  else if constexpr (std::is_same_v<U, int32_t>) return DType::Int32;
  else if constexpr (std::is_same_v<U, uint8_t>) return DType::UInt8;
  else if constexpr (std::is_same_v<U, int16_t>) return DType::Int16;
  else if constexpr (std::is_same_v<U, int8_t>) return DType::Int8;
  else if constexpr (std::is_same_v<U, int64_t>) return DType::Int64;
  else if constexpr (std::is_same_v<U, bool>) return DType::Bool;
  else if constexpr (std::is_same_v<U, uint16_t>) return DType::UInt16;
  else static_assert(sizeof(T) == 0, "no Frost dtype for this element type");
}

// What went wrong and where: the file, node and op when known ("" if not).
// code() is a frost_code (FROST_INVALID_ARGUMENT, FROST_BAD_MODEL, ...).
class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& message, std::string file = "", std::string node = "", std::string op = "")
      : std::runtime_error(message), code_(code), file_(std::move(file)), node_(std::move(node)), op_(std::move(op)) {}
  int code() const { return code_; }
  const std::string& file() const { return file_; }
  const std::string& node() const { return node_; }
  const std::string& op() const { return op_; }

 private:
  int code_;
  std::string file_, node_, op_;
};

namespace detail {

// Throws the status of a failed call as an Error (and frees it). `st` by
// reference: check(f(..., &st), st) reads it after f has set it, whatever the
// order in which the arguments are evaluated.
inline void check(int code, frost_status*& st) {
  if (code == FROST_OK) return;
  if (!st) throw Error(code, "frost: call failed (code " + std::to_string(code) + ")");
  Error e(code, frost_status_message(st), frost_status_file(st), frost_status_node(st), frost_status_op(st));
  frost_status_free(st);
  st = nullptr;
  throw e;
}

struct TensorDeleter {
  void operator()(frost_tensor* t) const { frost_tensor_free(t); }
};
struct ModelDeleter {
  void operator()(frost_model* m) const { frost_model_free(m); }
};

}  // namespace detail

// A tensor: dtype, shape, row-major elements. Either owns its storage
// (create, and every output of Model::run: the caller owns those) or views
// memory the caller keeps alive (view: no copy; Frost never writes into it).
// Move-only.
class Tensor {
 public:
  Tensor() = default;

  // Zero-filled storage of its own (64-byte aligned).
  static Tensor create(DType dtype, const std::vector<int64_t>& shape) {
    frost_tensor* t = frost_tensor_create(static_cast<int>(dtype), static_cast<int>(shape.size()), shape.data());
    if (!t) throw Error(FROST_INVALID_ARGUMENT, "cannot create a tensor of shape " + to_string(shape));
    return Tensor(t);
  }
  // Over `data` (aligned for the dtype), which must outlive every run it is fed to.
  static Tensor view(DType dtype, const std::vector<int64_t>& shape, void* data) {
    frost_tensor* t =
        frost_tensor_view(static_cast<int>(dtype), static_cast<int>(shape.size()), shape.data(), data);
    if (!t) throw Error(FROST_INVALID_ARGUMENT, "cannot view memory as a tensor of shape " + to_string(shape));
    return Tensor(t);
  }
  template <class T>
  static Tensor view(T* data, const std::vector<int64_t>& shape) {
    return view(dtype_of<T>(), shape, const_cast<std::remove_cv_t<T>*>(data));
  }

  explicit operator bool() const { return t_ != nullptr; }
  DType dtype() const { return static_cast<DType>(frost_tensor_dtype(t_.get())); }
  int rank() const { return frost_tensor_rank(t_.get()); }
  std::vector<int64_t> shape() const {
    std::vector<int64_t> s;
    for (int i = 0; i < rank(); ++i) s.push_back(frost_tensor_dim(t_.get(), i));
    return s;
  }
  int64_t num_elements() const { return frost_tensor_num_elements(t_.get()); }
  size_t byte_size() const { return frost_tensor_byte_size(t_.get()); }

  void* data() { return frost_tensor_data(t_.get()); }
  const void* data() const { return frost_tensor_data(t_.get()); }
  // Typed access; throws when T is not the tensor's element type.
  template <class T>
  T* data() {
    check_type<T>();
    return static_cast<T*>(data());
  }
  template <class T>
  const T* data() const {
    check_type<T>();
    return static_cast<const T*>(data());
  }

  // The C handle (still owned by this Tensor), for mixing with the C API.
  frost_tensor* get() const { return t_.get(); }
  explicit Tensor(frost_tensor* t) : t_(t) {}

 private:
  template <class T>
  void check_type() const {
    if (!t_ || dtype() != dtype_of<T>())
      throw Error(FROST_INVALID_ARGUMENT, "tensor element type mismatch: the tensor's dtype is " +
                                              std::to_string(static_cast<int>(dtype())));
  }
  static std::string to_string(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
  }

  std::unique_ptr<frost_tensor, detail::TensorDeleter> t_;
};

// An input or output of a model: its dtype (Unknown when static inference
// cannot tell) and shape (-1 for an unknown dimension such as the batch;
// known_rank false when even the rank is unknown).
struct TensorInfo {
  std::string name;
  DType dtype = DType::Unknown;
  std::vector<int64_t> shape;
  bool known_rank = false;
};

struct Options {
  std::string backend = "cpu";  // "cpu" (SIMD kernels) or "reference" (the exact oracle)
  int threads = 0;              // per run; 0: OpenMP's default (OMP_NUM_THREADS, else one per core)
  // Tensors to keep feedable / computable through optimisation ("x", "x:1").
  // Empty: the detected inputs / outputs.
  std::vector<std::string> inputs, outputs;
  // Placeholders fixed for inference: {"keras_learning_phase", "false"}.
  std::map<std::string, std::string> set;
  bool optimize = true;  // false: run the graph as written
};

// A loaded, optimised model. Copies share it; run() is thread-safe.
class Model {
 public:
  // Loads and validates `path` (.pb/.pbtxt) and optimises it as `options` say.
  static Model load(const std::string& path, const Options& options = {}) {
    frost_status* st = nullptr;
    std::unique_ptr<frost_options, void (*)(frost_options*)> o(frost_options_create(), frost_options_free);
    if (!o) throw Error(FROST_OUT_OF_MEMORY, "out of memory");
    detail::check(frost_options_set_backend(o.get(), options.backend.c_str(), &st), st);
    detail::check(frost_options_set_threads(o.get(), options.threads, &st), st);
    for (const std::string& in : options.inputs) detail::check(frost_options_add_input(o.get(), in.c_str(), &st), st);
    for (const std::string& out : options.outputs)
      detail::check(frost_options_add_output(o.get(), out.c_str(), &st), st);
    for (const auto& [name, value] : options.set)
      detail::check(frost_options_set_value(o.get(), name.c_str(), value.c_str(), &st), st);
    detail::check(frost_options_set_optimize(o.get(), options.optimize ? 1 : 0, &st), st);
    frost_model* m = nullptr;
    detail::check(frost_model_load(path.c_str(), o.get(), &m, &st), st);
    return Model(m);
  }

  const std::vector<TensorInfo>& inputs() const { return inputs_; }
  const std::vector<TensorInfo>& outputs() const { return outputs_; }

  // Feeds by name; returns `fetches` (empty: the model's outputs) by name,
  // each a tensor the caller owns. threads > 0: this call's thread count.
  std::map<std::string, Tensor> run(const std::map<std::string, Tensor>& feeds,
                                    const std::vector<std::string>& fetches = {}, int threads = 0) const {
    std::vector<const char*> in_names;
    std::vector<frost_tensor*> in;
    for (const auto& [name, t] : feeds) {
      in_names.push_back(name.c_str());
      in.push_back(t.get());
    }
    const std::vector<std::string>& names = fetches.empty() ? output_names_ : fetches;
    std::vector<const char*> out_names;
    for (const std::string& n : names) out_names.push_back(n.c_str());
    std::vector<frost_tensor*> out(names.size(), nullptr);
    frost_status* st = nullptr;
    detail::check(frost_model_run_threads(m_.get(), in.size(), in_names.data(), in.data(), out.size(),
                                          out_names.data(), out.data(), threads, &st),
                  st);
    std::map<std::string, Tensor> results;
    for (size_t k = 0; k < names.size(); ++k) results.emplace(names[k], Tensor(out[k]));
    return results;
  }

  // The C handle (owned by this Model), for mixing with the C API.
  frost_model* get() const { return m_.get(); }

 private:
  explicit Model(frost_model* m) : m_(m, detail::ModelDeleter()) {
    for (size_t i = 0; i < frost_model_num_inputs(m); ++i)
      inputs_.push_back(info(frost_model_input_name(m, i), frost_model_input_dtype(m, i), frost_model_input_rank(m, i),
                             [m, i](int a) { return frost_model_input_dim(m, i, a); }));
    for (size_t i = 0; i < frost_model_num_outputs(m); ++i) {
      outputs_.push_back(info(frost_model_output_name(m, i), frost_model_output_dtype(m, i),
                              frost_model_output_rank(m, i), [m, i](int a) { return frost_model_output_dim(m, i, a); }));
      output_names_.push_back(outputs_.back().name);
    }
  }
  template <class Dim>
  static TensorInfo info(const char* name, int dtype, int rank, Dim dim) {
    TensorInfo t;
    t.name = name ? name : "";
    t.dtype = static_cast<DType>(dtype);
    t.known_rank = rank >= 0;
    for (int a = 0; a < rank; ++a) t.shape.push_back(dim(a));
    return t;
  }

  std::shared_ptr<frost_model> m_;
  std::vector<TensorInfo> inputs_, outputs_;
  std::vector<std::string> output_names_;
};

// The library's version ("0.1.0").
inline std::string version() { return frost_version(); }

}  // namespace v1
}  // namespace frost
