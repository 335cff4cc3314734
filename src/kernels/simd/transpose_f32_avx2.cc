// In-register float transposes (built with -mavx2): the 8x8 tile (three
// rounds of shuffles, 8 loads and 8 stores of 32 bytes each), and 2-4 planes
// interleaved into pixels 8 at a time (an NCHW image of few channels to NHWC).
#include <immintrin.h>

#include "kernels/transpose.h"

namespace frost::kernels {

void transpose_tile_8x8_f32_avx2(const float* src, int64_t ld_src, float* dst, int64_t ld_dst) {
  __m256 r[8], t[8];
  for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * ld_src);
  // Interleave pairs of rows: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] ...
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  // Groups of four rows: each 128-bit lane now holds one column of 4 rows.
  for (int i = 0; i < 8; i += 4) {
    r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  // Join the low lanes (columns 0-3) and high lanes (4-7) of rows 0-3 and 4-7.
  for (int i = 0; i < 4; ++i) {
    _mm256_storeu_ps(dst + i * ld_dst, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
    _mm256_storeu_ps(dst + (i + 4) * ld_dst, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
  }
}

// dst[8·i .. 8·i + 7] of the B·8 floats that interleave 8 floats of each of
// the B rows (element j is row j mod B, column j / B), for B = 2, 3, 4.
template <int B>
inline void interleave_8(const __m256 (&r)[B], float* dst) {
  if constexpr (B == 2) {
    const __m256 lo = _mm256_unpacklo_ps(r[0], r[1]), hi = _mm256_unpackhi_ps(r[0], r[1]);  // pixels 0 1 4 5 | 2 3 6 7
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(lo, hi, 0x20));
    _mm256_storeu_ps(dst + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
  } else if constexpr (B == 4) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    // Each 128-bit lane one pixel: u0 = pixels 0 | 4, u1 = 1 | 5, u2 = 2 | 6, u3 = 3 | 7.
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(u0, u1, 0x20));
    _mm256_storeu_ps(dst + 8, _mm256_permute2f128_ps(u2, u3, 0x20));
    _mm256_storeu_ps(dst + 16, _mm256_permute2f128_ps(u0, u1, 0x31));
    _mm256_storeu_ps(dst + 24, _mm256_permute2f128_ps(u2, u3, 0x31));
  } else {
    static_assert(B == 3);
    // Output vector k, lane l holds element j = 8k + l: row j mod 3, column
    // j / 3. One index vector per k serves all three rows; two blends pick
    // each lane's row.
    const __m256i idx0 = _mm256_setr_epi32(0, 0, 0, 1, 1, 1, 2, 2);
    const __m256i idx1 = _mm256_setr_epi32(2, 3, 3, 3, 4, 4, 4, 5);
    const __m256i idx2 = _mm256_setr_epi32(5, 5, 6, 6, 6, 7, 7, 7);
    const __m256 a0 = _mm256_permutevar8x32_ps(r[0], idx0), b0 = _mm256_permutevar8x32_ps(r[1], idx0),
                 c0 = _mm256_permutevar8x32_ps(r[2], idx0);
    const __m256 a1 = _mm256_permutevar8x32_ps(r[0], idx1), b1 = _mm256_permutevar8x32_ps(r[1], idx1),
                 c1 = _mm256_permutevar8x32_ps(r[2], idx1);
    const __m256 a2 = _mm256_permutevar8x32_ps(r[0], idx2), b2 = _mm256_permutevar8x32_ps(r[1], idx2),
                 c2 = _mm256_permutevar8x32_ps(r[2], idx2);
    // The rows of lanes 0-7: k = 0: 0 1 2 0 1 2 0 1; k = 1: 2 0 1 2 0 1 2 0;
    // k = 2: 1 2 0 1 2 0 1 2 (a blend mask has bit l set for lane l).
    _mm256_storeu_ps(dst, _mm256_blend_ps(_mm256_blend_ps(a0, b0, 0x92), c0, 0x24));
    _mm256_storeu_ps(dst + 8, _mm256_blend_ps(_mm256_blend_ps(a1, b1, 0x24), c1, 0x49));
    _mm256_storeu_ps(dst + 16, _mm256_blend_ps(_mm256_blend_ps(a2, b2, 0x49), c2, 0x92));
  }
}

template <int B>
void interleave_rows(const float* src, int64_t ld_src, float* dst, int64_t len) {
  for (int64_t a = 0; a + 8 <= len; a += 8) {
    __m256 r[B];
    for (int b = 0; b < B; ++b) r[b] = _mm256_loadu_ps(src + b * ld_src + a);
    interleave_8<B>(r, dst + a * B);
  }
}

int64_t interleave_rows_f32_avx2(const float* src, int64_t ld_src, float* dst, int64_t len, int rows) {
  switch (rows) {
    case 2: interleave_rows<2>(src, ld_src, dst, len); break;
    case 3: interleave_rows<3>(src, ld_src, dst, len); break;
    case 4: interleave_rows<4>(src, ld_src, dst, len); break;
    default: return 0;
  }
  return len / 8 * 8;
}

}  // namespace frost::kernels
