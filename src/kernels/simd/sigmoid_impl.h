// The denominator of the logistic function, 1 + e^−x, on one vector: what
// Sigmoid (1/d), Swish (x/d) and the LSTM/GRU gates divide by. Included by
// activation_impl.h only (per-ISA translation units, internal linkage).
//
// e^−x = 2^(N/L) · e^ρ with N = round(−x·L/ln 2) and ρ = −x − N·ln2/L, so
// |ρ| ≤ ln2/(2L). 2^(N/L) is built from bits: floor(N/L) + 127 is the
// exponent field, 2^((N mod L)/L) a fraction looked up in a table of L
// entries that fits one register (one vpermd). e^ρ is a degree-3
// polynomial, minimax in relative error on [−ln2/2L, ln2/2L] (Lawson's
// iteration, tools/fit_exp_polynomial.py: 1.7e-9 for L = 16, 2.8e-8 for
// L = 8, below float rounding). ln2/L is split in two (Cody–Waite) so that
// N·hi is exact. Costs per vector: 7 FMAs, 6 other ops (min, max, sub,
// shift, and-or, vpermd) and the caller's division; xsimd::exp needs about
// twice as many. Measured on Zen 4, bench_eltwise sigmoid/56x56x64 (one
// thread, AVX-512): 59.8 µs with xsimd::exp, 37.7 µs with this.
// Error of the sigmoid against the double formula ≤ 2 float epsilons
// (tests/simd/activation_test.cc sweeps it).
//
// Range: x is clamped to [−88.72, 87.34] first (e^−x stays within float's
// normal range: N/L ∈ [−126, 128]); outside it the result is what
// 1 + expf(−x) gives within float rounding: 1 above, and for x < −88.38
// +inf (2^128), whose reciprocal is 0 — the std::exp formulation gives 0
// there too, or a denormal below 3.4e-39. NaN stays NaN: max/min return
// their second operand when one is NaN, and x is that operand.
//
// AVX-512 uses L = 16 (vpermd over 16 lanes), AVX2 L = 8 (vpermd over 8);
// SSE2 has no variable permute and keeps xsimd::exp.
#pragma once

#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#ifndef FROST_SIMD_INLINE
#define FROST_SIMD_INLINE inline __attribute__((always_inline))
#endif

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

// The table size of the architecture: 16 on AVX-512, 8 on AVX2, 0 (no table) otherwise.
template <class Arch>
constexpr int exp_table_size() {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) return 16;
  if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) return 8;
  return 0;
}

// The fraction bits of 2^(i/L) (its float bits minus those of 1.0) for the
// low log2(L) bits i of each lane of `index` (vpermd ignores the others).
template <class VI>
FROST_SIMD_INLINE VI exp2_fraction_bits(VI index) {
  using Arch = typename VI::arch_type;
  if constexpr (exp_table_size<Arch>() == 16) {
    return _mm512_permutexvar_epi32(
        index, _mm512_setr_epi32(0x000000, 0x05aac3, 0x0b95c2, 0x11c3d3, 0x1837f0, 0x1ef532, 0x25fed7, 0x2d583f,
                                 0x3504f3, 0x3d08a4, 0x45672a, 0x4e248c, 0x5744fd, 0x60ccdf, 0x6ac0c7, 0x75257d));
  } else {
    static_assert(exp_table_size<Arch>() == 8);
    return _mm256_permutevar8x32_epi32(
        _mm256_setr_epi32(0x000000, 0x0b95c2, 0x1837f0, 0x25fed7, 0x3504f3, 0x45672a, 0x5744fd, 0x6ac0c7), index);
  }
}

// The polynomial of e^ρ for table size L: 1 + ρ + kC2·ρ² + kC3·ρ³.
template <int L>
struct ExpPolynomial;
template <>
struct ExpPolynomial<16> {
  static constexpr float kC2 = 0.5000168085098267f, kC3 = 0.16666720807552338f;
};
template <>
struct ExpPolynomial<8> {
  static constexpr float kC2 = 0.5000670552253723f, kC3 = 0.16666863858699799f;
};

// 1 + e^−x (see the top of this file).
template <class V>
FROST_SIMD_INLINE V one_plus_exp_neg(V x) {
  using Arch = typename V::arch_type;
  constexpr int L = exp_table_size<Arch>();
  const V one(1.0f);
  if constexpr (L == 0) {
    return one + xsimd::exp(xsimd::bitwise_xor(x, V(-0.0f)));
  } else {
    using VI = xsimd::batch<int32_t, Arch>;
    using P = ExpPolynomial<L>;
    constexpr float kLn2 = 0.693359375f;       // ln 2 = kLn2 + kLn2Low; kLn2·N exact for |N| < 2^14
    constexpr float kLn2Low = -2.12194440e-4f;
    x = xsimd::min(V(87.33654475f), xsimd::max(V(-88.72283935f), x));  // NaN passes (second operands)
    // t = −x·L/ln2 + 1.5·2^23 + 127·L: rounding to an integer puts N + 127·L in
    // the low mantissa bits of t (≥ 0 and < 2^12 over the clamped range).
    const V magic(12582912.0f + 127.0f * L);
    const V t = xsimd::fma(x, V(-static_cast<float>(L) * 1.44269504088896341f), magic);
    const V n = t - magic;  // N, exactly
    // ρ' = x + N·ln2/L = −ρ: the polynomial below is P(−ρ').
    V rho = xsimd::fma(n, V(kLn2 / L), x);
    rho = xsimd::fma(n, V(kLn2Low / L), rho);
    const VI bits = xsimd::bitwise_cast<VI>(t);
    constexpr int kShift = L == 16 ? 19 : 20;  // floor(N/L) + 127 to the exponent field
    const VI scale_bits = ((bits << kShift) & VI(0x7F800000)) | exp2_fraction_bits(bits);
    // P(−ρ') = 1 + ρ'·(−1 + ρ'·(c2 − c3·ρ')), as FMAs with constants
    // (xsimd's fnma negates with a subtraction on AVX-512).
    V p = xsimd::fma(V(-P::kC3), rho, V(P::kC2));
    p = xsimd::fma(p, rho, V(-1.0f));
    p = xsimd::fma(p, rho, one);
    return xsimd::fma(xsimd::bitwise_cast<V>(scale_bits), p, one);
  }
}

}  // namespace
}  // namespace frost::kernels::simd
