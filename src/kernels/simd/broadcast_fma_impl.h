// c += broadcast(*a) · b for register-tiled kernels that broadcast one input
// value against several filter vectors (conv_direct_impl.h,
// conv_transpose_direct_impl.h). Included only by per-ISA translation units.
//
// On AVX-512 this is one FMA with an embedded broadcast (a {1to16} memory
// operand), written as asm because GCC broadcasts the value into a register
// shared by the row's FMAs instead: one more instruction per row and one more
// live register, which in a 7 × 64 tile (28 accumulators + 4 filter vectors =
// all 32 zmm) spilled an accumulator to the stack every step. Elsewhere a
// plain broadcast and FMA (the compiler shares the broadcast).
#pragma once

#include <type_traits>
#include <xsimd/xsimd.hpp>

#ifndef FROST_SIMD_INLINE
#define FROST_SIMD_INLINE inline __attribute__((always_inline))
#endif

namespace frost::kernels::simd {

template <class Arch>
FROST_SIMD_INLINE void fma_broadcast(xsimd::batch<float, Arch>& c, const xsimd::batch<float, Arch>& b,
                                     const float* a) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    __m512 cr = c, br = b;
    asm("vfmadd231ps %[a]%{1to16%}, %[b], %[c]" : [c] "+v"(cr) : [b] "v"(br), [a] "m"(*a));
    c = cr;
  } else {
    c = xsimd::fma(xsimd::batch<float, Arch>(*a), b, c);
  }
}

}  // namespace frost::kernels::simd
