// conv_taps_f32_avx512 (conv_taps.h): tiles of MR pixels × NV vectors of one
// output row, the reduction one loop over the row's tap offsets (in the
// input, or in the thread's zero-padded strip at the borders). Per tap: NV
// filter vectors, one broadcast per pixel (into a register with NV ≥ 2,
// the FMA's memory operand with one vector), MR · NV FMAs. The sums start
// at the bias and go through the clamp of a ReLU / ReLU6 and a
// per-channel scale and shift after it straight to the output; any other
// epilogue runs on the row after its sums are stored.
// Built with -mavx512f; called only after a CPU + OS check.
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#include "kernels/simd/conv_direct_kernel_table.h"
#include "kernels/simd/conv_taps.h"
#include "kernels/simd/epilogue_impl.h"
#include "kernels/simd/panel_epilogue_avx512.h"
#include "kernels/simd/row_copy.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {
namespace {

constexpr int kLanes = 16;
constexpr int kMaxNv = 4;

// Pixels per tile by vectors per pixel (index NV): the accumulators, the NV
// filter vectors and a broadcast register within the 32 zmm (one vector:
// the broadcasts are memory operands).
constexpr std::array<int, kMaxNv + 1> kTileRows = {0, 24, 12, 8, 6};

// The shortest filter row (fw·in_c taps) read as one run (TileArgs::run).
constexpr int64_t kMinRun = 16;

// The pixel steps (in_c · stride_w floats) the kernel is instantiated for.
using TapsSteps = std::integer_sequence<int, 1, 2, 4, 8>;

// What the tiles of one panel and row share.
struct TileArgs {
  const int64_t* off;  // the row's tap offsets from a pixel's base
  int64_t taps;        // their count
  // > 0: the taps are runs of this many contiguous floats (a filter row,
  // fw·in_c), read run by run; 0: through the table tap by tap. With 8
  // channels (runs of 24) the table's load before each tap's broadcasts
  // cost 10% (3×3 184×320×8→16); with one channel (runs of 8) each run's
  // setup cost more than the loads.
  int64_t run;
  const float* b;      // the filter rows of those taps, nr floats each
  int64_t cols;        // the panel's channels (≤ NV·16)
  int64_t ldc;         // out_c
  const PanelEpilogue* e;
  const PanelColumns* col;
};

// MR output pixels at c (pixel r's window at base + r·kStep) of one panel.
template <int kStep, int MR, int NV>
void taps_tile(const float* base, float* c, const TileArgs& t) {
  constexpr int NR = NV * kLanes;
  const PanelEpilogue& e = *t.e;
  // The sums start at the bias where it is added in line (one load per
  // vector and tile instead of an add per vector and pixel).
  __m512 start[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) start[v] = e.in_line ? _mm512_load_ps(t.col->bias + v * kLanes) : _mm512_setzero_ps();
  __m512 acc[MR][NV];
#pragma GCC unroll 32
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[r][v] = start[v];
  }
  // One tap: NV filter vectors at b against the MR pixels' values at a.
  auto tap = [&](const float* a, const float* b) __attribute__((always_inline)) {
    // Opaque to the optimiser: pixel r + 1 reads what pixel r reads
    // kStep floats on, and GCC's predictive commoning would carry the
    // values across iterations in scalar registers (see accumulate_stem).
    asm("" : "+r"(a));
    __m512 w[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) w[v] = _mm512_loadu_ps(b + v * kLanes);
#pragma GCC unroll 32
    for (int r = 0; r < MR; ++r) {
      const __m512 x = _mm512_set1_ps(a[r * kStep]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(x, w[v], acc[r][v]);
    }
  };
  const float* b = t.b;
  if (t.run > 0) {
    // Runs of contiguous taps: the address of a tap is the previous one's
    // plus a float, not a load from the table (see TileArgs::run).
    for (int64_t s = 0; s < t.taps; s += t.run) {
      const float* a = base + t.off[s];
      for (int64_t j = 0; j < t.run; ++j, b += NR) tap(a + j, b);
    }
  } else {
    for (int64_t i = 0; i < t.taps; ++i, b += NR) tap(base + t.off[i], b);
  }
  __mmask16 mask[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) mask[v] = panel_vector_mask(t.cols, v);
  const bool whole = t.cols == NR, in_line = e.in_line, post = e.post, accumulate = e.accumulate;
  const __m512 lo = _mm512_set1_ps(e.lo), hi = _mm512_set1_ps(e.hi);
  if (in_line && !post && whole) {
    // The usual epilogue (bias, none / ReLU / ReLU6) on whole vectors:
    // no test per vector (they cost a tenth of a tile with K = 18).
#pragma GCC unroll 32
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v)
        _mm512_storeu_ps(c + r * t.ldc + v * kLanes, _mm512_min_ps(hi, _mm512_max_ps(lo, acc[r][v])));
    }
    return;
  }
