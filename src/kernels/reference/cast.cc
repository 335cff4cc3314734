// Reference dtype conversion (TensorFlow's Cast). One conversion rule per
// pair of type kinds; the dtype double dispatch only picks C++ types.
#include <bit>
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/elementwise.h"

namespace frost::kernels {

namespace {

// Storage of the two 16-bit float types, as raw bits.
struct Half { uint16_t bits; };
struct BFloat16 { uint16_t bits; };

template <class T>
constexpr bool kIsSmallFloat = std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;

float to_float(Half h) { return half_to_float(h.bits); }
float to_float(BFloat16 h) { return bfloat16_to_float(h.bits); }

// Clears the `bits` lowest mantissa bits of a float or double (not of NaN):
// TensorFlow's Truncate=true turns the rounding conversion into truncation so.
// NaN is recognised from the bits: GCC 12 at -O1/-O2 drops the masking when
// it follows a std::isnan early return.
template <class F>
F clear_low_bits(F value, int bits) {
  using Bits = std::conditional_t<sizeof(F) == 8, uint64_t, uint32_t>;
  const Bits raw = std::bit_cast<Bits>(value);
  const Bits magnitude = raw & (std::numeric_limits<Bits>::max() >> 1);
  if (magnitude > std::bit_cast<Bits>(std::numeric_limits<F>::infinity())) return value;  // NaN
  return std::bit_cast<F>(static_cast<Bits>(raw & (~Bits{0} << bits)));
}

// float/double -> integer, defined everywhere. In range it truncates toward
// zero like static_cast. Out of range (and NaN) C++ is undefined; TensorFlow
// on x86-64 gets the truncating conversion instruction's "integer indefinite"
// value (the most negative integer) from a 32-bit conversion for types up to
// 32 bits (wrapped to narrower ones) and from a 64-bit conversion for uint32
// and 64-bit types; we reproduce that.
template <class I, class F>
I float_to_integer(F x) {
  constexpr F two63 = F(9223372036854775808.0);
  constexpr F two31 = F(2147483648.0);
  if constexpr (std::is_same_v<I, uint64_t>) {
    if (x >= F(0) && x < F(2) * two63) return static_cast<uint64_t>(x);
    if (x > -two63 - F(1) && x < F(0)) return static_cast<uint64_t>(static_cast<int64_t>(x));
    return uint64_t{1} << 63;
  } else if constexpr (sizeof(I) == 8 || std::is_same_v<I, uint32_t>) {
    const int64_t v = (x >= -two63 && x < two63) ? static_cast<int64_t>(x) : std::numeric_limits<int64_t>::min();
    return static_cast<I>(v);
  } else {
    // x > -2^31 - 1 rather than >= -2^31: exact for float and double alike.
    const int32_t v = (x > -two31 - F(1) && x < two31) ? static_cast<int32_t>(x) : std::numeric_limits<int32_t>::min();
    return static_cast<I>(v);
  }
}

template <class D, class S>
D convert(S s) {
  if constexpr (kIsSmallFloat<S>) {
    return convert<D>(to_float(s));
  } else if constexpr (std::is_same_v<D, Half>) {
    return Half{float_to_half(static_cast<float>(s))};
  } else if constexpr (std::is_same_v<D, BFloat16>) {
    return BFloat16{float_to_bfloat16(static_cast<float>(s))};
  } else if constexpr (std::is_same_v<D, bool>) {
    return s != S(0);
  } else if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D>) {
    return float_to_integer<D>(s);
  } else {
    return static_cast<D>(s);  // int -> int wraps (C++20), int -> float rounds, float <-> double
  }
}

// Mantissa bits TensorFlow's Truncate clears for this pair; 0 = not applicable.
template <class D, class S>
constexpr int truncated_bits() {
  if constexpr (std::is_same_v<S, double> && std::is_same_v<D, float>) return 53 - 24;
  if constexpr (std::is_same_v<S, double> && std::is_same_v<D, Half>) return 53 - 11;
  if constexpr (std::is_same_v<S, float> && std::is_same_v<D, Half>) return 24 - 11;
  if constexpr (std::is_same_v<S, float> && std::is_same_v<D, BFloat16>) return 24 - 8;
  return 0;
}

template <class D, class S>
void cast_loop(const void* src, void* dst, int64_t n, bool truncate) {
  const auto* in = static_cast<const S*>(src);
  auto* out = static_cast<D*>(dst);
  constexpr int bits = truncated_bits<D, S>();
  if constexpr (bits > 0) {
    if (truncate) {
      for (int64_t i = 0; i < n; ++i) out[i] = convert<D>(clear_low_bits(in[i], bits));
      return;
    }
  }
  for (int64_t i = 0; i < n; ++i) out[i] = convert<D>(in[i]);
}

template <class T>
struct Tag { using type = T; };

// Calls f(Tag<C++ type>) for a cast_supported dtype.
template <class F>
void with_type(DType t, F&& f) {
  switch (t) {
    case DType::Float: return f(Tag<float>{});
    case DType::Double: return f(Tag<double>{});
    case DType::Half: return f(Tag<Half>{});
    case DType::BFloat16: return f(Tag<BFloat16>{});
    case DType::Int8: return f(Tag<int8_t>{});
    case DType::Int16: return f(Tag<int16_t>{});
    case DType::Int32: return f(Tag<int32_t>{});
    case DType::Int64: return f(Tag<int64_t>{});
    case DType::UInt8: return f(Tag<uint8_t>{});
    case DType::UInt16: return f(Tag<uint16_t>{});
    case DType::UInt32: return f(Tag<uint32_t>{});
    case DType::UInt64: return f(Tag<uint64_t>{});
    case DType::Bool: return f(Tag<bool>{});
    default: return;
  }
}

}  // namespace

bool cast_supported(DType t) {
  bool supported = false;
  with_type(t, [&](auto) { supported = true; });
  return supported;
}

void cast_reference(DType src_type, const void* src, DType dst_type, void* dst, int64_t n, bool truncate) {
  with_type(src_type, [&](auto src_tag) {
    with_type(dst_type, [&](auto dst_tag) {
      using S = typename decltype(src_tag)::type;
      using D = typename decltype(dst_tag)::type;
      cast_loop<D, S>(src, dst, n, truncate);
    });
  });
}

}  // namespace frost::kernels
