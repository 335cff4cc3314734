// The stem mode of the direct convolution (ConvDirectPlan::stem, see
// kernels/conv_direct.h): for layers whose input pixels are only a few
// floats apart (in_c · stride_w ≤ 8: an RGB or grayscale first layer, a thin
// layer; a pointwise layer with some common channel counts up to 144,
// see direct_stem_step). Included by conv_direct_impl.h only.
//
// With few input channels the plain direct kernel spends its time around the
// FMAs, not in them: a window at the left or right border splits into
// fh·fw runs of in_c floats (3 for RGB), the per-tile pointer table costs as
// much as the tile's few FMAs, and 24 pointers do not fit in registers, so
// every broadcast first reloads its pointer from the stack. Here instead
//  - a tile is MR consecutive pixels of one output row: pixel r reads at
//    the tile's base + r·step floats, step = stride_w·in_c, a compile-time
//    constant (the kernel is instantiated for the steps of StemSteps), so the
//    FMA's broadcast operand is base + k + a constant displacement: one
//    pointer and one index for the whole tile;
//  - a tile whose window (all MR pixels, those past out_w too) lies inside
//    the input reads it in place, a filter row being one run of fw·in_c
//    floats (fw runs of in_c with dilation); a tile that touches the padding
//    or the image's end first copies its window (fh rows of a few dozen
//    floats) into a zero-padded buffer of its thread. Copying the whole
//    padded image instead cost a tenth of a 224² RGB stem (the image passes
//    through the caches twice) and all of it for a 1×1 layer;
//  - the runs' offsets from a tile's base, in the input and in the buffer,
//    are the same for every tile and are computed once per call.
// The filter is packed exactly as for the plain mode (panels of NR columns,
// rows in HWIO order) and the epilogue is the same as store_tile's.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#include "kernels/simd/conv_direct_stem_paired_impl.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose, see conv_direct_impl.h

// The steps the kernels are instantiated for (direct_stem_step says which
// runs take them).
using StemSteps = std::integer_sequence<int, 1, 2, 3, 4, 5, 6, 7, 8, 16, 24, 32, 48, 96, 144>;

// The runs of the reduction and a tile's window, from the run's geometry.
struct StemLayout {
  int64_t tiles_per_row = 0;  // div_up(out_w, MR)
  int64_t seg_count = 0, seg_length = 0;
  int64_t window_w = 0;       // input columns a tile's MR pixels read
  int64_t window_row = 0;     // window_w · in_c: a buffer row, in floats
  int64_t window_floats = 0;  // fh buffer rows, rounded up to the alignment
};

inline StemLayout stem_layout(const Conv2DParams& p, int mr) {
  StemLayout l;
  l.tiles_per_row = dc_div_up(p.out_w, mr);
  const bool runs = p.dilation_w == 1 || p.filter_w == 1;
  l.seg_count = runs ? p.filter_h : p.filter_h * p.filter_w;
  l.seg_length = direct_stem_run_length(p);
  l.window_w = (mr - 1) * p.stride_w + (p.filter_w - 1) * p.dilation_w + 1;
  l.window_row = l.window_w * p.in_c;
  l.window_floats = dc_round_up(p.filter_h * l.window_row, kScratchAlign);
  return l;
}

// Floats of scratch: the runs' offsets in the input and in a window buffer
// (int64, two floats each), and one window buffer per thread.
inline int64_t stem_offsets_floats(const StemLayout& l) { return dc_round_up(2 * l.seg_count, kScratchAlign); }
inline int64_t stem_scratch_floats(const Conv2DParams& p, int mr, int threads) {
  const StemLayout l = stem_layout(p, mr);
  return 2 * stem_offsets_floats(l) + (threads < 1 ? 1 : threads) * l.window_floats + 2 * kScratchAlign;
}

