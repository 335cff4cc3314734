#include "graph/dtype.h"

#include <cmath>
#include <cstring>

namespace frost {

std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::Float: case DType::Int32: case DType::QInt32: case DType::UInt32: return 4;
    case DType::Double: case DType::Int64: case DType::UInt64: case DType::Complex64: return 8;
    case DType::Complex128: return 16;
    case DType::Int16: case DType::UInt16: case DType::QInt16: case DType::QUInt16:
    case DType::Half: case DType::BFloat16: return 2;
    case DType::Int8: case DType::UInt8: case DType::QInt8: case DType::QUInt8: case DType::Bool: return 1;
    default: return 0;
  }
}

std::string dtype_name(DType t) {
  switch (t) {
    case DType::Invalid: return "invalid";
    case DType::Float: return "float";
    case DType::Double: return "double";
    case DType::Int32: return "int32";
    case DType::UInt8: return "uint8";
    case DType::Int16: return "int16";
    case DType::Int8: return "int8";
    case DType::String: return "string";
    case DType::Complex64: return "complex64";
    case DType::Int64: return "int64";
    case DType::Bool: return "bool";
    case DType::QInt8: return "qint8";
    case DType::QUInt8: return "quint8";
    case DType::QInt32: return "qint32";
    case DType::BFloat16: return "bfloat16";
    case DType::QInt16: return "qint16";
    case DType::QUInt16: return "quint16";
    case DType::UInt16: return "uint16";
    case DType::Complex128: return "complex128";
    case DType::Half: return "half";
    case DType::Resource: return "resource";
    case DType::Variant: return "variant";
    case DType::UInt32: return "uint32";
    case DType::UInt64: return "uint64";
  }
  return "dtype(" + std::to_string(static_cast<int>(t)) + ")";
}

bool dtype_supported(DType t) {
  return t != DType::Invalid && t != DType::Complex64 && t != DType::Complex128 &&
         static_cast<int>(t) >= 1 && static_cast<int>(t) <= 23;
}

DType dtype_base(int tf_value) {
  return static_cast<DType>(tf_value > kRefTypeOffset ? tf_value - kRefTypeOffset : tf_value);
}

bool dtype_is_float(DType t) {
  return t == DType::Float || t == DType::Double || t == DType::Half || t == DType::BFloat16;
}

bool dtype_is_integer(DType t) {
  switch (t) {
    case DType::Int8: case DType::UInt8: case DType::Int16: case DType::UInt16:
    case DType::Int32: case DType::UInt32: case DType::Int64: case DType::UInt64:
    case DType::QInt8: case DType::QUInt8: case DType::QInt16: case DType::QUInt16:
    case DType::QInt32: return true;
    default: return false;
  }
}

bool dtype_stored_as(DType t, DType storage) {
  if (t == storage) return true;
  switch (t) {
    case DType::QInt8: return storage == DType::Int8;
    case DType::QUInt8: return storage == DType::UInt8;
    case DType::QInt16: return storage == DType::Int16;
    case DType::QUInt16: case DType::Half: case DType::BFloat16: return storage == DType::UInt16;
    case DType::QInt32: return storage == DType::Int32;
    default: return false;
  }
}

// IEEE 754 binary16 decoding, including subnormals, infinities and NaN.
float half_to_float(uint16_t bits) {
  const uint32_t sign = (bits & 0x8000u) << 16;
  const uint32_t exponent = (bits >> 10) & 0x1f;
  const uint32_t mantissa = bits & 0x3ff;
  float magnitude;
  if (exponent == 0) {
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  } else if (exponent == 31) {
    magnitude = mantissa ? NAN : INFINITY;
  } else {
    magnitude = std::ldexp(static_cast<float>(mantissa | 0x400), static_cast<int>(exponent) - 25);
  }
  uint32_t out;
  std::memcpy(&out, &magnitude, 4);
  out |= sign;
  float result;
  std::memcpy(&result, &out, 4);
  return result;
}

uint16_t float_to_half(float value) {
  uint32_t x;
  std::memcpy(&x, &value, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const float a = std::fabs(value);
  if (std::isnan(value)) return sign | 0x7e00;
  if (a >= 65520.0f) return sign | 0x7c00;  // rounds to infinity
  if (a < std::ldexp(1.0f, -14)) {          // subnormal: units of 2^-24
    return sign | static_cast<uint16_t>(std::nearbyint(a * std::ldexp(1.0f, 24)));
  }
  int e;
  const float m = std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1)
  // 11 significant bits: scale the mantissa to [1024, 2048) and round to even.
  uint32_t sig = static_cast<uint32_t>(std::nearbyint(m * 2048.0f));
  if (sig == 2048) {
    sig = 1024;
    ++e;
  }
  const uint32_t biased = static_cast<uint32_t>(e - 1 + 15);
  return sign | static_cast<uint16_t>((biased << 10) | (sig - 1024));
}

float bfloat16_to_float(uint16_t bits) {
  const uint32_t x = static_cast<uint32_t>(bits) << 16;
  float result;
  std::memcpy(&result, &x, 4);
  return result;
}

uint16_t float_to_bfloat16(float value) {
  uint32_t x;
  std::memcpy(&x, &value, 4);
  if (std::isnan(value)) return static_cast<uint16_t>((x >> 16) | 0x40);
  const uint32_t rounding = 0x7fff + ((x >> 16) & 1);
  return static_cast<uint16_t>((x + rounding) >> 16);
}

}  // namespace frost
