// TensorProto <-> Tensor. Decoding follows TensorFlow's rules: when
// `tensor_content` is set it holds the elements as little-endian raw bytes;
// otherwise the typed field for the dtype (float_val, int_val, half_val, ...)
// holds them, and a list shorter than the shape is filled with its last value
// (an empty list means all zeros). Bad input (byte counts that do not match the
// shape, negative or absurd dimensions, too many values) throws frost::Error
// before anything large is allocated.
#pragma once

#include "graph/tensor.h"
#include "tensor.pb.h"
#include "tensor_shape.pb.h"

namespace frost {

// Whether tensor_from_proto can decode a TensorProto of this dtype (false for
// complex, resource, variant, invalid and unknown enum values). Callers that
// must keep such tensors (graph import) keep the proto bytes instead.
bool tensor_proto_dtype_decodable(int tf_dtype);

Tensor tensor_from_proto(const tensorflow::TensorProto& proto);

// Numeric types are written as tensor_content, strings as string_val.
// Resource/variant tensors cannot be written and throw.
tensorflow::TensorProto tensor_to_proto(const Tensor& tensor);

// A TensorShapeProto that must be fully known (a tensor's own shape): every
// dim >= 0, known rank, element count and byte size within kMaxTensorBytes.
Shape shape_from_proto(const tensorflow::TensorShapeProto& proto);

}  // namespace frost
