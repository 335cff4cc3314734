// The paired variant of the stem mode (DirectConvRun::paired), for layers
// with at most half a vector of output channels (out_c ≤ 8 on AVX-512):
// a 16-channel tile would spend each FMA on out_c useful lanes of 16. Here
// a vector instead holds the 8 channels twice, lane 2j channel j for the
// even reduction index k, lane 2j + 1 for the odd one k + 1, so that each
// FMA does two steps of the reduction:
//  - the input operand is the pixel's floats k and k + 1 as one 64-bit
//    broadcast (a load, as the 32-bit broadcast operand it replaces);
//  - the filter operand interleaves the panel's rows k and k + 1 (one
//    permute per row pair and tile, for MR FMAs), so the packing stays the
//    plain one and a run that does not fit falls back to the plain stem;
//  - after the reduction, two pixels' accumulators become one vector of
//    their 8 + 8 channels (two permutes and an add: the adjacent lanes'
//    sums), which is 16 consecutive floats of NHWC output when out_c == 8.
// Reduction runs must have an even length (fw·in_c, or in_c where the
// filter's columns are dilated), so that a pair never straddles two runs.
// AVX-512 only (the lane layout is 16 wide); included by
// conv_direct_stem_impl.h, instantiated only where stem_paired_fits holds.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose, see conv_direct_impl.h

// Whether tile T has the paired variant (a run takes it where
// direct_stem_paired_fits, conv_direct_kernel_table.h).
template <class T>
constexpr bool stem_paired_tile() {
  return kIsAvx512<typename T::Arch> && T::NV == 1 && T::MR % 2 == 0;
}

// Rows k and k + 1 of a 16-channel panel (channels 0..7 used) interleaved:
// lane 2j = b[j] (row k), lane 2j + 1 = b[16 + j] (row k + 1).
FROST_SIMD_INLINE __m512 stem_paired_filter(const float* b) {
  const __m512i idx = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  return _mm512_permutex2var_ps(_mm512_loadu_ps(b), idx, _mm512_loadu_ps(b + 16));
}

// The floats a[0], a[1] in every pair of lanes.
FROST_SIMD_INLINE __m512 stem_paired_input(const float* a) {
  double pair;
  std::memcpy(&pair, a, sizeof pair);
  return _mm512_castpd_ps(_mm512_set1_pd(pair));
}

// Pixels r (lanes 0..7) and r + 1 (lanes 8..15): the channels' sums of
// their even and odd reduction indices.
FROST_SIMD_INLINE __m512 stem_paired_sums(__m512 r0, __m512 r1) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  return _mm512_add_ps(_mm512_permutex2var_ps(r0, even, r1), _mm512_permutex2var_ps(r0, odd, r1));
}

// The first `cols` (≤ 8) floats at p in both halves, zeros elsewhere (a
// per-channel vector of the epilogue for two pixels).
FROST_SIMD_INLINE __m512 stem_paired_channels(const float* p, int64_t cols, float none) {
  if (p == nullptr) return _mm512_set1_ps(none);
  const __m512i twice = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7);
  return _mm512_permutexvar_ps(twice, _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << cols) - 1u), p));
}

// Where the tile's accumulators (pixel r in acc[r][0], paired lanes) go:
// in line through bias, the clamp [lo, hi], scale and shift
// (stem_store_clamped's operations) when `clamp`, else as the plain
// layout's sums (row r's channels in lanes 0..7 of sums + r·16) for the
// out-of-line store.
template <class T>
FROST_SIMD_INLINE void stem_paired_store(typename T::V (&acc)[T::MR][T::NV], float* c, int64_t ldc, int64_t rows,
                                         int64_t cols, const TileEpilogue& e, bool clamp, __m512 lo, __m512 hi,
                                         float* sums) {
  constexpr int MR = T::MR;
  // Pixel r + 1's lanes moved down to 0..7.
  const __m512i upper = _mm512_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15, 0, 0, 0, 0, 0, 0, 0, 0);
  if (!clamp) {
#pragma GCC unroll 16
    for (int r = 0; r < MR; r += 2) {
      const __m512 x = stem_paired_sums(acc[r][0], acc[r + 1][0]);
      _mm512_store_ps(sums + r * 16, _mm512_maskz_mov_ps(0x00FF, x));
      _mm512_store_ps(sums + (r + 1) * 16, _mm512_maskz_permutexvar_ps(0x00FF, upper, x));
    }
    return;
  }
  const __m512 bias = stem_paired_channels(e.bias, cols, 0.0f);
  const __m512 scale = stem_paired_channels(e.scale, cols, 1.0f);
  const __m512 shift = stem_paired_channels(e.shift, cols, 0.0f);
  const bool affine = e.scale != nullptr || e.shift != nullptr;
  const auto low_lanes = static_cast<__mmask16>((1u << cols) - 1u);
  // 16 consecutive output floats per pixel pair (out_c == 8, dense rows).
  const bool dense = cols == 8 && ldc == 8;
#pragma GCC unroll 16
  for (int r = 0; r < MR; r += 2) {
    if (r >= rows) break;
    // A missing bias is zeros, missing scale and shift ones and zeros
    // (one test per pair for both).
    __m512 x = _mm512_add_ps(stem_paired_sums(acc[r][0], acc[r + 1][0]), bias);
    x = _mm512_min_ps(hi, _mm512_max_ps(lo, x));
    if (affine) x = _mm512_fmadd_ps(x, scale, shift);
    if (dense && r + 1 < rows) {
      _mm512_storeu_ps(c + r * ldc, x);
      continue;
    }
    _mm512_mask_storeu_ps(c + r * ldc, low_lanes, x);
    if (r + 1 < rows) _mm512_mask_storeu_ps(c + (r + 1) * ldc, low_lanes, _mm512_permutexvar_ps(upper, x));
  }
}

}  // namespace
}  // namespace frost::kernels::simd
