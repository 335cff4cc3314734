// A tensor: dtype, concrete shape and shared, 64-byte aligned storage.
// Copies share the buffer (like TensorFlow's Tensor); `clone()` deep-copies.
// Strings are kept as std::string elements; resource/variant tensors carry an
// opaque payload object (used by control-flow containers at run time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "graph/dtype.h"
#include "graph/error.h"
#include "graph/shape.h"

namespace frost {

// Largest tensor Frost will allocate. A file claiming more is refused before
// any memory is taken (bad input must never trigger an unbounded allocation).
constexpr int64_t kMaxTensorBytes = int64_t{8} << 30;

// Base of payloads held by DT_RESOURCE / DT_VARIANT tensors.
struct OpaquePayload {
  virtual ~OpaquePayload() = default;
};

class Tensor {
 public:
  Tensor() = default;  // no value: valid() is false
  // Allocates zero-filled storage; throws if the size is over kMaxTensorBytes
  // or the dtype cannot be held.
  Tensor(DType dtype, Shape shape);

  template <class T>
  static Tensor scalar(T value) {
    Tensor t(DTypeOf<T>::value, Shape{});
    t.data<T>()[0] = value;
    return t;
  }
  template <class T>
  static Tensor from_vector(const std::vector<T>& values, Shape shape) {
    Tensor t(DTypeOf<T>::value, std::move(shape));
    FROST_CHECK(static_cast<int64_t>(values.size()) == t.num_elements(),
                "value count does not match shape " + t.shape().to_string());
    for (size_t i = 0; i < values.size(); ++i) t.data<T>()[i] = values[i];
    return t;
  }
  template <class T>
  static Tensor from_vector(const std::vector<T>& values) {
    return from_vector(values, Shape{static_cast<int64_t>(values.size())});
  }
  static Tensor string_scalar(std::string value);
  // A tensor over storage owned elsewhere (a slice of the runtime's arena):
  // `storage` points at byte_size() writable bytes, 64-byte aligned, and keeps
  // its owner alive (std::shared_ptr's aliasing constructor). Numeric dtypes only.
  static Tensor view(DType dtype, Shape shape, std::shared_ptr<void> storage);

  bool valid() const { return dtype_ != DType::Invalid; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  int64_t num_elements() const { return shape_.num_elements(); }
  std::size_t byte_size() const { return bytes_; }

  // Typed element access; throws if T is not how this dtype is stored
  // (quint8 reads as uint8_t, half/bfloat16 as uint16_t bits).
  template <class T>
  T* data() {
    check_storage(DTypeOf<T>::value);
    return reinterpret_cast<T*>(bytes_ptr());
  }
  template <class T>
  const T* data() const {
    check_storage(DTypeOf<T>::value);
    return reinterpret_cast<const T*>(bytes_ptr());
  }
  template <class T>
  std::span<const T> values() const {
    return {data<T>(), static_cast<size_t>(num_elements())};
  }
  void* raw_data() { return bytes_ptr(); }
  const void* raw_data() const { return bytes_ptr(); }

  std::vector<std::string>& strings();
  const std::vector<std::string>& strings() const;

  std::shared_ptr<OpaquePayload>& payload() { return payload_; }
  const std::shared_ptr<OpaquePayload>& payload() const { return payload_; }

  // Same buffer, another shape with the same element count.
  Tensor reshaped(Shape shape) const;
  // Elements [first, first + shape.num_elements()) of this tensor, in the
  // same buffer, as a tensor of `shape` (numeric dtypes; a split along the
  // outermost axis). Note the start is only as aligned as first * element size.
  Tensor elements_view(int64_t first, Shape shape) const;
  Tensor clone() const;

  // Element i converted to double / int64 (any numeric dtype; for shape
  // arguments, axes, and tests).
  double as_double(int64_t i) const;
  int64_t as_int64(int64_t i) const;
  // All elements as int64 (for shape/axis/index tensors of int32 or int64).
  std::vector<int64_t> to_int64_vector() const;

  std::string summary() const;  // "float [2,3]"

 private:
  void check_storage(DType storage) const;
  std::byte* bytes_ptr() const { return static_cast<std::byte*>(buffer_.get()); }

  DType dtype_ = DType::Invalid;
  Shape shape_;
  std::size_t bytes_ = 0;
  std::shared_ptr<void> buffer_;
  std::shared_ptr<std::vector<std::string>> strings_;
  std::shared_ptr<OpaquePayload> payload_;
};

}  // namespace frost