// Copies the window of the tile whose pixels' windows start at input row
// iy0, column ix0 of image `image` into buf (filter row ky at buf +
// ky·window_row), zeros where it lies outside the input.
inline void stem_fill_window(const Conv2DParams& p, const StemLayout& l, const float* image, int64_t iy0,
                             int64_t ix0, float* buf) {
  const int64_t c = p.in_c;
  // Window columns [x0, x1) lie inside the input.
  const int64_t x0 = dc_min(l.window_w, ix0 < 0 ? -ix0 : 0);
  const int64_t x1 = dc_min(l.window_w, p.in_w - ix0);
  for (int64_t ky = 0; ky < p.filter_h; ++ky) {
    float* dst = buf + ky * l.window_row;
    const int64_t iy = iy0 + ky * p.dilation_h;
    if (iy < 0 || iy >= p.in_h || x1 <= x0) {
      std::memset(dst, 0, static_cast<size_t>(l.window_row) * sizeof(float));
      continue;
    }
    std::memset(dst, 0, static_cast<size_t>(x0 * c) * sizeof(float));
    std::memcpy(dst + x0 * c, image + (iy * p.in_w + ix0 + x0) * c, static_cast<size_t>((x1 - x0) * c) * sizeof(float));
    std::memset(dst + x1 * c, 0, static_cast<size_t>((l.window_w - x1) * c) * sizeof(float));
  }
}

// acc = Σ over the runs s and their floats k of
// broadcast(base[off[s] + k + r·kStep]) · b[row][0:NR], for the tile's first
// R pixels (R = MR: the whole tile); kPaired: two floats k, k + 1 per FMA,
// in the lanes of conv_direct_stem_paired_impl.h.
template <class T, int kStep, int R, bool kPaired = false>
FROST_SIMD_INLINE void accumulate_stem(const float* base, const int64_t* off, int64_t runs, int64_t length,
                                       const float* b, typename T::V (&acc)[R][T::NV]) {
  using V = typename T::V;
  constexpr int NV = T::NV, W = T::W, NR = T::NR;
#pragma GCC unroll 32
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[r][v] = V(0.0f);
  }
  for (int64_t s = 0; s < runs; ++s) {
    const float* a = base + off[s];
    if constexpr (kPaired) {
      for (int64_t k = 0; k < length; k += 2) {
        const float* ak = a + k;
        asm("" : "+r"(ak));  // as below
        const V bv(stem_paired_filter(b));
#pragma GCC unroll 32
        for (int r = 0; r < R; ++r) acc[r][0] = xsimd::fma(V(stem_paired_input(ak + r * kStep)), bv, acc[r][0]);
        b += 2 * NR;
      }
      continue;
    }
    for (int64_t k = 0; k < length; ++k) {
      // Opaque to the optimiser: pixel r + 1 at float k reads what pixel r
      // reads at k + kStep, and GCC's predictive commoning then carries the
      // values across iterations in scalar registers, broadcasting each
      // separately (twice as slow as a broadcast operand of the FMA).
      const float* ak = a + k;
      asm("" : "+r"(ak));
      V bv[NV];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) bv[v] = V::load_unaligned(b + v * W);
#pragma GCC unroll 32
      for (int r = 0; r < R; ++r) {
        const V av(ak[r * kStep]);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(av, bv[v], acc[r][v]);
      }
      b += NR;
    }
  }
}

// A row's last tile when the row is not whole tiles (out_w = 40 on 24-pixel
// tiles: 24 + 16) multiplies its pixels rounded up to kDirectStemTailStep, not
// all MR: speech_commands_conv's 20×8 layer on 98×40 rows otherwise spent a
// sixth of its FMAs on pixels past the row. Out of line, one per R, as
// accumulate_part in conv_direct_impl.h; rounded so that a tile has at
// most MR / 4 of them per input step (kDirectStemTailStep, in
// conv_direct_kernel_table.h for the plan's cost). Only for the steps of few-channel
// layers: a pointwise layer runs as one long row, one tail per call.
template <class T, int kStep, int R, bool kPaired>
__attribute__((noinline)) void accumulate_stem_part(const float* base, const int64_t* off, int64_t runs,
                                                    int64_t length, const float* b,
                                                    typename T::V (&acc)[T::MR][T::NV]) {
  using V = typename T::V;
  V part[R][T::NV];
  accumulate_stem<T, kStep, R, kPaired>(base, off, runs, length, b, part);
#pragma GCC unroll 32
  for (int r = 0; r < T::MR; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < T::NV; ++v) acc[r][v] = r < R ? part[r][v] : V(0.0f);
  }
}