#pragma GCC unroll 32
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v)
      store_panel_vector(acc[r][v], c + r * t.ldc, v, mask[v], whole, in_line, post, accumulate, lo, hi, t.col);
  }
}

using TapsTile = void (*)(const float*, float*, const TileArgs&);

// taps_tile<kStep, MR, NV> by MR (1 .. kTileRows[NV]).
template <int kStep, int NV>
TapsTile taps_tile_for(int64_t mr) {
  static constexpr auto table = []<size_t... I>(std::index_sequence<I...>) {
    return std::array<TapsTile, sizeof...(I)>{&taps_tile<kStep, static_cast<int>(I) + 1, NV>...};
  }(std::make_index_sequence<kTileRows[NV]>{});
  return table[static_cast<size_t>(mr - 1)];
}

// Floats of one table of K tap offsets (int64), a whole number of vectors.
int64_t offsets_floats(const Conv2DParams& p) {
  return (2 * p.filter_h * p.filter_w * p.in_c + kLanes - 1) / kLanes * kLanes;
}

// Output row `row` (image-major): its image, its first input row, and the
// filter rows [ky_lo, ky_hi) that lie inside the input (the others read
// only padding, so their taps are skipped).
struct TapsRow {
  const float* image;
  int64_t iy0, ky_lo, ky_hi;
};

TapsRow taps_row(const Conv2DParams& p, const float* input, int64_t row) {
  const int64_t n = row / p.out_h, oy = row % p.out_h;
  TapsRow r;
  r.image = input + n * p.in_h * p.in_w * p.in_c;
  r.iy0 = oy * p.stride_h - p.pad_top;
  r.ky_lo = r.iy0 >= 0 ? 0 : std::min(p.filter_h, (-r.iy0 + p.dilation_h - 1) / p.dilation_h);
  const int64_t hi = p.in_h - r.iy0 <= 0 ? 0 : std::min(p.filter_h, (p.in_h - r.iy0 + p.dilation_h - 1) / p.dilation_h);
  r.ky_hi = std::max(r.ky_lo, hi);
  return r;
}

// Zeros the strip's columns outside the input, in every filter row: the
// columns inside it are copied before a tile reads them (fill_strip), and
// a 184×320×8 layer's strip is 31 KiB, zeroed once per chunk of rows.
void zero_strip_padding(const Conv2DParams& p, float* strip) {
  const int64_t c = p.in_c, width = panel_strip_width(p);
  const int64_t x0 = std::min(width, p.pad_left), x1 = std::clamp<int64_t>(p.pad_left + p.in_w, x0, width);
  for (int64_t ky = 0; ky < p.filter_h; ++ky) {
    float* row = strip + ky * width * c;
    std::memset(row, 0, static_cast<size_t>(x0 * c) * sizeof(float));
    std::memset(row + x1 * c, 0, static_cast<size_t>((width - x1) * c) * sizeof(float));
  }
}

