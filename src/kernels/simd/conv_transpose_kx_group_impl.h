// The column taps of one ky run together, for the direct transposed
// convolution's kChannels tiles (conv_transpose_direct_impl.h, which says
// when: Zen 5, where the one-tap passes were limited by their broadcast
// loads). Templates over its TdTraits (T::V, T::W, T::kWide); included only
// by per-ISA translation units, internal linkage as gemm_impl.h.
#pragma once

#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "kernels/simd/broadcast_fma_impl.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

// The NKX column taps of one ky (kx = kx0, kx0 + stride_w, …: tap x reads
// dy column c + i − x for the tile's pixel i) in one pass over out_c: each
// dy value is broadcast once into a register and feeds the up to NKX pixels
// that read it, instead of one broadcast load per multiply-add. d[y] is
// row y's dy column c − (NKX − 1) (the first any tap reads; column e of
// MR + NKX − 1 at off[e]), w[x] tap x's packed filter; the first or last of
// those columns is skipped as td_tap_edges says for taps NKX − 1 and 0.
// 5×5 stride 2: 2 and 3 taps per ky, 21 loads instead of 45 for the 42
// multiply-adds of a 2-row × 7-pixel tile and 3 taps.
//
// kSplitK: the ROWS = 2 accumulator rows are one output row's two halves
// of out_c (count steps each): row y reads d[y] and the filters w[y·NKX + x].
template <class T, int MR, int NR, int ROWS, int NKX, bool kSplitK, int kSkipFirst, int kSkipLast>
FROST_SIMD_INLINE void td_kx_group_channels(typename T::V (&acc)[ROWS][MR][NR], const float* const* d,
                                            const float* const* w, int64_t count,
                                            const int64_t (&off)[MR + NKX - 1], int64_t wstride) {
  using V = typename T::V;
  constexpr int W = T::W, kCols = MR + NKX - 1, kWRows = kSplitK ? ROWS : 1;
  const float* px[ROWS];
  const float* wp[kWRows][NKX];
#pragma GCC unroll 2
  for (int y = 0; y < ROWS; ++y) px[y] = d[y];
#pragma GCC unroll 2
  for (int y = 0; y < kWRows; ++y)
#pragma GCC unroll 4
    for (int x = 0; x < NKX; ++x) wp[y][x] = w[y * NKX + x];
  for (int64_t co = 0; co < count; ++co) {
    V wv[kWRows][NKX][NR];
#pragma GCC unroll 2
    for (int y = 0; y < kWRows; ++y)
#pragma GCC unroll 4
      for (int x = 0; x < NKX; ++x) {
#pragma GCC unroll 4
        for (int v = 0; v < NR; ++v) wv[y][x][v] = V::load_unaligned(wp[y][x] + v * W);
        wp[y][x] += wstride;
      }
#pragma GCC unroll 2
    for (int y = 0; y < ROWS; ++y) {
#pragma GCC unroll 16
      for (int e = kSkipFirst; e < kCols - kSkipLast; ++e) {
        const V b(px[y][off[e]]);
#pragma GCC unroll 4
        for (int x = 0; x < NKX; ++x) {
          const int i = e - (NKX - 1) + x;
          if (i < 0 || i >= MR) continue;
#pragma GCC unroll 4
          for (int v = 0; v < NR; ++v)
            acc[y][i][v] = xsimd::fma(b, wv[kSplitK ? y : 0][x][v], acc[y][i][v]);
        }
      }
      ++px[y];
    }
  }
}

// Whether a tile's accumulators, NKX taps' filter vectors and a broadcast
// fit the register file (td_kx_group_channels).
template <class T, int MR, int NR, int ROWS, int NKX>
constexpr bool td_kx_group_fits() {
  return ROWS * MR * NR + NKX * NR + 1 <= (T::kWide ? 32 : 16);
}

