// Element-wise activations (every kind of kernels/activation.h, Selu,
// Softplus) and unary math (Abs, Neg, Square, Sqrt, Rsqrt, Reciprocal, Exp)
// on float32, as templates over the xsimd architecture. Included only by
// eltwise_f32_<isa>.cc.
//
// The activations are activation_impl.h's (the fused epilogues' too); the
// IEEE unary ops are bit-identical to the reference, Exp is xsimd's
// polynomial (tests/simd/activation_test.cc checks the error bound).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "kernels/activation.h"
#include "kernels/elementwise.h"
#include "kernels/simd/activation_impl.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

template <UnaryOp kOp, class V>
inline V unary_op(V x) {
  if constexpr (kOp == UnaryOp::Abs) {
    return xsimd::abs(x);
  } else if constexpr (kOp == UnaryOp::Neg) {
    return negate(x);
  } else if constexpr (kOp == UnaryOp::Square) {
    return x * x;
  } else if constexpr (kOp == UnaryOp::Sqrt) {
    return xsimd::sqrt(x);
  } else if constexpr (kOp == UnaryOp::Rsqrt) {
    return V(1.0f) / xsimd::sqrt(x);
  } else if constexpr (kOp == UnaryOp::Reciprocal) {
    return V(1.0f) / x;
  } else {
    static_assert(kOp == UnaryOp::Exp);
    return xsimd::exp(x);
  }
}

// y[i] = f(x[i]) for i < n with f: V → V; x and y may be equal.
template <class V, class F>
inline void map_vectors(const float* x, float* y, int64_t n, F f) {
  constexpr int W = static_cast<int>(V::size);
  int64_t i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    const V a = f(V::load_unaligned(x + i)), b = f(V::load_unaligned(x + i + W));
    a.store_unaligned(y + i);
    b.store_unaligned(y + i + W);
  }
  for (; i + W <= n; i += W) f(V::load_unaligned(x + i)).store_unaligned(y + i);
  if (i < n) {
    // The last < W elements through a zero-padded copy: same arithmetic.
    alignas(64) float b[W] = {};
    for (int64_t q = 0; q < n - i; ++q) b[q] = x[i + q];
    f(V::load_aligned(b)).store_aligned(b);
    for (int64_t q = 0; q < n - i; ++q) y[i + q] = b[q];
  }
}

template <class Arch>
void activation_f32(Activation act, float alpha, const float* x, float* y, int64_t n) {
  using V = xsimd::batch<float, Arch>;
  const V a(alpha);
  auto with = [&](auto tag) {
    constexpr Activation kAct = decltype(tag)::value;
    // Inlined, so that the constants of exp-based activations stay in
    // registers across the loop (GCC otherwise calls the lambda per vector).
    map_vectors<V>(x, y, n, [a](V v) __attribute__((always_inline)) { return activation_op<kAct>(v, a); });
  };
  with_activation(act, with);
}

// TensorFlow's Selu: scale·x for x ≥ 0, scale·alpha·(exp(x) − 1) below.
template <class Arch>
void selu_f32(const float* x, float* y, int64_t n) {
  using V = xsimd::batch<float, Arch>;
  const V scale(1.0507009873554804934193349852946f), scale_alpha(1.0507009873554804934193349852946 *
                                                                  1.6732632423543772848170429916717);
  map_vectors<V>(x, y, n, [=](V v) { return xsimd::select(v < V(0.0f), scale_alpha * xsimd::expm1(v), scale * v); });
}

// TensorFlow's Softplus: log(1 + exp(x)), but x above −threshold and exp(x)
// below threshold, threshold = log(float epsilon) + 2 (as softplus_reference).
template <class Arch>
void softplus_f32(const float* x, float* y, int64_t n) {
  using V = xsimd::batch<float, Arch>;
  const float threshold = static_cast<float>(std::log(static_cast<double>(std::numeric_limits<float>::epsilon())) + 2.0);
  const V lo(threshold), hi(-threshold);
  map_vectors<V>(x, y, n, [=](V v) {
    const V e = xsimd::exp(v);
    return xsimd::select(v > hi, v, xsimd::select(v < lo, e, xsimd::log1p(e)));
  });
}

// with(std::integral_constant<UnaryOp, op>{}) for the ops unary_op has a
// vector form of, so that each caller's loop is compiled once per op;
// nothing for the others (the front ends pass supported ops only).
template <class With>
void with_vector_unary_op(UnaryOp op, With&& with) {
  switch (op) {
    case UnaryOp::Abs: return with(std::integral_constant<UnaryOp, UnaryOp::Abs>{});
    case UnaryOp::Neg: return with(std::integral_constant<UnaryOp, UnaryOp::Neg>{});
    case UnaryOp::Square: return with(std::integral_constant<UnaryOp, UnaryOp::Square>{});
    case UnaryOp::Sqrt: return with(std::integral_constant<UnaryOp, UnaryOp::Sqrt>{});
    case UnaryOp::Rsqrt: return with(std::integral_constant<UnaryOp, UnaryOp::Rsqrt>{});
    case UnaryOp::Reciprocal: return with(std::integral_constant<UnaryOp, UnaryOp::Reciprocal>{});
    case UnaryOp::Exp: return with(std::integral_constant<UnaryOp, UnaryOp::Exp>{});
    default: return;
  }
}

template <class Arch>
void unary_f32(UnaryOp op, int64_t n, const float* x, float* y) {
  using V = xsimd::batch<float, Arch>;
  auto with = [&](auto tag) {
    constexpr UnaryOp kOp = decltype(tag)::value;
    map_vectors<V>(x, y, n, [](V v) { return unary_op<kOp>(v); });
  };
  with_vector_unary_op(op, with);  // the front end only passes unary_f32_supported ops
}

}  // namespace
}  // namespace frost::kernels::simd
