// The direct NHWC transposed convolution (TensorFlow's Conv2DBackpropInput)
// as templates over the xsimd architecture. Included only by the per-ISA
// translation units conv_transpose_direct_f32_<isa>.cc (internal linkage, as
// gemm_impl.h).
//
// Notation as in conv2d_backprop_input_reference: `p` is the forward
// convolution; dy = out_backprop [N, out_h, out_w, out_c] is read, dx =
// in_backprop [N, in_h, in_w, in_c] written. Filter HWIO [fh, fw, in_c,
// out_c]. dx(iy, ix, ci) = Σ dy(oy, ox, co)·w(ky, kx, ci, co) over the taps
// with iy + pad_top = oy·stride_h + ky (and the same for x).
//
// Sub-pixel (phase) decomposition: output pixels are gathered, not
// scattered. For an output row iy only the ky ≡ iy + pad_top (mod stride_h)
// reach it; for the output columns of one residue class r = (ix + pad_left)
// mod stride_w (every stride_w-th column) only the kx ≡ r, and consecutive
// columns of the class read consecutive dy columns. So a tile of MR
// consecutive columns of a class is an implicit GEMM over (taps × out_c) with
// its rows MR consecutive dy pixels read in place — no column buffer, no
// col2im, no zeroing, only the taps that exist are multiplied.
//
// Taps falling left or right of dy: a tap that misses only a tile's first
// or last pixel skips that pixel (td_tap_edges); where some tap misses more
// (td_reads_in_place), dy is first copied into rows with zero columns on
// both sides (`left` before column 0, and enough after the last for the
// widest tile), so that those taps read zeros instead of being tested per
// pixel. Rows outside dy are skipped per output row.
//
// Two register tilings, chosen by in_c (conv_transpose_direct_f32.cc):
//  - kChannels: a tile is MR pixels × NR vectors of in_c, the filter packed
//    [in_c block][tap][out_c][NR·W] (zero lanes past in_c), dy broadcast;
//  - kReduce (in_c < W/2, e.g. a decoder's last layer to 1–3 channels): a
//    tile is MR pixels × one in_c channel, vectorised over out_c (the
//    reduction, padded with zeros to a multiple of W in the dy copy and the
//    filter, packed [tap][in_c][out_c]), summed across lanes at the end.
//
// On Zen 5 (zmm_fma_full_rate) a kChannels tile runs the column taps of one
// ky together (conv_transpose_kx_group_impl.h): each dy value broadcast once
// feeds every pixel of the tile that reads it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "kernels/conv.h"
#include "kernels/fma_rate.h"
#include "kernels/simd/broadcast_fma_impl.h"
#include "kernels/simd/conv_transpose_direct_kernel_table.h"
#include "kernels/simd/conv_transpose_kx_group_impl.h"
#include "kernels/simd/conv_util.h"
#include "kernels/simd/masked_impl.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

template <class ArchT>
struct TdTraits {
  using Arch = ArchT;
  using V = xsimd::batch<float, Arch>;
  static constexpr int W = static_cast<int>(V::size);
  static constexpr bool kWide = W == 16;  // 32 registers (AVX-512) rather than 16
  static constexpr int kMaxNR = 4;
  // Pixels per tile for NR vectors of channels: MR·NR accumulators, NR
  // filter vectors and a broadcast within the register file.
  static constexpr int mr(int nr) {
    if (kWide) return nr == 1 ? 12 : nr == 2 ? 14 : nr == 3 ? 8 : 6;
    return nr == 1 ? 8 : nr == 2 ? 6 : nr == 3 ? 4 : 3;
  }
  // Pixels per row of a two-row tile (td_pair_fits): 2·MR·NR accumulators
  // and NR filter vectors within the register file, and fewer pixels than
  // a one-row tile holds (else the row has tiles enough of its own).
  static constexpr int pair_mr(int nr) {
    const int fit = ((kWide ? 32 : 16) - nr) / (2 * nr);
    return fit < mr(nr) - 1 ? fit : mr(nr) - 1;
  }
  // Pixels per one-row tile whose ky groups of nkx column taps run
  // together (td_kx_group_channels): its accumulators, nkx·NR filter
  // vectors and a broadcast in the registers, and at most 12 dy columns
  // (MR + nkx − 1), whose offsets stay in general registers.
  static constexpr int group_mr(int nr, int nkx) {
    const int fit = ((kWide ? 32 : 16) - 1 - nkx * nr) / nr;
    const int mr = fit < 13 - nkx ? fit : 13 - nkx;
    return mr > 1 ? mr : 1;
  }
  static constexpr int kReduceMR = kWide ? 8 : 4;
  static constexpr int kMaxMR = kWide ? 12 : 8;
};