// One ky group of td_tile_kx_groups, dispatched on its edges.
template <class T, int MR, int NR, int ROWS, int NKX, bool kSplitK>
FROST_SIMD_INLINE void td_kx_group(typename T::V (&acc)[ROWS][MR][NR], const float* const* d,
                                   const float* const* w, int edges, int64_t count,
                                   const int64_t (&off)[MR + NKX - 1], int64_t wstride) {
  switch (edges) {
    case 0: td_kx_group_channels<T, MR, NR, ROWS, NKX, kSplitK, 0, 0>(acc, d, w, count, off, wstride); break;
    case 1: td_kx_group_channels<T, MR, NR, ROWS, NKX, kSplitK, 1, 0>(acc, d, w, count, off, wstride); break;
    case 2: td_kx_group_channels<T, MR, NR, ROWS, NKX, kSplitK, 0, 1>(acc, d, w, count, off, wstride); break;
    default: td_kx_group_channels<T, MR, NR, ROWS, NKX, kSplitK, 1, 1>(acc, d, w, count, off, wstride); break;
  }
}

// The taps of a tile as ky groups of NKX column taps (td_kx_group_channels).
// A one-row tile whose two out_c halves fit the registers runs them as two
// accumulator sets summed at the end: each pixel takes NKX dependent
// multiply-adds per out_c step, and 7 pixels × 3 taps (the 5×5 stride-2
// decoder's rows without a partner) wait on that chain (3 × 4 cycles)
// longer than their 21 multiply-adds take on Zen 5's two FMA pipes.
template <class T, int MR, int NR, int ROWS, int NKX>
FROST_SIMD_INLINE void td_tile_kx_groups(typename T::V (&acc)[ROWS][MR][NR], const float* const* const* taps_dy,
                                         const float* const* taps_w, const int* edges, int ntaps, int64_t out_c,
                                         int64_t cp, int64_t wstride) {
  using V = typename T::V;
  constexpr bool kSplitK = ROWS == 1 && td_kx_group_fits<T, MR, NR, 2, 2 * NKX>();
  int64_t off[MR + NKX - 1];
#pragma GCC unroll 16
  for (int e = 0; e < MR + NKX - 1; ++e) off[e] = e * cp;
  if constexpr (kSplitK) {
    V part[2][MR][NR];
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h)
#pragma GCC unroll 16
      for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
        for (int v = 0; v < NR; ++v) part[h][i][v] = V(0.0f);
    const int64_t half = out_c / 2;
    for (int t = 0; t < ntaps; t += NKX) {
      const float* d0 = taps_dy[0][t + NKX - 1];
      const float* d[2] = {d0, d0 + half};
      const float* w[2 * NKX];
#pragma GCC unroll 4
      for (int x = 0; x < NKX; ++x) {
        w[x] = taps_w[t + x];
        w[NKX + x] = taps_w[t + x] + half * wstride;
      }
      const int e = (edges[t + NKX - 1] & 1) | (edges[t] & 2);
      td_kx_group<T, MR, NR, 2, NKX, true>(part, d, w, e, half, off, wstride);
      if (out_c % 2 != 0) {
        const float* dl = d0 + 2 * half;
        const float* wl[NKX];
#pragma GCC unroll 4
        for (int x = 0; x < NKX; ++x) wl[x] = taps_w[t + x] + 2 * half * wstride;
        td_kx_group<T, MR, NR, 1, NKX, false>(acc, &dl, wl, e, 1, off, wstride);
      }
    }
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
      for (int v = 0; v < NR; ++v) acc[0][i][v] += part[0][i][v] + part[1][i][v];
    return;
  }
  for (int t = 0; t < ntaps; t += NKX) {
    const float* d[ROWS];
#pragma GCC unroll 2
    for (int y = 0; y < ROWS; ++y) d[y] = taps_dy[y][t + NKX - 1];
    const int e = (edges[t + NKX - 1] & 1) | (edges[t] & 2);
    td_kx_group<T, MR, NR, ROWS, NKX, false>(acc, d, taps_w + t, e, out_c, off, wstride);
  }
}

}  // namespace
}  // namespace frost::kernels::simd