// Copies strip columns [c0, c1) (input column c - pad_left) of the row's
// filter rows inside the input into strip (filter row ky at strip +
// ky·width·in_c). The strip's columns outside the input were zeroed once
// (zero_strip_padding) and are never written.
void fill_strip(const Conv2DParams& p, const TapsRow& row, int64_t c0, int64_t c1, float* strip) {
  const int64_t c = p.in_c, width = panel_strip_width(p);
  const int64_t x0 = std::max(c0, p.pad_left), x1 = std::min(c1, p.pad_left + p.in_w);
  if (x1 <= x0 || row.ky_hi <= row.ky_lo) return;
  // A border tile's window is a few dozen floats per filter row: copies
  // without a library call per row (row_copy.h).
  const int64_t iy = row.iy0 + row.ky_lo * p.dilation_h;
  copy_rows(reinterpret_cast<std::byte*>(strip + (row.ky_lo * width + x0) * c),
            width * c * static_cast<int64_t>(sizeof(float)),
            reinterpret_cast<const std::byte*>(row.image + (iy * p.in_w + x0 - p.pad_left) * c),
            p.dilation_h * p.in_w * c * static_cast<int64_t>(sizeof(float)), row.ky_hi - row.ky_lo,
            static_cast<size_t>((x1 - x0) * c) * sizeof(float));
}

// The tap offsets from a pixel's base: in the strip, and in the input
// itself (for the tiles whose windows lie inside it).
struct TapOffsets {
  const int64_t* strip;
  const int64_t* input;
};

// Output rows [rows.begin, rows.end) of every panel. A tile whose window
// lies inside the input reads it in place; the others read the strip,
// whose columns under their window are copied first (a row's first and
// last tiles, all tiles of a row at the top or bottom).
template <int kStep, int NV>
void taps_rows(const Conv2DParams& p, const float* input, const float* filter, float* output, const GemmEpilogue& ep,
               const TapOffsets& off, ChunkRange rows, float* strip) {
  constexpr int NR = NV * kLanes;
  const PanelEpilogue e = panel_epilogue(ep);
  const int64_t k = p.filter_h * p.filter_w * p.in_c, taps_per_row = p.filter_w * p.in_c;
  const int64_t panels = (p.out_c + NR - 1) / NR;
  // The row's tiles: as few as kTileRows allows, of near-equal counts
  // (the first `longer` one pixel more).
  const int64_t tiles = (p.out_w + kTileRows[NV] - 1) / kTileRows[NV];
  const int64_t short_rows = p.out_w / tiles, longer = p.out_w % tiles;
  const TapsTile short_tile = taps_tile_for<kStep, NV>(short_rows);
  const TapsTile long_tile = longer > 0 ? taps_tile_for<kStep, NV>(short_rows + 1) : short_tile;
  const int64_t span = (p.filter_w - 1) * p.dilation_w + 1;  // a pixel's window columns
  const int64_t run = taps_per_row >= kMinRun && (p.dilation_w == 1 || p.filter_w == 1) ? taps_per_row : 0;
  zero_strip_padding(p, strip);
  for (int64_t q = 0; q < panels; ++q) {
    const int64_t j0 = q * NR, cols = std::min<int64_t>(NR, p.out_c - j0);
    const PanelColumns col(ep, j0, cols);
    for (int64_t row = rows.begin; row < rows.end; ++row) {
      const TapsRow r = taps_row(p, input, row);
      const bool inside = r.ky_lo == 0 && r.ky_hi == p.filter_h;
      const int64_t t0 = r.ky_lo * taps_per_row;
      const int64_t taps = (r.ky_hi - r.ky_lo) * taps_per_row;
      const float* b = filter + (q * k + t0) * NR;
      const TileArgs from_strip{off.strip + t0, taps, run, b, cols, p.out_c, &e, &col};
      const TileArgs in_place{off.input, taps, run, b, cols, p.out_c, &e, &col};
      const int64_t m = row * p.out_w;
      float* c = output + m * p.out_c + j0;
      for (int64_t t = 0, ox = 0; t < tiles; ++t) {
        const int64_t mr = t < longer ? short_rows + 1 : short_rows;
        // Strip columns [sx0, sx1) under the tile; input column sx - pad_left.
        const int64_t sx0 = ox * p.stride_w, sx1 = (ox + mr - 1) * p.stride_w + span;
        const TapsTile tile = t < longer ? long_tile : short_tile;
        if (inside && sx0 >= p.pad_left && sx1 <= p.pad_left + p.in_w) {
          tile(r.image + (r.iy0 * p.in_w + sx0 - p.pad_left) * p.in_c, c + ox * p.out_c, in_place);
        } else {
          fill_strip(p, r, sx0, sx1, strip);
          tile(strip + ox * kStep, c + ox * p.out_c, from_strip);
        }
        ox += mr;
      }
      if (!e.in_line) apply_epilogue<PanelTraits>(output, p.out_c, m, j0, p.out_w, cols, ep);
    }
  }
}

