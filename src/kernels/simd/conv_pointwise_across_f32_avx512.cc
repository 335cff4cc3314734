// conv_pointwise_across_f32_avx512 (conv_pointwise_across.h): output pixels
// across the 16 lanes of a zmm vector. Per block of 16 pixels, per 8 input
// channels, an in-register transpose makes the 16 pixels' value k one
// vector (load_columns), and out_c FMAs per k add it into the channels'
// accumulators, the filter value a broadcast operand; the accumulators become
// out_c vectors of NHWC output through masked lane permutes (out_c² per
// block). The direct kernel's channel tiles instead do one 16-lane FMA per
// pixel and input channel for out_c useful lanes.
// unet_small's head, 1×1 32²×8→3 (bench_conv, AVX-512, 1 thread): see the
// commit that added this file for the numbers.
// Built with -mavx512f; called only after a CPU + OS check.
#include <immintrin.h>

#include <cstdint>

#include "kernels/simd/conv_pointwise_across.h"
#include "kernels/simd/epilogue_impl.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {
namespace {

constexpr int kLanes = 16;
// Pixels per unit of work: the epilogue runs on a unit's output (at most 4
// KiB) while it is in L1, and the threads share units.
constexpr int64_t kUnitPixels = 256;

struct FlatTraits {  // what epilogue_impl.h needs of a tile's traits
  using V = xsimd::batch<float, xsimd::avx512f>;
  static constexpr int W = kLanes;
};

// How C accumulators (lane p: pixel p's channel j) become C vectors of
// NHWC output: lane l of output vector u holds flat element f = 16u + l,
// pixel f / C, channel f % C.
template <int C>
struct Interleave {
  __m512i pixel[C];
  __mmask16 channel[C][C];  // [u][j]: the lanes of vector u that hold channel j
  Interleave() {
    for (int u = 0; u < C; ++u) {
      alignas(64) int32_t idx[kLanes];
      for (int j = 0; j < C; ++j) channel[u][j] = 0;
      for (int l = 0; l < kLanes; ++l) {
        const int f = kLanes * u + l;
        idx[l] = f / C;
        channel[u][f % C] = static_cast<__mmask16>(channel[u][f % C] | (1u << l));
      }
      pixel[u] = _mm512_load_si512(idx);
    }
  }
};

// The 16 pixels' channels k0 .. k0 + 7 (those below in_c; the others and
// the pixels past n read as zero) as 8 vectors, col[k] lane p = pixel p's
// channel k0 + k: each pixel's 8 floats are one masked load (pixels p and
// p + 8 into the two halves of a vector), then an 8 × 8 transpose in both
// halves at once. Gathers of the 16 pixels' value k instead (one per
// channel) cost 20 cycles each on Zen 4 and took 3/4 of the kernel's time.
FROST_SIMD_INLINE void load_columns(const float* input, int64_t in_c, int64_t k0, int64_t n, __m512 (&col)[8]) {
  const int64_t ch = in_c - k0 < 8 ? in_c - k0 : 8;
  const unsigned row = (1u << ch) - 1u;
  __m512 r[8];
#pragma GCC unroll 8
  for (int i = 0; i < 8; ++i) {
    const __mmask16 lo = static_cast<__mmask16>(i < n ? row : 0u);
    const __mmask16 hi = static_cast<__mmask16>(i + 8 < n ? row << 8 : 0u);
    const float* p = input + i * in_c + k0;
    // Lanes 8..15 from pixel i + 8: its channels read 8 floats past the
    // address given (masked-off lanes are not read, so nothing outside the
    // pixel's own floats is touched).
    r[i] = _mm512_mask_loadu_ps(_mm512_maskz_loadu_ps(lo, p), hi, p + 8 * in_c - 8);
  }
  // Each 128-bit chunk: pixel i's channels 0-3 | 4-7 | pixel i+8's 0-3 | 4-7.
  __m512 t[8];
#pragma GCC unroll 4
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  // s[q + 4h] chunk c: channel q (chunks 0, 2) or q + 4 (1, 3) of pixels
  // 4h .. 4h + 3 (chunks 0, 1) or 8 + 4h .. 11 + 4h (2, 3).
  __m512 s[8];
#pragma GCC unroll 2
  for (int h = 0; h < 2; ++h) {
    s[4 * h + 0] = _mm512_shuffle_ps(t[4 * h], t[4 * h + 2], 0x44);
    s[4 * h + 1] = _mm512_shuffle_ps(t[4 * h], t[4 * h + 2], 0xEE);
    s[4 * h + 2] = _mm512_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0x44);
    s[4 * h + 3] = _mm512_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0xEE);
  }
  const __m512i low = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
  const __m512i high = _mm512_setr_epi32(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
#pragma GCC unroll 4
  for (int q = 0; q < 4; ++q) {
    col[q] = _mm512_permutex2var_ps(s[q], low, s[q + 4]);
    col[q + 4] = _mm512_permutex2var_ps(s[q], high, s[q + 4]);
  }
}