template <class T>
using AccumulateStemPart = void (*)(const float*, const int64_t*, int64_t, int64_t, const float*,
                                    typename T::V (&)[T::MR][T::NV]);

// accumulate_stem_part<T, kStep, R> for the tail of `rows` pixels, R = rows
// rounded up to kDirectStemTailStep; null where that is the whole tile (then the
// whole tile's code runs) or the step is not a few-channel one.
template <class T, int kStep, bool kPaired>
AccumulateStemPart<T> accumulate_stem_part_for(int64_t rows) {
  if constexpr (kStep > 8 || T::MR <= kDirectStemTailStep) {
    return nullptr;
  } else {
    constexpr int kParts = (T::MR - 1) / kDirectStemTailStep;  // R = 4, 8, ... < MR
    static constexpr auto table = []<size_t... I>(std::index_sequence<I...>) {
      return std::array<AccumulateStemPart<T>, sizeof...(I)>{
          &accumulate_stem_part<T, kStep, (static_cast<int>(I) + 1) * kDirectStemTailStep, kPaired>...};
    }(std::make_index_sequence<kParts>{});
    const int64_t i = (rows + kDirectStemTailStep - 1) / kDirectStemTailStep - 1;
    return i < kParts ? table[static_cast<size_t>(i)] : nullptr;
  }
}

// The tile's store with the activation chosen at run time (one call per
// tile and panel), so that the kernel is instantiated per step, not per
// step × activation.
// `sums` holds the tile's accumulators, MR rows of NR floats.
template <class T>
using StemStore = void (*)(const float* sums, float* c, int64_t ldc, int64_t rows, int64_t cols,
                           const TileEpilogue& e, float alpha);

template <class T, Activation kAct>
void stem_store(const float* sums, float* c, int64_t ldc, int64_t rows, int64_t cols, const TileEpilogue& e,
                float alpha) {
  using V = typename T::V;
  V acc[T::MR][T::NV];
#pragma GCC unroll 32
  for (int r = 0; r < T::MR; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < T::NV; ++v) acc[r][v] = V::load_aligned(sums + (r * T::NV + v) * T::W);
  }
  store_tile<T, kAct>(acc, c, ldc, rows, cols, e, V(alpha));
}

// The bounds of an activation that is a clamp (none, ReLU, ReLU6), in which
// case the tile is stored in line, without the call and the round trip
// through memory of stem_store (a tenth of a 1×1 layer with 8 input
// channels, a third of a 3×3 layer with 28 outputs): max(lo, x), then
// min(hi, x), the operations of activation_op for these kinds (a bound of
// ±inf leaves x as it is, NaN included).
struct StemClamp {
  bool in_line = false;
  float lo = 0.0f, hi = 0.0f;
};

inline StemClamp stem_clamp(const GemmEpilogue& ep) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  if (ep.residual != nullptr || ep.accumulate) return {};
  switch (ep.activation) {
    case Activation::kNone: return {true, -kInf, kInf};
    case Activation::kRelu: return {true, 0.0f, kInf};
    case Activation::kRelu6: return {true, 0.0f, 6.0f};
    default: return {};
  }
}

