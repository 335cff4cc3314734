// The fusable activations (kernels/activation.h) on one vector, shared by the
// element-wise activation kernel (unary_impl.h) and the GEMM / convolution
// epilogues (epilogue_impl.h), so a fused and an unfused Relu give the same
// bits. Included only by per-ISA translation units (internal linkage, as
// gemm_impl.h).
//
// The operations follow the reference formulas literally (`x < 0 ? 0 : x`
// for Relu, ...; max/min with the operand order that makes them the same
// select), so NaN and −0 come out as in the reference: Relu, Relu6 and
// LeakyRelu are bit-identical to it. expm1 and tanh are xsimd's vectorised
// polynomial approximations (Cephes-style range reduction and minimax
// polynomial); sigmoid 1/(1 + e^−x) and swish x/(1 + e^−x) divide by
// sigmoid_impl.h's table-driven 1 + e^−x (about half the operations of
// xsimd::exp). Measured against the double-precision formulas, all stay
// within about 2 float epsilons (tests/simd/activation_test.cc checks ≤ 4).
#pragma once

#include <xsimd/xsimd.hpp>

#include "kernels/activation.h"
#include "kernels/simd/sigmoid_impl.h"

#ifndef FROST_SIMD_INLINE
#define FROST_SIMD_INLINE inline __attribute__((always_inline))
#endif

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

// −x by flipping the sign bit, as the reference's unary minus does: xsimd 8's
// AVX-512 `-x` is `0 - x`, which turns −(+0) into +0 instead of −0 (its AVX2
// one flips the bit). Use this, never `-x`, on vectors. (Also never `^` two
// masks: xsimd 8's AVX-512 batch_bool xor is an OR.)
template <class V>
FROST_SIMD_INLINE V negate(V x) {
  return xsimd::bitwise_xor(x, V(-0.0f));
}

template <Activation kAct, class V>
FROST_SIMD_INLINE V activation_op(V x, V alpha) {
  const V zero(0.0f);
  if constexpr (kAct == Activation::kNone) {
    return x;
  } else if constexpr (kAct == Activation::kRelu) {
    // max(0, x) is 0 > x ? 0 : x (maxps returns its second operand when one
    // is NaN): select(x < 0, 0, x) bit for bit, NaN and −0 included, in one
    // instruction instead of a compare and a blend (on AVX-512 a compare
    // into a mask register, then a masked move).
    return xsimd::max(zero, x);
  } else if constexpr (kAct == Activation::kRelu6) {
    // min(6, r) is 6 < r ? 6 : r: select(6 < r, 6, r), as above.
    return xsimd::min(V(6.0f), xsimd::max(zero, x));
  } else if constexpr (kAct == Activation::kLeakyRelu) {
    return xsimd::select(x > zero, x, alpha * x);
  } else if constexpr (kAct == Activation::kElu) {
    return xsimd::select(x > zero, x, alpha * xsimd::expm1(x));
  } else if constexpr (kAct == Activation::kSigmoid) {
    return V(1.0f) / one_plus_exp_neg(x);
  } else if constexpr (kAct == Activation::kTanh) {
    return xsimd::tanh(x);
  } else if constexpr (kAct == Activation::kSwish) {
    // x·(1/(1 + e^−x)) as x/(1 + e^−x): one rounding fewer, and the same
    // specials (−inf/inf = NaN as −inf·0; x/inf = ∓0 as x·0).
    return x / one_plus_exp_neg(x);
  } else {
    static_assert(kAct == Activation::kHardSwish);
    const V r = xsimd::min(xsimd::max(x + V(3.0f), zero), V(6.0f));
    return x * r / V(6.0f);
  }
}

}  // namespace
}  // namespace frost::kernels::simd