// Output pixels [m0, m0 + n), n ≤ 16, without the epilogue (but with
// accumulate); input and out point at pixel m0.
template <int C>
FROST_SIMD_INLINE void across_block(const float* input, int64_t in_c, const float* filter, int64_t ldw,
                                    float* out, int64_t n, bool accumulate, const Interleave<C>& il) {
  __m512 acc[C];
#pragma GCC unroll 4
  for (int j = 0; j < C; ++j) acc[j] = _mm512_setzero_ps();
  for (int64_t k0 = 0; k0 < in_c; k0 += 8) {
    __m512 col[8];
    load_columns(input, in_c, k0, n, col);
    const int64_t ch = in_c - k0 < 8 ? in_c - k0 : 8;
    const float* w = filter + k0 * ldw;
#pragma GCC unroll 8
    for (int k = 0; k < 8; ++k) {
      if (k >= ch) break;
#pragma GCC unroll 4
      for (int j = 0; j < C; ++j) acc[j] = _mm512_fmadd_ps(col[k], _mm512_set1_ps(w[k * ldw + j]), acc[j]);
    }
  }
  const int64_t floats = n * C;
#pragma GCC unroll 4
  for (int u = 0; u < C; ++u) {
    __m512 x = acc[0];
    if constexpr (C > 1) {
      x = _mm512_setzero_ps();
#pragma GCC unroll 4
      for (int j = 0; j < C; ++j) x = _mm512_mask_permutexvar_ps(x, il.channel[u][j], il.pixel[u], acc[j]);
    }
    float* o = out + u * kLanes;
    const int64_t left = floats - u * kLanes;
    if (left <= 0) break;
    const __mmask16 m = left >= kLanes ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1u);
    if (accumulate) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(m, o));
    _mm512_mask_storeu_ps(o, m, x);
  }
}

template <int C>
void across_run(int64_t pixels, int64_t in_c, const float* input, const float* filter, int64_t ldw, float* output,
                const GemmEpilogue& ep, int threads) {
  const Interleave<C> il;
  const int64_t units = (pixels + kUnitPixels - 1) / kUnitPixels;
  const int64_t chunks = chunk_count(units, threads);
  parallel_for(threads, chunks, [&](int64_t c, int) {
    const ChunkRange r = chunk_range(units, chunks, c);
    for (int64_t unit = r.begin; unit < r.end; ++unit) {
      const int64_t m0 = unit * kUnitPixels, m1 = m0 + kUnitPixels < pixels ? m0 + kUnitPixels : pixels;
      for (int64_t m = m0; m < m1; m += kLanes)
        across_block<C>(input + m * in_c, in_c, filter, ldw, output + m * C, m1 - m, ep.accumulate, il);
      apply_epilogue<FlatTraits>(output, C, m0, 0, m1 - m0, C, ep);
    }
  });
}

}  // namespace

void conv_pointwise_across_f32_avx512(int64_t pixels, int64_t in_c, int64_t out_c, const float* input,
                                      const float* filter, int64_t ldw, float* output, const GemmEpilogue& ep,
                                      int threads) {
  if (pixels <= 0) return;
  switch (out_c) {
    case 1: return across_run<1>(pixels, in_c, input, filter, ldw, output, ep, threads);
    case 2: return across_run<2>(pixels, in_c, input, filter, ldw, output, ep, threads);
    case 3: return across_run<3>(pixels, in_c, input, filter, ldw, output, ep, threads);
    case 4: return across_run<4>(pixels, in_c, input, filter, ldw, output, ep, threads);
    default: return;
  }
}

}  // namespace frost::kernels::simd