// The tile's first `rows` pixels × `cols` channels at c through bias, the
// clamp, scale and shift (store_tile's whole-tile path; a clamp bound of
// ±inf selects x itself). A vector of fewer than W channels is computed
// whole on zero-padded bias, scale and shift and stored masked: a layer
// with few output channels, or a row's last few pixels, stays on this path.
template <class T>
FROST_SIMD_INLINE void stem_store_clamped(typename T::V (&acc)[T::MR][T::NV], float* c, int64_t ldc, int64_t rows,
                                          int64_t cols, const TileEpilogue& e, typename T::V lo, typename T::V hi) {
  constexpr int MR = T::MR, NV = T::NV, W = T::W;
  using V = typename T::V;
  auto load = [](const float* p, int64_t count, float none) {
    if (p == nullptr) return V(none);
    return count >= W ? V::load_unaligned(p) : load_first<V>(p, count);
  };
  auto apply = [&](V x, V bias, V scale, V shift) {
    if (e.bias != nullptr) x += bias;
    // One instruction each instead of a compare and a blend (activation_op
    // says why these are its selects).
    x = xsimd::max(lo, x);
    x = xsimd::min(hi, x);
    if (e.scale != nullptr) x *= scale;
    if (e.shift != nullptr) x += shift;
    return x;
  };
  V bias[NV], scale[NV], shift[NV];
  int64_t count[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    count[v] = dc_min(W, cols - v * W);
    const int64_t n = count[v] > 0 ? count[v] : 0;
    bias[v] = load(e.bias != nullptr ? e.bias + v * W : nullptr, n, 0.0f);
    scale[v] = load(e.scale != nullptr ? e.scale + v * W : nullptr, n, 1.0f);
    shift[v] = load(e.shift != nullptr ? e.shift + v * W : nullptr, n, 0.0f);
  }
  if (rows == MR && cols == T::NR && e.scale == nullptr && e.shift == nullptr) {
    // Without the affine steps after the clamp (the usual case): no test
    // per vector, a missing bias added as zeros. The tests cost as much as
    // the FMAs of a short reduction (a 1×1 layer with 8 channels in: 8 FMAs
    // per vector, ~12 instructions of epilogue).
#pragma GCC unroll 32
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v)
        xsimd::min(hi, xsimd::max(lo, acc[r][v] + bias[v])).store_unaligned(c + r * ldc + v * W);
    }
    return;
  }
  if (rows == MR && cols == T::NR) {
#pragma GCC unroll 32
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) apply(acc[r][v], bias[v], scale[v], shift[v]).store_unaligned(c + r * ldc + v * W);
    }
    return;
  }
#pragma GCC unroll 32
  for (int r = 0; r < MR; ++r) {
    if (r >= rows) break;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      if (count[v] <= 0) break;
      const V x = apply(acc[r][v], bias[v], scale[v], shift[v]);
      if (count[v] == W)
        x.store_unaligned(c + r * ldc + v * W);
      else
        store_first(x, c + r * ldc + v * W, count[v]);
    }
  }
}

// What the tiles of one output row share: its image, its first input row,
// whether all its filter rows lie inside the input, and the runs [s0, s1)
// of the filter rows that do (the others read only padding for every pixel
// of the row, so they are skipped rather than multiplied: about 5% of the
// FMAs of speech_commands_conv's 20×8 layer on 98 rows).
struct StemRow {
  const float* image;
  int64_t iy0;
  bool inside;
  int64_t s0, s1;
};

inline StemRow stem_row(const Conv2DParams& p, const StemLayout& l, const float* input, int64_t out_row) {
  const int64_t n = out_row / p.out_h, oy = out_row % p.out_h;
  StemRow r;
  r.image = input + n * p.in_h * p.in_w * p.in_c;
  r.iy0 = oy * p.stride_h - p.pad_top;
  r.inside = r.iy0 >= 0 && r.iy0 + (p.filter_h - 1) * p.dilation_h < p.in_h;
  const int64_t ky_lo = r.iy0 >= 0 ? 0 : dc_min(p.filter_h, dc_div_up(-r.iy0, p.dilation_h));
  const int64_t ky_hi = p.in_h - r.iy0 <= 0 ? 0 : dc_min(p.filter_h, dc_div_up(p.in_h - r.iy0, p.dilation_h));
  const int64_t runs_per_row = l.seg_count / p.filter_h;
  r.s0 = ky_lo * runs_per_row;
  r.s1 = ky_hi > ky_lo ? ky_hi * runs_per_row : r.s0;
  return r;
}

