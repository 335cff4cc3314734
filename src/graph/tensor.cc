#include "graph/tensor.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "graph/tensor_limit.h"

namespace frost {

namespace {
constexpr std::size_t kAlignment = 64;  // a cache line; AVX-512 loads need 64

std::atomic<int64_t> byte_limit{kMaxTensorBytes};

std::shared_ptr<void> allocate_zeroed(std::size_t bytes) {
  const std::size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  void* p = std::aligned_alloc(kAlignment, rounded == 0 ? kAlignment : rounded);
  if (!p) throw Error("out of memory allocating " + std::to_string(bytes) + " bytes");
  std::memset(p, 0, rounded == 0 ? kAlignment : rounded);
  return std::shared_ptr<void>(p, std::free);
}
}  // namespace

int64_t tensor_byte_limit() { return byte_limit.load(std::memory_order_relaxed); }

void set_tensor_byte_limit(int64_t bytes) {
  byte_limit.store(std::clamp<int64_t>(bytes, 0, kMaxTensorBytes), std::memory_order_relaxed);
}

Tensor::Tensor(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  FROST_CHECK(dtype_supported(dtype), "unsupported dtype " + dtype_name(dtype));
  const int64_t n = shape_.num_elements();
  if (dtype == DType::String) {
    FROST_CHECK(n <= tensor_byte_limit() / 32, "string tensor " + shape_.to_string() + " is too large");
    strings_ = std::make_shared<std::vector<std::string>>(static_cast<size_t>(n));
    return;
  }
  if (dtype == DType::Resource || dtype == DType::Variant) return;  // payload only
  const int64_t elem = static_cast<int64_t>(dtype_size(dtype));
  const int64_t limit = tensor_byte_limit();
  FROST_CHECK(n <= limit / elem, "tensor " + dtype_name(dtype) + " " + shape_.to_string() + " exceeds the " +
                                     (limit >= (int64_t{1} << 30) ? std::to_string(limit >> 30) + " GiB"
                                                                  : std::to_string(limit >> 20) + " MiB") +
                                     " limit");
  bytes_ = static_cast<std::size_t>(n * elem);
  buffer_ = allocate_zeroed(bytes_);
}

Tensor Tensor::view(DType dtype, Shape shape, std::shared_ptr<void> storage) {
  FROST_CHECK(dtype_supported(dtype) && dtype != DType::String && dtype != DType::Resource && dtype != DType::Variant,
              "a tensor view needs a numeric dtype, not " + dtype_name(dtype));
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.bytes_ = static_cast<std::size_t>(t.shape_.num_elements()) * dtype_size(dtype);
  t.buffer_ = std::move(storage);
  return t;
}

Tensor Tensor::string_scalar(std::string value) {
  Tensor t(DType::String, Shape{});
  t.strings()[0] = std::move(value);
  return t;
}

void Tensor::check_storage(DType storage) const {
  if (!dtype_stored_as(dtype_, storage))
    throw Error("tensor of dtype " + dtype_name(dtype_) + " accessed as " + dtype_name(storage));
}

std::vector<std::string>& Tensor::strings() {
  FROST_CHECK(dtype_ == DType::String, "tensor of dtype " + dtype_name(dtype_) + " is not a string tensor");
  return *strings_;
}

const std::vector<std::string>& Tensor::strings() const {
  FROST_CHECK(dtype_ == DType::String, "tensor of dtype " + dtype_name(dtype_) + " is not a string tensor");
  return *strings_;
}

Tensor Tensor::reshaped(Shape shape) const {
  FROST_CHECK(shape.num_elements() == num_elements(),
              "cannot reshape " + shape_.to_string() + " to " + shape.to_string());
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::elements_view(int64_t first, Shape shape) const {
  FROST_CHECK(valid() && dtype_ != DType::String && dtype_ != DType::Resource && dtype_ != DType::Variant,
              "an elements view needs a numeric tensor, not " + summary());
  FROST_CHECK(first >= 0 && first <= num_elements() && shape.num_elements() <= num_elements() - first,
              "elements view of " + shape.to_string() + " at " + std::to_string(first) + " is outside " + summary());
  const std::size_t offset = static_cast<std::size_t>(first) * dtype_size(dtype_);
  return view(dtype_, std::move(shape), std::shared_ptr<void>(buffer_, bytes_ptr() + offset));
}

Tensor Tensor::clone() const {
  if (!valid()) return {};
  Tensor t(dtype_, shape_);
  if (dtype_ == DType::String) *t.strings_ = *strings_;
  else if (bytes_) std::memcpy(t.buffer_.get(), buffer_.get(), bytes_);
  t.payload_ = payload_;
  return t;
}

double Tensor::as_double(int64_t i) const {
  const auto k = static_cast<size_t>(i);
  switch (dtype_) {
    case DType::Float: return data<float>()[k];
    case DType::Double: return data<double>()[k];
    case DType::Half: return half_to_float(data<uint16_t>()[k]);
    case DType::BFloat16: return bfloat16_to_float(data<uint16_t>()[k]);
    case DType::Int8: case DType::QInt8: return data<int8_t>()[k];
    case DType::UInt8: case DType::QUInt8: return data<uint8_t>()[k];
    case DType::Int16: case DType::QInt16: return data<int16_t>()[k];
    case DType::UInt16: case DType::QUInt16: return data<uint16_t>()[k];
    case DType::Int32: case DType::QInt32: return data<int32_t>()[k];
    case DType::UInt32: return data<uint32_t>()[k];
    case DType::Int64: return static_cast<double>(data<int64_t>()[k]);
    case DType::UInt64: return static_cast<double>(data<uint64_t>()[k]);
    case DType::Bool: return data<bool>()[k] ? 1.0 : 0.0;
    default: throw Error("tensor of dtype " + dtype_name(dtype_) + " is not numeric");
  }
}

int64_t Tensor::as_int64(int64_t i) const {
  const auto k = static_cast<size_t>(i);
  switch (dtype_) {
    case DType::Int32: return data<int32_t>()[k];
    case DType::Int64: return data<int64_t>()[k];
    case DType::UInt64: return static_cast<int64_t>(data<uint64_t>()[k]);
    case DType::Float: case DType::Double: case DType::Half: case DType::BFloat16:
      return static_cast<int64_t>(as_double(i));
    default: return static_cast<int64_t>(as_double(i));
  }
}

std::vector<int64_t> Tensor::to_int64_vector() const {
  FROST_CHECK(dtype_is_integer(dtype_) || dtype_ == DType::Bool,
              "expected an integer tensor, got " + dtype_name(dtype_));
  std::vector<int64_t> out(static_cast<size_t>(num_elements()));
  for (int64_t i = 0; i < num_elements(); ++i) out[static_cast<size_t>(i)] = as_int64(i);
  return out;
}

std::string Tensor::summary() const {
  return valid() ? dtype_name(dtype_) + " " + shape_.to_string() : "<no value>";
}

}  // namespace frost