template <int kStep>
void taps_run(const Conv2DParams& p, const float* input, const float* filter, int64_t nr, float* output,
              const GemmEpilogue& ep, int threads, float* scratch) {
  const int64_t width = panel_strip_width(p);
  auto* in_strip = reinterpret_cast<int64_t*>((reinterpret_cast<uintptr_t>(scratch) + 63) & ~uintptr_t{63});
  int64_t* in_input = in_strip + offsets_floats(p) / 2;
  for (int64_t ky = 0, i = 0; ky < p.filter_h; ++ky) {
    for (int64_t kx = 0; kx < p.filter_w; ++kx) {
      for (int64_t c = 0; c < p.in_c; ++c, ++i) {
        in_strip[i] = (ky * width + kx * p.dilation_w) * p.in_c + c;
        in_input[i] = (ky * p.dilation_h * p.in_w + kx * p.dilation_w) * p.in_c + c;
      }
    }
  }
  const TapOffsets off{in_strip, in_input};
  float* strips = reinterpret_cast<float*>(in_input) + offsets_floats(p);
  const int64_t rows = p.batch * p.out_h;
  const int64_t chunks = chunk_count(rows, threads);
  parallel_for(threads, chunks, [&](int64_t chunk, int tid) {
    const ChunkRange r = chunk_range(rows, chunks, chunk);
    float* strip = strips + tid * panel_strip_floats(p);
    switch (nr / kLanes) {
      case 1: return taps_rows<kStep, 1>(p, input, filter, output, ep, off, r, strip);
      case 2: return taps_rows<kStep, 2>(p, input, filter, output, ep, off, r, strip);
      default: return taps_rows<kStep, 4>(p, input, filter, output, ep, off, r, strip);
    }
  });
}

template <int... kSteps>
void taps_dispatch(const Conv2DParams& p, const float* input, const float* filter, int64_t nr, float* output,
                   const GemmEpilogue& ep, int threads, float* scratch, std::integer_sequence<int, kSteps...>) {
  const int64_t step = p.in_c * p.stride_w;
  ((step == kSteps ? (taps_run<kSteps>(p, input, filter, nr, output, ep, threads, scratch), 0) : 0), ...);
}

// Whether the kernel is instantiated for pixel step `step` (TapsSteps).
bool taps_step(int64_t step) {
  return []<int... kSteps>(int64_t s, std::integer_sequence<int, kSteps...>) {
    return ((s == kSteps) || ...);
  }(step, TapsSteps{});
}

}  // namespace

bool conv_taps_fits(const Conv2DParams& p, int64_t nr) {
  return p.groups == 1 && p.in_c >= 1 && p.out_c >= 1 && p.stride_w >= 1 && !direct_pointwise(p) &&
         taps_step(p.in_c * p.stride_w) && (nr == 16 || nr == 32 || nr == 64);
}

size_t conv_taps_scratch_floats(const Conv2DParams& p, int threads) {
  return static_cast<size_t>(2 * offsets_floats(p) + (threads < 1 ? 1 : threads) * panel_strip_floats(p) + kLanes);
}

void conv_taps_f32_avx512(const Conv2DParams& p, const float* input, const float* filter, int64_t nr,
                          float* output, const GemmEpilogue& ep, int threads, float* scratch) {
  if (p.batch * p.out_h * p.out_w <= 0 || !conv_taps_fits(p, nr)) return;
  taps_dispatch(p, input, filter, nr, output, ep, threads, scratch, TapsSteps{});
}

}  // namespace frost::kernels::simd