// The runs' offsets and one window buffer per thread (stem_scratch_floats).
struct StemScratch {
  const int64_t* off_input;   // from a tile's base in the input
  const int64_t* off_window;  // from the start of a window buffer
  float* windows;             // thread t's at windows + t·window_floats
};

// Tiles [w.t0, w.t1) × panels [w.q0, w.q1); tile t is output row
// t / tiles_per_row (image-major), pixels from (t % tiles_per_row)·MR. The
// whole reduction is one block (stem_fits). `window` is the thread's buffer.
// kPaired: the paired variant (conv_direct_stem_paired_impl.h).
template <class T, int kStep, bool kPaired>
void run_stem_share(const Conv2DParams& p, const StemLayout& l, const StemScratch& sc, float* window,
                    const float* input, const float* packed, float* output, const GemmEpilogue& ep,
                    StemStore<T> store, const WorkSplit& w) {
  constexpr int MR = T::MR, NR = T::NR;
  using V = typename T::V;
  const int64_t k = p.filter_h * p.filter_w * p.in_c;
  const int64_t panel_floats = k * NR;
  const int64_t chunk = dc_div_up(kChunkFloats, panel_floats);
  const StemClamp clamp = stem_clamp(ep);
  const V lo(clamp.lo), hi(clamp.hi);
  for (int64_t qa = w.q0; qa < w.q1; qa += chunk) {
    const int64_t qb = dc_min(w.q1, qa + chunk);
    // The row's geometry is computed when the tiles enter a new output
    // row, not per tile: its divisions (image, row, the filter rows inside
    // the input) cost as much as the FMAs of a short reduction's tile.
    int64_t out_row = w.t0 / l.tiles_per_row, tile_in_row = w.t0 % l.tiles_per_row;
    StemRow row = stem_row(p, l, input, out_row);
    for (int64_t t = w.t0; t < w.t1; ++t, ++tile_in_row) {
      if (tile_in_row == l.tiles_per_row) {
        tile_in_row = 0;
        row = stem_row(p, l, input, ++out_row);
      }
      const int64_t ox0 = tile_in_row * MR, rows = dc_min(MR, p.out_w - ox0);
      const int64_t ix0 = ox0 * p.stride_w - p.pad_left;
      const float* base;
      const int64_t* off;
      if (row.inside && ix0 >= 0 && ix0 + l.window_w <= p.in_w) {
        base = row.image + (row.iy0 * p.in_w + ix0) * p.in_c;
        off = sc.off_input;
      } else {
        stem_fill_window(p, l, row.image, row.iy0, ix0, window);
        base = window;
        off = sc.off_window;
      }
      const int64_t s0 = row.s0, s1 = row.s1;
      const int64_t m0 = out_row * p.out_w + ox0;
      const AccumulateStemPart<T> part = rows < MR ? accumulate_stem_part_for<T, kStep, kPaired>(rows) : nullptr;
      for (int64_t q = qa; q < qb; ++q) {
        const int64_t j0 = q * NR, cols = dc_min(NR, p.out_c - j0);
        const float* b = packed + q * panel_floats + s0 * l.seg_length * NR;
        V acc[MR][T::NV];
        // The whole tile's accumulators stay in registers only if their
        // array is never passed out of line: the tail has its own.
        V tail[MR][T::NV];
        if (part == nullptr) {
          accumulate_stem<T, kStep, MR, kPaired>(base, off + s0, s1 - s0, l.seg_length, b, acc);
        } else {
          part(base, off + s0, s1 - s0, l.seg_length, b, tail);
#pragma GCC unroll 32
          for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
            for (int v = 0; v < T::NV; ++v) acc[r][v] = tail[r][v];
          }
        }
        float* c = output + m0 * p.out_c + j0;
        const TileEpilogue e = tile_epilogue(ep, m0, j0, ep.accumulate);
        alignas(64) float sums[MR * NR];
        if constexpr (kPaired) {
          stem_paired_store<T>(acc, c, p.out_c, rows, cols, e, clamp.in_line, lo, hi, sums);
          if (!clamp.in_line) store(sums, c, p.out_c, rows, cols, e, ep.alpha);
          continue;
        }
        if (clamp.in_line) {
          stem_store_clamped<T>(acc, c, p.out_c, rows, cols, e, lo, hi);
          continue;
        }
        // Through a buffer: were acc's address to reach the store function,
        // GCC would keep it in memory during the reduction too.
#pragma GCC unroll 32
        for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
          for (int v = 0; v < T::NV; ++v) acc[r][v].store_aligned(sums + (r * T::NV + v) * T::W);
        }
        store(sums, c, p.out_c, rows, cols, e, ep.alpha);
      }
    }
  }
}