// The geometry shared by packing, scratch sizing and the run.
struct TdGeometry {
  bool reduce;       // the kReduce tiling
  int64_t cp;        // floats per dy pixel in the padded copy
  int64_t left;      // zero columns before dy column 0
  int64_t pw;        // padded row width in pixels
  int64_t nr;        // kChannels: vectors per full in_c block
  int64_t blocks;    // kChannels: in_c blocks
  int64_t taps;      // fh·fw
  bool group_kx;     // a ky's column taps in one pass (td_kx_group_channels)
};

inline int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

template <class T>
TdGeometry td_geometry(const Conv2DParams& p) {
  constexpr int W = T::W;
  TdGeometry g;
  g.reduce = p.in_c * 2 < W;
  g.cp = g.reduce ? (p.out_c + W - 1) / W * W : p.out_c;
  // dy columns read: ox = (ix + pad_left − kx) / stride_w over ix in
  // [0, in_w), kx in [0, fw) (exact divisions only, so floor bounds them).
  const int64_t lo = floor_div(p.pad_left - (p.filter_w - 1), p.stride_w);
  const int64_t hi = floor_div(p.in_w - 1 + p.pad_left, p.stride_w);
  g.left = std::max<int64_t>(0, -lo);
  g.pw = g.left + std::max<int64_t>(p.out_w, hi + 1) + T::kMaxMR;
  g.nr = std::min<int64_t>(T::kMaxNR, (p.in_c + W - 1) / W);
  g.blocks = (p.in_c + g.nr * W - 1) / (g.nr * W);
  g.taps = p.filter_h * p.filter_w;
  // Measured on Zen 5 (AVX-512, two full-width FMA pipes), where the
  // broadcast loads limited the one-tap passes; other CPUs keep those.
  g.group_kx = T::kWide && zmm_fma_full_rate();
  return g;
}

template <class T>
size_t td_packed_floats(const Conv2DParams& p) {
  const TdGeometry g = td_geometry<T>(p);
  if (g.reduce) return static_cast<size_t>(g.taps * p.in_c * g.cp);
  return static_cast<size_t>(g.blocks * g.taps * p.out_c * g.nr * T::W);
}

template <class T>
void td_pack(const Conv2DParams& p, const float* filter, float* packed) {
  const TdGeometry g = td_geometry<T>(p);
  std::memset(packed, 0, td_packed_floats<T>(p) * sizeof(float));
  const int64_t ci_n = p.in_c, co_n = p.out_c;
  for (int64_t t = 0; t < g.taps; ++t)
    for (int64_t ci = 0; ci < ci_n; ++ci)
      for (int64_t co = 0; co < co_n; ++co) {
        const float v = filter[(t * ci_n + ci) * co_n + co];
        if (g.reduce) {
          packed[(t * ci_n + ci) * g.cp + co] = v;
        } else {
          const int64_t bw = g.nr * T::W, b = ci / bw, lane = ci % bw;
          packed[((b * g.taps + t) * co_n + co) * bw + lane] = v;
        }
      }
}

template <class T>
size_t td_scratch_floats(const Conv2DParams& p) {
  const TdGeometry g = td_geometry<T>(p);
  return static_cast<size_t>(p.batch * p.out_h * g.pw * g.cp) + 16;
}

