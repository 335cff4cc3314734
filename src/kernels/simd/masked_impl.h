// Loads and stores of the first `count` (0 ≤ count ≤ W) floats of a vector,
// for the tails of kernels whose rows are not a multiple of the vector width
// (xsimd 8 has no masked memory operations). The lanes past `count` load as
// zero and are never written, and no byte past p + count is touched, so a
// tail costs one instruction instead of a copy through a padded buffer.
// Included only by per-ISA translation units (internal linkage, as
// gemm_impl.h).
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "kernels/simd/activation_impl.h"  // FROST_SIMD_INLINE

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

template <class Arch>
constexpr bool kIsAvx512 = std::is_same_v<Arch, xsimd::avx512f>;
template <class Arch>
constexpr bool kIsAvx2 = std::is_same_v<Arch, xsimd::fma3<xsimd::avx2>> || std::is_same_v<Arch, xsimd::avx2>;

// AVX2's masked moves take the mask as the sign bits of 8 ints.
FROST_SIMD_INLINE __m256i avx2_first_mask(int64_t count) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)), lane);
}

template <class V>
FROST_SIMD_INLINE V load_first(const float* p, int64_t count) {
  using Arch = typename V::arch_type;
  if constexpr (kIsAvx512<Arch>) {
    return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << count) - 1u), p);
  } else if constexpr (kIsAvx2<Arch>) {
    return _mm256_maskload_ps(p, avx2_first_mask(count));
  } else {
    alignas(64) float b[V::size] = {};
    for (int64_t q = 0; q < count; ++q) b[q] = p[q];
    return V::load_aligned(b);
  }
}

template <class V>
FROST_SIMD_INLINE void store_first(V x, float* p, int64_t count) {
  using Arch = typename V::arch_type;
  if constexpr (kIsAvx512<Arch>) {
    _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << count) - 1u), x);
  } else if constexpr (kIsAvx2<Arch>) {
    _mm256_maskstore_ps(p, avx2_first_mask(count), x);
  } else {
    alignas(64) float b[V::size];
    x.store_aligned(b);
    for (int64_t q = 0; q < count; ++q) p[q] = b[q];
  }
}

}  // namespace
}  // namespace frost::kernels::simd
