#include "io/tensor_proto.h"

#include <bit>
#include <cstring>
#include <string>

namespace frost {

// tensor_content and Tensor storage are both little-endian element arrays, so
// raw bytes are copied as they are.
static_assert(std::endian::native == std::endian::little, "Frost assumes a little-endian host");

namespace {

// TensorFlow's own limit on the rank of a TensorShape.
constexpr int kMaxRank = 254;

std::string describe(const tensorflow::TensorProto& proto, const Shape& shape) {
  return dtype_name(static_cast<DType>(proto.dtype())) + " tensor " + shape.to_string();
}

// Copies a typed *_val list into `out` (n elements), filling the tail with the
// list's last value as TensorFlow does; an empty list leaves the zeros.
template <class Out, class List, class Convert>
void fill_from_values(Out* out, int64_t n, const List& values, Convert convert) {
  const int64_t count = values.size();
  if (count == 0) return;
  for (int64_t i = 0; i < count; ++i) out[i] = convert(values.Get(static_cast<int>(i)));
  const Out last = out[count - 1];
  for (int64_t i = count; i < n; ++i) out[i] = last;
}

template <class Out, class List>
void fill_cast(Tensor& t, const List& values) {
  fill_from_values(t.data<Out>(), t.num_elements(), values,
                   [](auto v) { return static_cast<Out>(v); });
}

// Number of entries in the *_val field TensorFlow reads for this dtype.
int64_t typed_value_count(const tensorflow::TensorProto& p, DType dtype) {
  switch (dtype) {
    case DType::Float: return p.float_val_size();
    case DType::Double: return p.double_val_size();
    case DType::Half: case DType::BFloat16: return p.half_val_size();
    case DType::Int8: case DType::Int16: case DType::Int32: case DType::UInt8: case DType::UInt16:
    case DType::QInt8: case DType::QUInt8: case DType::QInt16: case DType::QUInt16: case DType::QInt32:
      return p.int_val_size();
    case DType::Int64: return p.int64_val_size();
    case DType::UInt32: return p.uint32_val_size();
    case DType::UInt64: return p.uint64_val_size();
    case DType::Bool: return p.bool_val_size();
    case DType::String: return p.string_val_size();
    default: return 0;
  }
}

void decode_typed_values(const tensorflow::TensorProto& p, Tensor& t) {
  switch (t.dtype()) {
    case DType::Float: fill_cast<float>(t, p.float_val()); break;
    case DType::Double: fill_cast<double>(t, p.double_val()); break;
    // half_val holds the 16 raw bits of each half/bfloat16 value in an int32.
    case DType::Half: case DType::BFloat16: case DType::UInt16: case DType::QUInt16:
      fill_cast<uint16_t>(t, t.dtype() == DType::Half || t.dtype() == DType::BFloat16 ? p.half_val() : p.int_val());
      break;
    case DType::Int8: case DType::QInt8: fill_cast<int8_t>(t, p.int_val()); break;
    case DType::UInt8: case DType::QUInt8: fill_cast<uint8_t>(t, p.int_val()); break;
    case DType::Int16: case DType::QInt16: fill_cast<int16_t>(t, p.int_val()); break;
    case DType::Int32: case DType::QInt32: fill_cast<int32_t>(t, p.int_val()); break;
    case DType::Int64: fill_cast<int64_t>(t, p.int64_val()); break;
    case DType::UInt32: fill_cast<uint32_t>(t, p.uint32_val()); break;
    case DType::UInt64: fill_cast<uint64_t>(t, p.uint64_val()); break;
    case DType::Bool: fill_cast<bool>(t, p.bool_val()); break;
    case DType::String: {
      auto& out = t.strings();
      const int64_t count = p.string_val_size();
      for (int64_t i = 0; i < count; ++i) out[static_cast<size_t>(i)] = p.string_val(static_cast<int>(i));
      if (count > 0)
        for (size_t i = static_cast<size_t>(count); i < out.size(); ++i) out[i] = out[static_cast<size_t>(count - 1)];
      break;
    }
    default: throw Error("cannot decode tensor of dtype " + dtype_name(t.dtype()));
  }
}

}  // namespace

bool tensor_proto_dtype_decodable(int tf_dtype) {
  if (tf_dtype <= 0 || tf_dtype > static_cast<int>(DType::UInt64)) return false;
  const auto t = static_cast<DType>(tf_dtype);
  return t != DType::Complex64 && t != DType::Complex128 && t != DType::Resource && t != DType::Variant;
}

Shape shape_from_proto(const tensorflow::TensorShapeProto& proto) {
  FROST_CHECK(!proto.unknown_rank(), "tensor shape has an unknown rank");
  FROST_CHECK(proto.dim_size() <= kMaxRank,
              "tensor shape has rank " + std::to_string(proto.dim_size()) + " (more than " +
                  std::to_string(kMaxRank) + ")");
  std::vector<int64_t> dims;
  dims.reserve(static_cast<size_t>(proto.dim_size()));
  // Saturating element count: any product past kMaxTensorBytes is refused, so
  // the multiplication below never overflows.
  int64_t elements = 1;
  bool empty = false;
  for (const auto& d : proto.dim()) {
    FROST_CHECK(d.size() >= 0, "tensor shape has a negative dimension " + std::to_string(d.size()));
    FROST_CHECK(d.size() <= kMaxTensorBytes, "tensor shape has an absurd dimension " + std::to_string(d.size()));
    dims.push_back(d.size());
    if (d.size() == 0) empty = true;
    if (!empty) {
      elements *= d.size();
      FROST_CHECK(elements <= kMaxTensorBytes,
                  "tensor shape " + Shape(dims).to_string() + "... has too many elements");
    }
  }
  return Shape(std::move(dims));
}

Tensor tensor_from_proto(const tensorflow::TensorProto& proto) {
  FROST_CHECK(tensor_proto_dtype_decodable(proto.dtype()),
              "cannot decode a tensor of dtype " + dtype_name(static_cast<DType>(proto.dtype())));
  const auto dtype = static_cast<DType>(proto.dtype());
  Shape shape = shape_from_proto(proto.tensor_shape());
  const int64_t n = shape.num_elements();

  if (!proto.tensor_content().empty()) {
    FROST_CHECK(dtype != DType::String, "string tensor " + shape.to_string() + " uses tensor_content");
    // Compare against the bytes actually present before allocating anything.
    const auto elem = static_cast<int64_t>(dtype_size(dtype));
    const auto have = static_cast<int64_t>(proto.tensor_content().size());
    if (have % elem != 0 || have / elem != n)
      throw Error(describe(proto, shape) + " needs " + std::to_string(n) + " x " + std::to_string(elem) +
                  " bytes but tensor_content has " + std::to_string(have));
    Tensor t(dtype, std::move(shape));
    if (have) std::memcpy(t.raw_data(), proto.tensor_content().data(), static_cast<size_t>(have));
    if (dtype == DType::Bool) {
      // Any non-zero byte is true; a bool object holding another value would be undefined.
      auto* bytes = static_cast<uint8_t*>(t.raw_data());
      for (int64_t i = 0; i < have; ++i) bytes[i] = bytes[i] != 0;
    }
    return t;
  }

  const int64_t count = typed_value_count(proto, dtype);
  if (count > n)
    throw Error(describe(proto, shape) + " has " + std::to_string(count) + " values for " + std::to_string(n) +
                " elements");
  Tensor t(dtype, std::move(shape));
  decode_typed_values(proto, t);
  return t;
}

tensorflow::TensorProto tensor_to_proto(const Tensor& tensor) {
  FROST_CHECK(tensor.valid(), "cannot write a tensor without a value");
  FROST_CHECK(tensor_proto_dtype_decodable(static_cast<int>(tensor.dtype())),
              "cannot write a tensor of dtype " + dtype_name(tensor.dtype()));
  tensorflow::TensorProto proto;
  proto.set_dtype(static_cast<tensorflow::DataType>(tensor.dtype()));
  auto* shape = proto.mutable_tensor_shape();  // present even for a scalar, as TensorFlow writes it
  for (int64_t d : tensor.shape().dims()) shape->add_dim()->set_size(d);
  if (tensor.dtype() == DType::String) {
    for (const auto& s : tensor.strings()) proto.add_string_val(s);
  } else if (tensor.byte_size() > 0) {
    proto.set_tensor_content(static_cast<const char*>(tensor.raw_data()), tensor.byte_size());
  }
  return proto;
}

}  // namespace frost
