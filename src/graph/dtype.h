// Element types, numbered exactly as TensorFlow's DataType enum so that values
// read from a GraphDef convert with a cast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace frost {

enum class DType : int {
  Invalid = 0,
  Float = 1,
  Double = 2,
  Int32 = 3,
  UInt8 = 4,
  Int16 = 5,
  Int8 = 6,
  String = 7,
  Complex64 = 8,
  Int64 = 9,
  Bool = 10,
  QInt8 = 11,
  QUInt8 = 12,
  QInt32 = 13,
  BFloat16 = 14,
  QInt16 = 15,
  QUInt16 = 16,
  UInt16 = 17,
  Complex128 = 18,
  Half = 19,
  Resource = 20,
  Variant = 21,
  UInt32 = 22,
  UInt64 = 23,
};

// TensorFlow's "_ref" types (old variables) are the value type + 100.
constexpr int kRefTypeOffset = 100;

// Bytes per element; 0 for String/Resource/Variant (not stored as flat bytes).
std::size_t dtype_size(DType t);
// TensorFlow's spelling: "float", "int32", "quint8", ...
std::string dtype_name(DType t);
// Whether Frost can hold tensors of this type (complex types are refused).
bool dtype_supported(DType t);
// Strips a reference type (e.g. DT_FLOAT_REF -> Float); other values unchanged.
DType dtype_base(int tf_value);
bool dtype_is_float(DType t);    // Float, Double, Half, BFloat16
bool dtype_is_integer(DType t);  // signed/unsigned ints and the quantised ints

// Maps a C++ element type to the DType used to store it (for Tensor::data<T>).
template <class T> struct DTypeOf;
template <> struct DTypeOf<float> { static constexpr DType value = DType::Float; };
template <> struct DTypeOf<double> { static constexpr DType value = DType::Double; };
template <> struct DTypeOf<int8_t> { static constexpr DType value = DType::Int8; };
template <> struct DTypeOf<uint8_t> { static constexpr DType value = DType::UInt8; };
template <> struct DTypeOf<int16_t> { static constexpr DType value = DType::Int16; };
template <> struct DTypeOf<uint16_t> { static constexpr DType value = DType::UInt16; };
template <> struct DTypeOf<int32_t> { static constexpr DType value = DType::Int32; };
template <> struct DTypeOf<int64_t> { static constexpr DType value = DType::Int64; };
template <> struct DTypeOf<uint32_t> { static constexpr DType value = DType::UInt32; };
template <> struct DTypeOf<uint64_t> { static constexpr DType value = DType::UInt64; };
template <> struct DTypeOf<bool> { static constexpr DType value = DType::Bool; };

// The C++ type a DType's elements are stored as. Quantised types share the
// storage of their integer twin (quint8 is uint8_t); Half and BFloat16 are kept
// as raw uint16_t bits and converted with the helpers below.
bool dtype_stored_as(DType t, DType storage);

float half_to_float(uint16_t bits);
uint16_t float_to_half(float value);  // round to nearest even
float bfloat16_to_float(uint16_t bits);
uint16_t float_to_bfloat16(float value);  // round to nearest even

}  // namespace frost
