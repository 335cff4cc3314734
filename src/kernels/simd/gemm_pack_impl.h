// Packing of A blocks and B panels into the micro-kernel's layouts (see
// gemm_impl.h for the layouts). Part of gemm_impl.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/simd/gemm_microkernel_impl.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose (see gemm_impl.h)

// ---------------------------------------------------------------------------
// Packing

// rows×kc block of op(A) starting at `a` → ceil(rows/MR) panels of kc·MR floats.
template <class T>
void pack_a_block(AView av, int64_t rows, int64_t kc, float* dst) {
  constexpr int MR = T::MR;
  for (int64_t i = 0; i < rows; i += MR) {
    const int64_t h = min_i64(MR, rows - i);
    const float* src = av.a + i * av.rs;
    if (h == MR && av.rs == 1) {
      // op(A) rows are contiguous per k (A stored transposed): copy MR at a time.
      for (int64_t p = 0; p < kc; ++p) {
#pragma GCC unroll 16
        for (int r = 0; r < MR; ++r) dst[p * MR + r] = src[p * av.ks + r];
      }
    } else if (h == MR) {
      for (int r = 0; r < MR; ++r) {
        const float* row = src + r * av.rs;
        for (int64_t p = 0; p < kc; ++p) dst[p * MR + r] = row[p * av.ks];
      }
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
