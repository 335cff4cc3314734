// Reference element-wise kernels: one scalar functor per op, applied by one
// broadcasting loop (for_each_broadcast). Integer arithmetic wraps modulo
// 2^bits as TensorFlow's does in practice; it is done in uint64_t so that
// overflow is defined behaviour here.
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kernels/elementwise.h"

namespace frost::kernels {

namespace {

template <class T>
constexpr bool kIsFloat = std::is_floating_point_v<T>;

// Two's-complement wrapping arithmetic for any integer width.
template <class T>
T wrap(uint64_t v) { return static_cast<T>(v); }
template <class T>
uint64_t widen(T v) { return static_cast<uint64_t>(v); }

template <class T>
T integer_pow(T base, T exponent) {
  uint64_t result = 1, b = widen(base);
  for (auto e = static_cast<uint64_t>(exponent); e != 0; e >>= 1) {
    if (e & 1) result *= b;
    b *= b;
  }
  return wrap<T>(result);
}

// Integer Div, FloorDiv and FloorMod; y != 0. INT_MIN / -1 wraps to INT_MIN
// (and its remainder is 0), as TensorFlow's safe_div_or_mod_op arranges.
template <class T>
T integer_div(BinaryOp op, T x, T y) {
  if constexpr (std::is_signed_v<T>) {
    if (x == std::numeric_limits<T>::min() && y == T(-1))
      return op == BinaryOp::FloorMod ? T(0) : x;
  }
  const T q = static_cast<T>(x / y);
  const T r = static_cast<T>(x % y);
  if (op == BinaryOp::Div) return q;
  if constexpr (std::is_signed_v<T>) {
    if (op == BinaryOp::FloorDiv)  // toward -inf: one less when inexact and the signs differ
      return (r != 0 && ((x < 0) != (y < 0))) ? static_cast<T>(q - 1) : q;
    // FloorMod: the remainder takes the divisor's sign.
    return (r != 0 && ((y < 0) != (r < 0))) ? static_cast<T>(r + y) : r;
  }
  return op == BinaryOp::FloorDiv ? q : r;
}

template <class T>
T binary_scalar(BinaryOp op, T x, T y) {
  if constexpr (kIsFloat<T>) {
    switch (op) {
      case BinaryOp::Add: return x + y;
      case BinaryOp::Sub: return x - y;
      case BinaryOp::Mul: return x * y;
      case BinaryOp::Div: return x / y;
      case BinaryOp::FloorDiv: return std::floor(x / y);
      case BinaryOp::FloorMod: {
        const T r = std::fmod(x, y);
        return (r != 0 && ((y < 0) != (r < 0))) ? r + y : r;
      }
      case BinaryOp::Maximum:
        if (std::isnan(x)) return x;
        if (std::isnan(y)) return y;
        return x > y ? x : y;
      case BinaryOp::Minimum:
        if (std::isnan(x)) return x;
        if (std::isnan(y)) return y;
        return x < y ? x : y;
      case BinaryOp::SquaredDifference: return (x - y) * (x - y);
      case BinaryOp::Pow: return std::pow(x, y);
    }
  } else {
    switch (op) {
      case BinaryOp::Add: return wrap<T>(widen(x) + widen(y));
      case BinaryOp::Sub: return wrap<T>(widen(x) - widen(y));
      case BinaryOp::Mul: return wrap<T>(widen(x) * widen(y));
      case BinaryOp::Div:
      case BinaryOp::FloorDiv:
      case BinaryOp::FloorMod: return integer_div(op, x, y);
      case BinaryOp::Maximum: return x > y ? x : y;
      case BinaryOp::Minimum: return x < y ? x : y;
      case BinaryOp::SquaredDifference: {
        const uint64_t d = widen(x) - widen(y);
        return wrap<T>(d * d);
      }
      case BinaryOp::Pow: return integer_pow(x, y);
    }
  }
  return T{};
}

template <class T>
T unary_scalar(UnaryOp op, T x) {
  if constexpr (kIsFloat<T>) {
    switch (op) {
      case UnaryOp::Abs: return std::fabs(x);
      case UnaryOp::Neg: return -x;
      case UnaryOp::Square: return x * x;
      case UnaryOp::Sign: return std::isnan(x) ? x : x > 0 ? T(1) : x < 0 ? T(-1) : T(0);
      case UnaryOp::Round: return std::nearbyint(x);  // default rounding mode: half to even
      case UnaryOp::Rsqrt: return T(1) / std::sqrt(x);
      case UnaryOp::Sqrt: return std::sqrt(x);
      case UnaryOp::Exp: return std::exp(x);
      case UnaryOp::Log: return std::log(x);
      case UnaryOp::Log1p: return std::log1p(x);
      case UnaryOp::Floor: return std::floor(x);
      case UnaryOp::Ceil: return std::ceil(x);
      case UnaryOp::Reciprocal: return T(1) / x;
      case UnaryOp::Erf: return std::erf(x);
    }
  } else {
    switch (op) {
      case UnaryOp::Abs:
        if constexpr (std::is_signed_v<T>) return x < 0 ? wrap<T>(0 - widen(x)) : x;
        return x;
      case UnaryOp::Neg: return wrap<T>(0 - widen(x));
      case UnaryOp::Square: return wrap<T>(widen(x) * widen(x));
      case UnaryOp::Sign:
        if constexpr (std::is_signed_v<T>) return static_cast<T>((x > 0) - (x < 0));
        return static_cast<T>(x > 0);
      case UnaryOp::Round: return x;
      default: return x;  // floating-only ops; callers never pass integers
    }
  }
  return T{};
}

template <class T>
bool compare_scalar(CompareOp op, T x, T y) {
  switch (op) {
    case CompareOp::Greater: return x > y;
    case CompareOp::GreaterEqual: return x >= y;
    case CompareOp::Less: return x < y;
    case CompareOp::LessEqual: return x <= y;
    case CompareOp::Equal: return x == y;
    case CompareOp::NotEqual: return x != y;
  }
  return false;
}

template <class Word>
void select_words(const Broadcast& b, const bool* cond, const void* x, const void* y, void* out) {
  const auto* xs = static_cast<const Word*>(x);
  const auto* ys = static_cast<const Word*>(y);
  auto* os = static_cast<Word*>(out);
  for_each_broadcast(b, [&](int64_t i, const int64_t* off) {
    os[i] = cond[off[0]] ? xs[off[1]] : ys[off[2]];
  });
}

}  // namespace

bool unary_op_needs_float(UnaryOp op) {
  switch (op) {
    case UnaryOp::Abs: case UnaryOp::Neg: case UnaryOp::Square: case UnaryOp::Sign: case UnaryOp::Round:
      return false;
    default: return true;
  }
}

template <class T>
void unary_reference(UnaryOp op, int64_t n, const T* x, T* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = unary_scalar(op, x[i]);
}

void logical_not_reference(int64_t n, const bool* x, bool* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = !x[i];
}

template <class T>
BinaryStatus binary_reference(BinaryOp op, const Broadcast& b, const T* x, const T* y, T* out) {
  if constexpr (!kIsFloat<T>) {
    // TensorFlow refuses these element by element; refusing before computing is equivalent.
    const bool divides = op == BinaryOp::Div || op == BinaryOp::FloorDiv || op == BinaryOp::FloorMod;
    const bool negative_pow = op == BinaryOp::Pow && std::is_signed_v<T>;
    if (divides || negative_pow) {
      BinaryStatus status = BinaryStatus::Ok;
      for_each_broadcast(b, [&](int64_t, const int64_t* off) {
        const T d = y[off[1]];
        if (divides && d == 0) status = BinaryStatus::IntegerDivisionByZero;
        if constexpr (std::is_signed_v<T>) {
          if (negative_pow && d < 0) status = BinaryStatus::NegativeIntegerExponent;
        }
      });
      if (status != BinaryStatus::Ok) return status;
    }
  }
  for_each_broadcast(b, [&](int64_t i, const int64_t* off) { out[i] = binary_scalar(op, x[off[0]], y[off[1]]); });
  return BinaryStatus::Ok;
}

template <class T>
void compare_reference(CompareOp op, const Broadcast& b, const T* x, const T* y, bool* out) {
  for_each_broadcast(b, [&](int64_t i, const int64_t* off) { out[i] = compare_scalar(op, x[off[0]], y[off[1]]); });
}

void logical_reference(LogicalOp op, const Broadcast& b, const bool* x, const bool* y, bool* out) {
  for_each_broadcast(b, [&](int64_t i, const int64_t* off) {
    out[i] = op == LogicalOp::And ? (x[off[0]] && y[off[1]]) : (x[off[0]] || y[off[1]]);
  });
}

void select_reference(const Broadcast& b, const bool* cond, const void* x, const void* y, void* out,
                      std::size_t elem_size) {
  switch (elem_size) {
    case 1: return select_words<uint8_t>(b, cond, x, y, out);
    case 2: return select_words<uint16_t>(b, cond, x, y, out);
    case 4: return select_words<uint32_t>(b, cond, x, y, out);
    case 8: return select_words<uint64_t>(b, cond, x, y, out);
    default: return;  // contract: 1, 2, 4 or 8
  }
}

template <class T>
void add_n_reference(int64_t n, std::span<const T* const> inputs, T* out) {
  for (int64_t i = 0; i < n; ++i) {
    T sum = inputs.empty() ? T{} : inputs[0][i];
    for (size_t k = 1; k < inputs.size(); ++k) sum = binary_scalar(BinaryOp::Add, sum, inputs[k][i]);
    out[i] = sum;
  }
}

#define FROST_INSTANTIATE_ELEMENTWISE(T)                                                            \
  template void unary_reference<T>(UnaryOp, int64_t, const T*, T*);                                 \
  template BinaryStatus binary_reference<T>(BinaryOp, const Broadcast&, const T*, const T*, T*);    \
  template void compare_reference<T>(CompareOp, const Broadcast&, const T*, const T*, bool*);       \
  template void add_n_reference<T>(int64_t, std::span<const T* const>, T*);

FROST_INSTANTIATE_ELEMENTWISE(float)
FROST_INSTANTIATE_ELEMENTWISE(double)
FROST_INSTANTIATE_ELEMENTWISE(int8_t)
FROST_INSTANTIATE_ELEMENTWISE(int16_t)
FROST_INSTANTIATE_ELEMENTWISE(int32_t)
FROST_INSTANTIATE_ELEMENTWISE(int64_t)
FROST_INSTANTIATE_ELEMENTWISE(uint8_t)
FROST_INSTANTIATE_ELEMENTWISE(uint16_t)
FROST_INSTANTIATE_ELEMENTWISE(uint32_t)
FROST_INSTANTIATE_ELEMENTWISE(uint64_t)
template void compare_reference<bool>(CompareOp, const Broadcast&, const bool*, const bool*, bool*);

#undef FROST_INSTANTIATE_ELEMENTWISE

}  // namespace frost::kernels