// paired: the paired variant where the tile and the run fit it.
template <class T, int kStep>
void stem_run(const Conv2DParams& p, const float* input, const float* packed, float* output,
              const GemmEpilogue& ep, int threads, float* scratch, bool paired) {
  const StemLayout l = stem_layout(p, T::MR);
  paired = paired && stem_paired_tile<T>() && direct_stem_paired_fits(p, T::W);
  auto* off_input = reinterpret_cast<int64_t*>(dc_align_up(scratch));
  int64_t* off_window = off_input + stem_offsets_floats(l) / 2;
  float* windows = reinterpret_cast<float*>(off_window) + stem_offsets_floats(l);
  const bool runs = l.seg_count == p.filter_h;
  for (int64_t ky = 0, s = 0; ky < p.filter_h; ++ky) {
    for (int64_t kx = 0; kx < (runs ? 1 : p.filter_w); ++kx, ++s) {
      off_input[s] = (ky * p.dilation_h * p.in_w + kx * p.dilation_w) * p.in_c;
      off_window[s] = ky * l.window_row + kx * p.dilation_w * p.in_c;
    }
  }
  const StemScratch sc{off_input, off_window, windows};
  StemStore<T> store = nullptr;
  with_activation(ep.activation, [&](auto tag) { store = &stem_store<T, decltype(tag)::value>; });
  const int64_t panels = dc_div_up(p.out_c, T::NR);
  const int64_t tiles = p.batch * p.out_h * l.tiles_per_row;
  const GridChunks grid = grid_chunks(tiles, panels, threads);
  parallel_for(threads, grid.row_chunks * grid.col_chunks, [&](int64_t c, int tid) {
    const ChunkRange rows = chunk_range(tiles, grid.row_chunks, c / grid.col_chunks);
    const ChunkRange cols = chunk_range(panels, grid.col_chunks, c % grid.col_chunks);
    const WorkSplit w{rows.begin, rows.end, cols.begin, cols.end};
    float* window = windows + tid * l.window_floats;
    if constexpr (stem_paired_tile<T>()) {
      if (paired) return run_stem_share<T, kStep, true>(p, l, sc, window, input, packed, output, ep, store, w);
    }
    run_stem_share<T, kStep, false>(p, l, sc, window, input, packed, output, ep, store, w);
  });
}

// stem_run for the run's step (StemSteps, see direct_stem_step); a
// pointwise layer as one output row of n·h·w pixels.
template <class T, int... kSteps>
void stem_dispatch(const Conv2DParams& p, const float* input, const float* packed, float* output,
                   const GemmEpilogue& ep, int threads, float* scratch, bool paired,
                   std::integer_sequence<int, kSteps...>) {
  Conv2DParams q = p;
  if (direct_pointwise(p)) {
    q.in_w = q.out_w = p.batch * p.out_h * p.out_w;
    q.batch = q.in_h = q.out_h = 1;
  }
  const int64_t step = q.in_c * q.stride_w;
  ((step == kSteps ? (stem_run<T, kSteps>(q, input, packed, output, ep, threads, scratch, paired), 0) : 0), ...);
}

}  // namespace
}  // namespace frost::kernels::simd