// One tap of td_tile_channels: its multiply-adds for
// pixels [kSkipFirst, MR − kSkipLast) of each row. The pixels are reached
// from one pointer per row that steps through out_c and MR − 1 offsets
// (i·cp) kept in registers: written as d[y] + i·cp + co, GCC gave each of
// the 2·MR addresses an induction variable of its own and spilled them
// (5×5 s2 decoder, pair tiles of 7 pixels: vmovq from xmm in the loop).
template <class T, int MR, int NR, int ROWS, int kSkipFirst, int kSkipLast>
FROST_SIMD_INLINE void td_tap_channels(typename T::V (&acc)[ROWS][MR][NR], const float* const* d, const float* w,
                                       int64_t out_c, const int64_t (&off)[MR], int64_t wstride) {
  using V = typename T::V;
  constexpr int W = T::W;
  const float* px[ROWS];
#pragma GCC unroll 2
  for (int y = 0; y < ROWS; ++y) px[y] = d[y];
  const float* const w_end = w + out_c * wstride;
  for (; w != w_end; w += wstride) {
    V wv[NR];
#pragma GCC unroll 4
    for (int v = 0; v < NR; ++v) wv[v] = V::load_unaligned(w + v * W);
#pragma GCC unroll 2
    for (int y = 0; y < ROWS; ++y) {
#pragma GCC unroll 16
      for (int i = kSkipFirst; i < MR - kSkipLast; ++i) {
#pragma GCC unroll 4
        for (int v = 0; v < NR; ++v) fma_broadcast(acc[y][i][v], wv[v], px[y] + off[i]);
      }
      ++px[y];
    }
  }
}

// Which end pixels of a tile a tap reaches only in the zero columns of the
// dy copy (bit 0: the first, bit 1: the last), so td_tile_channels skips
// their multiply-adds: a class's first and last pixels at SAME padding (5×5
// stride 2 to 14 columns: 3 of 5 column taps miss one end pixel, 9% of
// the layer's multiply-adds). `col` is the dy column of the tile's first
// pixel for the tap, `mr` the tile's pixels, `m` those stored.
inline int td_tap_edges(int64_t col, int mr, int64_t m, int64_t out_w) {
  return (col < 0 ? 1 : 0) | (col + mr - 1 >= out_w || mr > m ? 2 : 0);
}

// kChannels tile: ROWS output rows × MR pixels of each × NR vectors of
// in_c. taps_dy[row][t]: the t-th tap's first dy pixel for that row (cp
// floats apart); taps_w[t]: its packed filter (wstride floats per out_c),
// the same for every row; edges[t]: td_tap_edges. Stores the first `m`
// pixels of each row (at out[row], out_stride floats apart) and the first
// `lanes` channels of the last vector. Two rows share each filter vector
// load between twice the accumulators (td_pair_fits).
template <class T, int MR, int NR, int ROWS>
FROST_SIMD_INLINE void td_tile_channels(const float* const* const* taps_dy, const float* const* taps_w,
                                        const int* edges, int ntaps, int nkx, int64_t out_c, int64_t cp,
                                        int64_t wstride,
                                        float* const* out, int64_t out_stride, int64_t m, int64_t lanes) {
  using V = typename T::V;
  constexpr int W = T::W;
  V acc[ROWS][MR][NR];
#pragma GCC unroll 2
  for (int y = 0; y < ROWS; ++y)
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
      for (int v = 0; v < NR; ++v) acc[y][i][v] = V(0.0f);
  if (td_kx_group_fits<T, MR, NR, ROWS, 3>() && nkx == 3) {
    td_tile_kx_groups<T, MR, NR, ROWS, 3>(acc, taps_dy, taps_w, edges, ntaps, out_c, cp, wstride);
  } else if (td_kx_group_fits<T, MR, NR, ROWS, 2>() && nkx == 2) {
    td_tile_kx_groups<T, MR, NR, ROWS, 2>(acc, taps_dy, taps_w, edges, ntaps, out_c, cp, wstride);
  } else {
    int64_t off[MR];
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) off[i] = i * cp;
    for (int t = 0; t < ntaps; ++t) {
      const float* d[ROWS];
#pragma GCC unroll 2
      for (int y = 0; y < ROWS; ++y) d[y] = taps_dy[y][t];
      const float* w = taps_w[t];
      switch (edges[t]) {
        case 0: td_tap_channels<T, MR, NR, ROWS, 0, 0>(acc, d, w, out_c, off, wstride); break;
        case 1: td_tap_channels<T, MR, NR, ROWS, 1, 0>(acc, d, w, out_c, off, wstride); break;
        case 2: td_tap_channels<T, MR, NR, ROWS, 0, 1>(acc, d, w, out_c, off, wstride); break;
        default: td_tap_channels<T, MR, NR, ROWS, 1, 1>(acc, d, w, out_c, off, wstride); break;
      }
    }
  }
