// Register-blocked GEMM micro-kernel and the pieces every GEMM part shares
// (tile traits, operand views, index helpers), as templates over the xsimd
// architecture. Part of gemm_impl.h; included only by per-ISA translation units.
#pragma once

#include <cstddef>
#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "kernels/gemm.h"
#include "kernels/simd/masked_impl.h"

#ifndef FROST_SIMD_INLINE
#define FROST_SIMD_INLINE inline __attribute__((always_inline))
#endif

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose (see gemm_impl.h)

constexpr int64_t div_up(int64_t a, int64_t b) { return (a + b - 1) / b; }
constexpr int64_t round_up(int64_t a, int64_t b) { return div_up(a, b) * b; }
constexpr int64_t min_i64(int64_t a, int64_t b) { return a < b ? a : b; }
constexpr int64_t max_i64(int64_t a, int64_t b) { return a > b ? a : b; }

// Scratch pieces start on a cache line.
constexpr int64_t kAlignFloats = 16;
inline float* align_up(float* p) {
  const auto v = reinterpret_cast<uintptr_t>(p);
  return reinterpret_cast<float*>((v + 63) & ~uintptr_t{63});
}

// Tile and cache-block sizes of one micro-kernel. MC and NC are rounded down
// to whole tiles. KC·NR·4 bytes (one B panel) should sit in L1 next to an A
// micro-panel; MC·KC·4 bytes (the packed A block) in L2.
template <class ArchT, int kMR, int kNV, int kKC, int kMC, int kNC>
struct GemmTraits {
  using Arch = ArchT;
  using V = xsimd::batch<float, Arch>;
  static constexpr int W = static_cast<int>(V::size);
  static constexpr int MR = kMR;
  static constexpr int NV = kNV;  // vectors per row of the tile
  static constexpr int NR = kNV * W;
  static constexpr int64_t KC = kKC;
  static constexpr int64_t MC = (kMC / kMR) * kMR;
  static constexpr int64_t NC = (kNC / NR) * NR;
  // Independent accumulator chains the small-M kernel keeps in flight to hide
  // the FMA latency (latency × FMA ports, rounded up).
  static constexpr int kChains = 8;
};

// The row tiles of an mc-row block: tile t of `tiles` (ceil(mc / MR)) is
// rows [begin, begin + rows). The rows are spread evenly, so no tile is much
// shorter than MR: a short tile loads the same B panel row per k for fewer
// FMAs, and a 4-row one ran at half the speed of a full tile. M = 100,
// N = 128, K = 784 on AVX-512 (12×32), 1 thread: 8×12 + 4 rows 180 µs
// (111 GFLOP/s), 8×11 + 12 rows 173 µs (116, the FMA peak). A packed A block
// has one MR-stride panel per tile (gemm_pack_impl.h).
struct RowTile {
  int64_t begin, rows;
};

FROST_SIMD_INLINE RowTile row_tile(int64_t mc, int64_t tiles, int64_t t) {
  const int64_t begin = mc * t / tiles;
  return {begin, mc * (t + 1) / tiles - begin};
}

// ---------------------------------------------------------------------------
// Operand views

// A as the micro-kernels read it: element (i, p) of op(A) at a[i·rs + p·ks].
struct AView {
  const float* a;
  int64_t rs, ks;
};

inline AView a_view(const GemmShape& s, const float* a) {
  return s.trans_a ? AView{a, 1, s.lda} : AView{a, s.lda, 1};
}

// ---------------------------------------------------------------------------
// Micro-kernel: C[0:kRows, 0:cols] (row stride ldc) = (accumulate ? C : 0)
// + A·B over kc steps, cols ≤ kVecs·W. B is one packed panel, of which the
// first kVecs vectors per row are read: a narrow edge panel (n = 10 in a
// 32-wide tile) computes one vector instead of two and stores it masked,
// straight to C. A is either a packed panel (kPackedA; it keeps its MR
// stride when kRows < MR) or read in place: element (r, p) at
// a[r·a_rs + p·a_ks].
//
// In place, the rows are reached from one pointer per 3 rows, as ptr[0],
// ptr[a_rs] and ptr[2·a_rs] (x86 base + index·{1,2} addressing): 4 pointers
// and a_rs for 12 rows. One pointer per row (12 of the 16 general registers,
// plus B, k and the loop bound) made GCC reload some from the stack in the
// k loop.

// Rows of A in place per base pointer (see above).
constexpr int kRowsPerBase = 3;

// kRows ≤ MR rows are computed (the M tail uses fewer).
template <class T, bool kPackedA, int kRows = T::MR, int kVecs = T::NV>
FROST_SIMD_INLINE void micro_kernel(int64_t kc, const float* a, int64_t a_rs, int64_t a_ks, const float* b, float* c,
                                    int64_t ldc, bool accumulate, int64_t cols = kVecs * T::W) {
  using V = typename T::V;
  static_assert(kVecs >= 1 && kVecs <= T::NV);
  constexpr int MR = kRows, NV = kVecs, W = T::W, NR = T::NR, kPanelStride = T::MR;
  // Accumulators start at zero and the old C is added after the k loop, so a
  // cache miss on C never delays the FMA chains; the prefetch hides it.
  V acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[r][v] = V(0.0f);
#pragma GCC unroll 8
    for (int l = 0; l < NR; l += 16) __builtin_prefetch(c + r * ldc + l, 1);
  }
  if constexpr (kPackedA) {
    for (int64_t p = 0; p < kc; ++p) {
      V bv[NV];
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) bv[v] = V::load_unaligned(b + v * W);
#pragma GCC unroll 16
      for (int r = 0; r < MR; ++r) {
        const V av(a[r]);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(av, bv[v], acc[r][v]);
      }
      a += kPanelStride;
      b += NR;
    }
  } else {
    constexpr int G = (MR + kRowsPerBase - 1) / kRowsPerBase;
    const float* base[G];
#pragma GCC unroll 8
    for (int g = 0; g < G; ++g) base[g] = a + g * kRowsPerBase * a_rs;
    for (int64_t p = 0; p < kc; ++p) {
      V bv[NV];
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) bv[v] = V::load_unaligned(b + v * W);
#pragma GCC unroll 16
      for (int r = 0; r < MR; ++r) {
        const V av(base[r / kRowsPerBase][(r % kRowsPerBase) * a_rs]);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(av, bv[v], acc[r][v]);
      }
#pragma GCC unroll 8
      for (int g = 0; g < G; ++g) base[g] += a_ks;
      b += NR;
    }
  }
  // Only the last vector can be partial.
  const int64_t last = cols - (NV - 1) * W;
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      float* cp = c + r * ldc + v * W;
      if (v == NV - 1 && last < W) {
        if (accumulate) acc[r][v] += load_first<V>(cp, last);
        store_first(acc[r][v], cp, last);
      } else {
        if (accumulate) acc[r][v] += V::load_unaligned(cp);
        acc[r][v].store_unaligned(cp);
      }
    }
  }
}

template <class T, bool kPackedA, int kRows, int kVecs>
void micro_kernel_fn(int64_t kc, const float* a, int64_t a_rs, int64_t a_ks, const float* b, float* c, int64_t ldc,
                     bool accumulate, int64_t cols) {
  micro_kernel<T, kPackedA, kRows, kVecs>(kc, a, a_rs, a_ks, b, c, ldc, accumulate, cols);
}

}  // namespace
}  // namespace frost::kernels::simd
