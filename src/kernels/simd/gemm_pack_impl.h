// Packing of A blocks and B panels into the micro-kernel's layouts (see
// gemm_impl.h for the layouts). Part of gemm_impl.h.
#pragma once

#include <cstddef>
#include <cstdint>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "kernels/simd/gemm_microkernel_impl.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose (see gemm_impl.h)

// ---------------------------------------------------------------------------
// Packing

// h ≤ MR rows of op(A) stored row-major (A not transposed: rs = row stride,
// ks = 1), k = [0, kc) → one packed panel of MR-float groups. Panel rows
// past h repeat row h - 1: the kernel for an h-row tile never reads them.
// Reading k-major with the rows inner writes the panel front to back; the
// old order (one row at a time) stored with a stride of MR floats and cost
// ~4 cycles per float, 5% of a 1024³ GEMM on AVX-512.
template <class T>
FROST_SIMD_INLINE void pack_a_rows_scalar(const float* src, int64_t rs, int64_t h, int64_t p0, int64_t kc,
                                          float* dst) {
  constexpr int MR = T::MR;
  const float* row[MR];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) row[r] = src + min_i64(r, h - 1) * rs;
  for (int64_t p = p0; p < kc; ++p) {
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) dst[p * MR + r] = row[r][p];
  }
}

#if defined(__AVX512F__)
// The same with AVX-512 for 8 < MR ≤ 16: 16 k at a time, the MR×16 block is
// transposed in registers (rows past h repeat row h - 1, rows past MR are
// masked off) and each k's MR floats stored with one masked store.
template <class T>
FROST_SIMD_INLINE int64_t pack_a_rows_avx512(const float* src, int64_t rs, int64_t h, int64_t kc, float* dst) {
  constexpr int MR = T::MR;
  static_assert(MR > 8 && MR <= 16);
  constexpr int kLanes = (MR + 3) / 4;  // 128-bit lanes of an output vector that hold rows
  const __mmask16 keep = static_cast<__mmask16>((1u << MR) - 1u);
  const float* row[16];
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) row[i] = src + min_i64(i, h - 1) * rs;
  int64_t p = 0;
  for (; p + 16 <= kc; p += 16) {
    __m512 r[16];
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(row[i] + p);
    // Pairs of rows interleaved, then quads: q[4i+j], lane L = rows 4i..4i+3 at k = 4L+j.
    __m512 t[16], q[16];
#pragma GCC unroll 8
    for (int i = 0; i < 16; i += 2) {
      t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
#pragma GCC unroll 4
    for (int i = 0; i < 16; i += 4) {
      q[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
      q[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
      q[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
      q[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    // Output k = 4L+j takes lane L of q[j], q[4+j], q[8+j], q[12+j].
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      const __m512 lo01 = _mm512_shuffle_f32x4(q[j], q[4 + j], 0x44);  // q[j].0 q[j].1 q[4+j].0 q[4+j].1
      const __m512 hi01 = _mm512_shuffle_f32x4(q[j], q[4 + j], 0xEE);  // lanes 2, 3
      const __m512 lo23 = kLanes > 2 ? _mm512_shuffle_f32x4(q[8 + j], q[12 + j], 0x44) : lo01;
      const __m512 hi23 = kLanes > 2 ? _mm512_shuffle_f32x4(q[8 + j], q[12 + j], 0xEE) : hi01;
      float* d = dst + (p + j) * MR;
      _mm512_mask_storeu_ps(d + 0 * 4 * MR, keep, _mm512_shuffle_f32x4(lo01, lo23, 0x88));
      _mm512_mask_storeu_ps(d + 1 * 4 * MR, keep, _mm512_shuffle_f32x4(lo01, lo23, 0xDD));
      _mm512_mask_storeu_ps(d + 2 * 4 * MR, keep, _mm512_shuffle_f32x4(hi01, hi23, 0x88));
      _mm512_mask_storeu_ps(d + 3 * 4 * MR, keep, _mm512_shuffle_f32x4(hi01, hi23, 0xDD));
    }
  }
  return p;
}
#endif

// rows×kc block of op(A) starting at `a` → one panel of kc·MR floats per
// row tile (row_tile: `tiles` tiles of nearly equal height).
template <class T>
void pack_a_block(AView av, int64_t rows, int64_t tiles, int64_t kc, float* dst) {
  constexpr int MR = T::MR;
  for (int64_t t = 0; t < tiles; ++t) {
    const auto [i, h] = row_tile(rows, tiles, t);
    const float* src = av.a + i * av.rs;
    if (h == MR && av.rs == 1) {
      // op(A) rows are contiguous per k (A stored transposed): copy MR at a time.
      for (int64_t p = 0; p < kc; ++p) {
#pragma GCC unroll 16
        for (int r = 0; r < MR; ++r) dst[p * MR + r] = src[p * av.ks + r];
      }
    } else if (av.ks == 1) {
      int64_t p = 0;
#if defined(__AVX512F__)
      if constexpr (T::W == 16 && MR > 8 && MR <= 16) p = pack_a_rows_avx512<T>(src, av.rs, h, kc, dst);
#endif
      pack_a_rows_scalar<T>(src, av.rs, h, p, kc, dst);
    } else {
      for (int64_t p = 0; p < kc; ++p) {
        for (int r = 0; r < MR; ++r) dst[p * MR + r] = r < h ? src[r * av.rs + p * av.ks] : 0.0f;
      }
    }
    dst += kc * MR;
  }
}

// One panel: kc rows × `cols` (≤ NR) columns of op(B), where op(B)[p, c] is
// b[p·ks + c·cs], into kc rows of NR floats (zero padded).
template <class T>
void pack_b_panel(const float* b, int64_t ks, int64_t cs, int64_t cols, int64_t kc, float* dst) {
  constexpr int NR = T::NR;
  if (cols == NR && cs == 1) {
    for (int64_t p = 0; p < kc; ++p) {
#pragma GCC unroll 8
      for (int v = 0; v < T::NV; ++v) {
        T::V::load_unaligned(b + p * ks + v * T::W).store_unaligned(dst + p * NR + v * T::W);
      }
    }
    return;
  }
  // Stored B rows are op(B) columns when transposed: read each sequentially.
  for (int64_t c = 0; c < NR; ++c) {
    if (c < cols) {
      const float* col = b + c * cs;
      for (int64_t p = 0; p < kc; ++p) dst[p * NR + c] = col[p * ks];
    } else {
      for (int64_t p = 0; p < kc; ++p) dst[p * NR + c] = 0.0f;
    }
  }
}

struct BView {
  const float* b;
  int64_t ks, cs;  // op(B)[p, j] at b[p·ks + j·cs]
};

inline BView b_view(const GemmShape& s, const float* b) {
  return s.trans_b ? BView{b, 1, s.ldb} : BView{b, s.ldb, 1};
}

template <class T>
size_t packed_b_floats(int64_t n, int64_t k) {
  if (n <= 0 || k <= 0) return 0;
  return static_cast<size_t>(div_up(n, T::NR) * k * T::NR);
}

template <class T>
void pack_b(const GemmShape& s, const float* b, float* packed) {
  if (s.n <= 0 || s.k <= 0) return;
  const BView bv = b_view(s, b);
  const int64_t panels = div_up(s.n, T::NR);
  for (int64_t q = 0; q < panels; ++q) {
    const int64_t j = q * T::NR;
    pack_b_panel<T>(bv.b + j * bv.cs, bv.ks, bv.cs, min_i64(T::NR, s.n - j), s.k, packed + q * s.k * T::NR);
  }
}

}  // namespace
}  // namespace frost::kernels::simd