#pragma GCC unroll 2
  for (int y = 0; y < ROWS; ++y)
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      if (i >= m) break;
#pragma GCC unroll 4
      for (int v = 0; v < NR; ++v) {
        float* o = out[y] + i * out_stride + v * W;
        if (v == NR - 1 && lanes < W) store_first(acc[y][i][v], o, lanes);
        else acc[y][i][v].store_unaligned(o);
      }
    }
}

// kReduce tile: MR pixels × one channel ci, vectorised over out_c (cp floats).
template <class T, int MR>
FROST_SIMD_INLINE void td_tile_reduce(const float* const* taps_dy, const float* const* taps_w, int ntaps,
                                      int64_t cp, float* out, int64_t out_stride, int64_t m) {
  using V = typename T::V;
  constexpr int W = T::W;
  V acc[MR];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) acc[i] = V(0.0f);
  for (int t = 0; t < ntaps; ++t) {
    const float* d = taps_dy[t];
    const float* w = taps_w[t];
    for (int64_t co = 0; co < cp; co += W) {
      const V wv = V::load_unaligned(w + co);
#pragma GCC unroll 16
      for (int i = 0; i < MR; ++i) acc[i] = xsimd::fma(V::load_unaligned(d + i * cp + co), wv, acc[i]);
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
    if (i < m) out[i * out_stride] = xsimd::hadd(acc[i]);
}

// Pixels [j0, j1) of a residue class in tiles of MR (the last one partial),
// of ROWS rows at once: tap_rows[y][i] is tap i's dy row for row y and
// out_px0[y] that row's pixel 0.
template <class T, int MR, int NR, int ROWS>
void td_row_block_channels(const TdGeometry& g, const Conv2DParams& p, const float* const* const* tap_rows,
                           const int64_t* tap_col0, const int64_t* tap_t, int ntaps, int nkx, const float* packed,
                           int64_t block, float* const* out_px0, int64_t j0, int64_t j1, int64_t ci0) {
  constexpr int W = T::W;
  const int64_t bw = g.nr * W;
  const int64_t lanes = std::min<int64_t>(W, p.in_c - ci0 - (NR - 1) * W);
  const float* tdy[ROWS][64];
  const float* const* tdy_rows[ROWS];
  for (int y = 0; y < ROWS; ++y) tdy_rows[y] = tdy[y];
  const float* tw[64];
  for (int i = 0; i < ntaps; ++i) tw[i] = packed + (block * g.taps + tap_t[i]) * p.out_c * bw;
  const int64_t stride = p.stride_w * p.in_c;
  int edges[64];
  for (int64_t j = j0; j < j1; j += MR) {
    const int64_t m = std::min<int64_t>(MR, j1 - j);
    for (int i = 0; i < ntaps; ++i) edges[i] = td_tap_edges(tap_col0[i] + j - g.left, MR, m, p.out_w);
    float* out[ROWS];
    for (int y = 0; y < ROWS; ++y) {
      for (int i = 0; i < ntaps; ++i) tdy[y][i] = tap_rows[y][i] + (tap_col0[i] + j) * g.cp;
      out[y] = out_px0[y] + j * stride + ci0;
    }
    td_tile_channels<T, MR, NR, ROWS>(tdy_rows, tw, edges, ntaps, nkx, p.out_c, g.cp, bw, out, stride, m,
                                      lanes);
  }
}

// Whether a residue class of `count` pixels runs two rows per tile: all of
// it fits one (T::pair_mr). A class shorter than a register tile otherwise
// has few accumulators: cae_mnist's 5×5 stride-2 decoder to 14×14×16 has
// classes of 7 pixels, 7 accumulators per tile (one vector of in_c), fewer
// than the FMA latency × ports of a Zen 5 core (4 × 2) need, and each
// filter vector loaded feeds 7 FMAs; two rows feed it 14.
template <class T>
bool td_pair_fits(int64_t count, int64_t nr) {
  return count <= T::pair_mr(static_cast<int>(nr));
}

// The `count` pixels of a residue class of `rows` output rows (1, or 2 that
// share their taps). Two rows whose class fits one tile (td_pair_fits) run
// as one tile of count pixels per row; otherwise each row runs alone: full
// register tiles, then the rest in one tile of exactly that many pixels, so
// that a short class (a 28-wide output at stride 2 has classes of 14; a
// 14-wide one, of 7) computes no padding pixels (bench_conv, AVX-512, 1
// thread: 5×5 s2 7²×32→14²×16 ran its classes of 7 as 8-pixel tiles, an
// eighth of its FMAs wasted). Instantiates MR = 1 .. T::mr(NR) for one row
// and 1 .. T::pair_mr(NR) for two, for each NR.
template <class T, int NR>
void td_row_block(const TdGeometry& g, const Conv2DParams& p, const float* const* const* tap_rows, int rows,
                  const int64_t* tap_col0, const int64_t* tap_t, int ntaps, int nkx, const float* packed, int64_t block,
                  float* const* out_px0, int64_t count, int64_t ci0) {
  if (rows == 2 && td_pair_fits<T>(count, NR)) {
    [&]<int... M>(std::integer_sequence<int, M...>) {
      ((count == M + 1 ? (td_row_block_channels<T, M + 1, NR, 2>(g, p, tap_rows, tap_col0, tap_t, ntaps, nkx, packed,
                                                                  block, out_px0, 0, count, ci0),
                          0)
                       : 0),
       ...);
    }(std::make_integer_sequence<int, T::pair_mr(NR)>{});
    return;
  }
  auto single_rows = [&]<int kFull>() {
    const int64_t full = count / kFull * kFull;
    for (int y = 0; y < rows; ++y) {
      auto tiles = [&]<int MR>(int64_t j0, int64_t j1) {
        td_row_block_channels<T, MR, NR, 1>(g, p, tap_rows + y, tap_col0, tap_t, ntaps, nkx, packed, block,
                                            out_px0 + y, j0, j1, ci0);
      };
      tiles.template operator()<kFull>(0, full);
      const int64_t rest = count - full;
      [&]<int... M>(std::integer_sequence<int, M...>) {
        ((rest == M + 1 ? (tiles.template operator()<M + 1>(full, count), 0) : 0), ...);
      }(std::make_integer_sequence<int, kFull - 1>{});
    }
  };
  // Grouped column taps have tiles of their own width (T::group_mr).
  if (nkx == 2) single_rows.template operator()<T::group_mr(NR, 2)>();
  else if (nkx == 3) single_rows.template operator()<T::group_mr(NR, 3)>();
  else single_rows.template operator()<T::mr(NR)>();
}

// The ky that reach output row `row` (= n·in_h + iy) and their dy rows in
// the rows read (dy or its padded copy).
struct TdRowTaps {
  int64_t row;
  int nky;
  int64_t ky[32];
  const float* dy_row[32];
};

inline void td_row_taps(const TdGeometry& g, const Conv2DParams& p, const float* dy_pad, int64_t row,
                        TdRowTaps* out) {
  const int64_t n = row / p.in_h, ty = row % p.in_h + p.pad_top;
  out->row = row;
  out->nky = 0;
  // dy row oy = (ty − ky) / stride_h, one less per ky step (no division in
  // the loop: this runs per output row, beside tiles of a few hundred FMAs).
  const int64_t ky0 = ty % p.stride_h;
  for (int64_t ky = ky0, oy = (ty - ky0) / p.stride_h; ky < p.filter_h; ky += p.stride_h, --oy) {
    if (oy < 0 || oy >= p.out_h) continue;
    out->ky[out->nky] = ky;
    out->dy_row[out->nky] = dy_pad + (n * p.out_h + oy) * g.pw * g.cp;
    ++out->nky;
  }
}

// Whether two rows take the same taps (then one tile can hold both).
inline bool td_same_taps(const TdRowTaps& a, const TdRowTaps& b) {
  if (a.nky != b.nky) return false;
  for (int i = 0; i < a.nky; ++i)
    if (a.ky[i] != b.ky[i]) return false;
  return true;
}

// Output rows `rows[0 .. count)` (1, or 2 with the same taps), all columns
// and channels.
template <class T>
void td_rows(const TdGeometry& g, const Conv2DParams& p, const float* packed, float* dx,
             const TdRowTaps* const* rows, int count_rows) {
  constexpr int W = T::W;
  const TdRowTaps& k = *rows[0];
  for (int64_t r = 0; r < p.stride_w && r < p.in_w; ++r) {
    // Columns ix = r, r + stride_w, ...: residue (ix + pad_left) mod stride_w.
    const int64_t count = (p.in_w - r + p.stride_w - 1) / p.stride_w;
    const int64_t tx = r + p.pad_left;
    // The class's kx and the dy column of its pixel 0 for each, one less
    // per kx step.
    int64_t kxs[64], kx_col0[64];
    int nkx = 0;
    const int64_t kx0 = tx % p.stride_w;
    for (int64_t kx = kx0, col = floor_div(tx - kx0, p.stride_w); kx < p.filter_w; kx += p.stride_w, --col) {
      kxs[nkx] = kx;
      kx_col0[nkx++] = col + g.left;
    }
    const float* tap_rows[2][64];
    int64_t tap_col0[64], tap_t[64];
    int ntaps = 0;
    for (int a = 0; a < k.nky; ++a)
      for (int x = 0; x < nkx; ++x) {
        for (int y = 0; y < count_rows; ++y) tap_rows[y][ntaps] = rows[y]->dy_row[a];
        tap_col0[ntaps] = kx_col0[x];
        tap_t[ntaps] = k.ky[a] * p.filter_w + kxs[x];
        ++ntaps;
      }
    float* out_px0[2];
    for (int y = 0; y < count_rows; ++y) out_px0[y] = dx + rows[y]->row * p.in_w * p.in_c + r * p.in_c;
    if (ntaps == 0) {
      for (int y = 0; y < count_rows; ++y)
        for (int64_t j = 0; j < count; ++j)
          std::memset(out_px0[y] + j * p.stride_w * p.in_c, 0, p.in_c * sizeof(float));
      continue;
    }
    if (g.reduce) {
      constexpr int MR = T::kReduceMR;
      const float* tdy[64];
      const float* tw[64];
      const int64_t stride = p.stride_w * p.in_c;
      for (int y = 0; y < count_rows; ++y)
        for (int64_t ci = 0; ci < p.in_c; ++ci) {
          for (int i = 0; i < ntaps; ++i) tw[i] = packed + (tap_t[i] * p.in_c + ci) * g.cp;
          for (int64_t j = 0; j < count; j += MR) {
            for (int i = 0; i < ntaps; ++i) tdy[i] = tap_rows[y][i] + (tap_col0[i] + j) * g.cp;
            td_tile_reduce<T, MR>(tdy, tw, ntaps, g.cp, out_px0[y] + j * stride + ci, stride,
                                  std::min<int64_t>(MR, count - j));
          }
        }
      continue;
    }
    const float* const* tap_row_lists[2] = {tap_rows[0], tap_rows[1]};
    for (int64_t b = 0; b < g.blocks; ++b) {
      const int64_t ci0 = b * g.nr * W;
      const int64_t nrb = std::min<int64_t>(g.nr, (p.in_c - ci0 + W - 1) / W);
      auto run = [&]<int NR>() {
        td_row_block<T, NR>(g, p, tap_row_lists, count_rows, tap_col0, tap_t, ntaps, g.group_kx ? nkx : 1, packed,
                            b, out_px0, count, ci0);
      };
      switch (nrb) {
        case 1: run.template operator()<1>(); break;
        case 2: run.template operator()<2>(); break;
        case 3: run.template operator()<3>(); break;
        default: run.template operator()<4>(); break;
      }
    }
  }
}

// Whether some residue class of a row fits a two-row tile (td_pair_fits).
template <class T>
bool td_pairs_pay(const TdGeometry& g, const Conv2DParams& p) {
  if (g.reduce) return false;
  for (int64_t r = 0; r < p.stride_w && r < p.in_w; ++r)
    if (td_pair_fits<T>((p.in_w - r + p.stride_w - 1) / p.stride_w, g.nr)) return true;
  return false;
}

// Output rows [begin, end). Where two rows per tile pay (td_pairs_pay), the
// rows of each phase (every stride_h-th row) go in order, each paired with
// the next one of its phase if both take the same taps (rows near the top
// and bottom, whose windows reach past dy, run alone); a row's sums do not
// depend on its partner.
template <class T>
void td_row_range(const TdGeometry& g, const Conv2DParams& p, const float* dy_pad, const float* packed, float* dx,
                  int64_t begin, int64_t end) {
  TdRowTaps a, b;
  const TdRowTaps* rows[2] = {&a, &b};
  if (!td_pairs_pay<T>(g, p)) {
    for (int64_t r = begin; r < end; ++r) {
      td_row_taps(g, p, dy_pad, r, &a);
      td_rows<T>(g, p, packed, dx, rows, 1);
    }
    return;
  }
  for (int64_t phase = begin; phase < end && phase < begin + p.stride_h; ++phase) {
    bool held = false;  // `a` waits for a partner
    for (int64_t r = phase; r < end; r += p.stride_h) {
      td_row_taps(g, p, dy_pad, r, held ? &b : &a);
      if (!held) {
        held = true;
      } else if (td_same_taps(a, b)) {
        td_rows<T>(g, p, packed, dx, rows, 2);
        held = false;
      } else {
        td_rows<T>(g, p, packed, dx, rows, 1);
        a = b;
      }
    }
    if (held) td_rows<T>(g, p, packed, dx, rows, 1);
  }
}

// The zero-bordered copy of dy (each row: left zeros, out_w pixels of
// out_c floats then zeros up to cp, zeros to the padded width); on one
// thread when it is small (a parallel region costs more than copying a
// few KiB: cae_mnist's decoder layers have 1–3 K floats of dy).
inline void copy_dy_padded(const TdGeometry& g, const Conv2DParams& p, const float* dy, float* dy_pad, int threads) {
  const int64_t dy_rows = p.batch * p.out_h;
  const int copy_threads = dy_rows * g.pw * g.cp >= (int64_t{1} << 16) ? threads : 1;
  const int64_t copy_chunks = chunk_count(dy_rows, copy_threads);
  parallel_for(copy_threads, copy_chunks, [&](int64_t chunk, int) {
    const ChunkRange rg = chunk_range(dy_rows, copy_chunks, chunk);
    for (int64_t r = rg.begin; r < rg.end; ++r) {
      float* d = dy_pad + r * g.pw * g.cp;
      const float* s = dy + r * p.out_w * p.out_c;
      std::memset(d, 0, static_cast<size_t>(g.left * g.cp) * sizeof(float));
      if (g.cp == p.out_c) {
        std::memcpy(d + g.left * g.cp, s, static_cast<size_t>(p.out_w * p.out_c) * sizeof(float));
      } else {
        for (int64_t x = 0; x < p.out_w; ++x) {
          float* dp = d + (g.left + x) * g.cp;
          std::memcpy(dp, s + x * p.out_c, static_cast<size_t>(p.out_c) * sizeof(float));
          std::memset(dp + p.out_c, 0, static_cast<size_t>(g.cp - p.out_c) * sizeof(float));
        }
      }
      std::memset(d + (g.left + p.out_w) * g.cp, 0,
                  static_cast<size_t>((g.pw - g.left - p.out_w) * g.cp) * sizeof(float));
    }
  });
}

// Whether the tiles can read dy in place, without the zero-bordered copy:
// every tap of every residue class reaches at most its first and last pixel
// outside dy's columns, and td_tap_edges skips those (a remainder tile has
// exactly its pixels, td_row_block, so no tile reads past its class). True
// for SAME and VALID decoders whose filter spans at most 2·stride_w − 1
// columns past the stride (3×3 and 5×5 at stride 2); kReduce reads out_c
// padded to whole vectors, so it always copies. The copy cost a twentieth
// of bench_conv's 3×3 s2 28²×64→56²×32 (200 KiB of dy written once more).
template <class T>
bool td_reads_in_place(const TdGeometry& g, const Conv2DParams& p) {
  if (g.reduce) return false;
  for (int64_t r = 0; r < p.stride_w && r < p.in_w; ++r) {
    const int64_t count = (p.in_w - r + p.stride_w - 1) / p.stride_w, tx = r + p.pad_left;
    for (int64_t kx = tx % p.stride_w; kx < p.filter_w; kx += p.stride_w) {
      const int64_t first = floor_div(tx - kx, p.stride_w);  // dy column of the class's pixel 0
      if (first < -1 || first + count - 1 > p.out_w) return false;
    }
  }
  return true;
}

template <class T>
void td_run(const Conv2DParams& p, const float* dy, const float* packed, float* dx, int threads, float* scratch) {
  TdGeometry g = td_geometry<T>(p);
  const int64_t dx_rows = p.batch * p.in_h;
  if (dx_rows <= 0 || p.in_w <= 0 || p.in_c <= 0) return;
  const float* rows_src = dy;
  if (td_reads_in_place<T>(g, p)) {
    // The tiles read dy itself: rows of out_w pixels of out_c floats.
    g.left = 0;
    g.pw = p.out_w;
  } else {
    float* dy_pad = align_up(scratch);
    copy_dy_padded(g, p, dy, dy_pad, threads);
    rows_src = dy_pad;
  }
  const int64_t chunks = chunk_count(dx_rows, threads);
  parallel_for(threads, chunks, [&](int64_t chunk, int) {
    const ChunkRange rg = chunk_range(dx_rows, chunks, chunk);
    td_row_range<T>(g, p, rows_src, packed, dx, rg.begin, rg.end);
  });
}

template <class T>
bool td_supported(const Conv2DParams& p) {
  // Tap lists live on the stack: up to 64 taps per phase, 32 rows per tap.
  const int64_t ky_per_row = (p.filter_h + p.stride_h - 1) / p.stride_h;
  const int64_t kx_per_col = (p.filter_w + p.stride_w - 1) / p.stride_w;
  return p.groups == 1 && p.dilation_h == 1 && p.dilation_w == 1 && p.stride_h >= 1 && p.stride_w >= 1 &&
         ky_per_row <= 32 && ky_per_row * kx_per_col <= 64;
}

template <class T>
const ConvTransposeDirectTable& make_td_table(const char* name) {
  static const ConvTransposeDirectTable table{name, &td_supported<T>, &td_packed_floats<T>, &td_pack<T>,
                                              &td_scratch_floats<T>, &td_run<T>};
  return table;
}

}  // namespace
}  // namespace frost::kernels::simd
