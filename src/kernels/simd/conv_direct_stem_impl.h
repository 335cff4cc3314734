// The stem mode of the direct convolution (ConvDirectPlan::stem, see
// kernels/conv_direct.h): for layers whose input pixels are only a few
// floats apart (in_c · stride_w ≤ kStemMaxStep: an RGB or grayscale first
// layer, a thin layer). Included by conv_direct_impl.h only.
//
// With few input channels the plain direct kernel spends its time around the
// FMAs, not in them: a window at the left or right border splits into
// fh·fw runs of in_c floats (3 for RGB), the per-tile pointer table costs as
// much as the tile's few FMAs, and 24 pointers do not fit in registers, so
// every broadcast first reloads its pointer from the stack. Here instead
//  - the input is copied once per call into a zero-padded image (in_c is
//    small, so the copy is a few percent of the FLOPs), so every window lies
//    inside and a filter row is one run of fw·in_c floats (fw runs of in_c
//    with dilation);
//  - a tile is MR consecutive pixels of one output row: pixel r reads at
//    the tile's base + r·step floats, step = stride_w·in_c, a compile-time
//    constant (the kernel is instantiated for step 1..kStemMaxStep), so the
//    FMA's broadcast operand is base + k + a constant displacement: one
//    pointer and one index for the whole tile;
//  - the runs' offsets from a tile's base are the same for every tile and
//    are computed once per call.
// The filter is packed exactly as for the plain mode (panels of NR columns,
// rows in HWIO order) and the epilogue is the same store_tile.
#pragma once

#include <cstdint>
#include <cstring>
#include <utility>

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose, see conv_direct_impl.h

constexpr int kStemMaxStep = 8;
// Images are padded a group at a time, the group's copy at most ~4 MiB.
constexpr int64_t kStemGroupFloats = int64_t{1} << 20;

// The padded image and the runs of the reduction, from the run's geometry.
struct StemLayout {
  int64_t ph = 0, pw = 0;        // rows and columns of the padded image
  int64_t image_floats = 0;      // ph·pw·in_c, rounded up to the alignment
  int64_t tiles_per_row = 0;     // div_up(out_w, MR)
  int64_t seg_count = 0, seg_length = 0;
  int64_t group = 1;             // images padded at once
};

inline StemLayout stem_layout(const Conv2DParams& p, int mr) {
  StemLayout l;
  l.ph = (p.out_h - 1) * p.stride_h + (p.filter_h - 1) * p.dilation_h + 1;
  l.pw = (p.out_w - 1) * p.stride_w + (p.filter_w - 1) * p.dilation_w + 1;
  l.image_floats = dc_round_up(l.ph * l.pw * p.in_c, kScratchAlign);
  l.tiles_per_row = dc_div_up(p.out_w, mr);
  const bool runs = p.dilation_w == 1 || p.filter_w == 1;
  l.seg_count = runs ? p.filter_h : p.filter_h * p.filter_w;
  l.seg_length = runs ? p.filter_w * p.in_c : p.in_c;
  l.group = dc_min(p.batch, kStemGroupFloats / l.image_floats > 0 ? kStemGroupFloats / l.image_floats : 1);
  return l;
}

// Floats of scratch: the run offsets (int64, two floats each), the padded
// group, and the slack the last tile of the last row reads past its row
// (pixels past out_w are computed, not stored).
inline int64_t stem_slack_floats(int mr) { return dc_round_up(int64_t{mr} * kStemMaxStep, kScratchAlign); }
inline int64_t stem_scratch_floats(const Conv2DParams& p, int mr) {
  const StemLayout l = stem_layout(p, mr);
  return dc_round_up(2 * l.seg_count, kScratchAlign) + l.group * l.image_floats + stem_slack_floats(mr) +
         2 * kScratchAlign;
}

// Copies padded rows [r0, r1) of the group (row r: image n0 + r / ph, padded
// row r % ph) into the zero-padded group buffer.
inline void stem_pad_rows(const Conv2DParams& p, const StemLayout& l, const float* input, int64_t n0, int64_t r0,
                          int64_t r1, float* padded) {
  const int64_t c = p.in_c, row = l.pw * c;
  // Input columns [0, x1) land at padded columns pad_left onwards.
  const int64_t x1 = dc_min(p.in_w, l.pw - p.pad_left);
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t n = r / l.ph, y = r % l.ph;
    float* dst = padded + n * l.image_floats + y * row;
    const int64_t iy = y - p.pad_top;
    if (iy < 0 || iy >= p.in_h || x1 <= 0) {
      std::memset(dst, 0, static_cast<size_t>(row) * sizeof(float));
      continue;
    }
    const int64_t left = p.pad_left * c, copied = x1 * c;
    std::memset(dst, 0, static_cast<size_t>(left) * sizeof(float));
    std::memcpy(dst + left, input + ((n0 + n) * p.in_h + iy) * p.in_w * c, static_cast<size_t>(copied) * sizeof(float));
    std::memset(dst + left + copied, 0, static_cast<size_t>(row - left - copied) * sizeof(float));
  }
}

// Pads images [n0, n0 + count), the rows shared among the threads (a serial
// copy of a 224² RGB image was a tenth of a 2-thread stem convolution).
inline void stem_pad(const Conv2DParams& p, const StemLayout& l, const float* input, int64_t n0, int64_t count,
                     int64_t slack, int threads, float* padded) {
  const int64_t rows = count * l.ph;
  if (threads > 1) {
    parallel_for(threads, threads, [&](int64_t c, int) {
      const ChunkRange r = chunk_range(rows, threads, c);
      stem_pad_rows(p, l, input, n0, r.begin, r.end, padded);
    });
  } else {
    stem_pad_rows(p, l, input, n0, 0, rows, padded);
  }
  // Pixels past out_w in the last row read up to (MR - 1)·step floats past
  // the last image: zeros, never stale floats (a denormal would slow them).
  std::memset(padded + (count - 1) * l.image_floats + l.ph * l.pw * p.in_c, 0,
              static_cast<size_t>(slack) * sizeof(float));
}

// acc = Σ over the runs s and their floats k of
// broadcast(base[off[s] + k + r·kStep]) · b[row][0:NR].
template <class T, int kStep>
FROST_SIMD_INLINE void accumulate_stem(const float* base, const int64_t* off, int64_t runs, int64_t length,
                                       const float* b, typename T::V (&acc)[T::MR][T::NV]) {
  using V = typename T::V;
  constexpr int MR = T::MR, NV = T::NV, W = T::W, NR = T::NR;
#pragma GCC unroll 32
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[r][v] = V(0.0f);
  }
  for (int64_t s = 0; s < runs; ++s) {
    const float* a = base + off[s];
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
      for (int r = 0; r < MR; ++r) {
        const V av(ak[r * kStep]);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(av, bv[v], acc[r][v]);
      }
      b += NR;
    }
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

// Tiles [w.t0, w.t1) of the group × panels [w.q0, w.q1); tile t is row
// t / tiles_per_row (image-major) of the group, pixels from
// (t % tiles_per_row)·MR. The whole reduction is one block (stem_fits).
template <class T, int kStep>
void run_stem_share(const Conv2DParams& p, const StemLayout& l, const int64_t* off, const float* padded,
                    int64_t n0, const float* packed, float* output, const GemmEpilogue& ep, StemStore<T> store,
                    const WorkSplit& w) {
  constexpr int MR = T::MR, NR = T::NR;
  using V = typename T::V;
  const int64_t k = p.filter_h * p.filter_w * p.in_c;
  const int64_t panel_floats = k * NR;
  const int64_t row_floats = l.pw * p.in_c;
  const int64_t chunk = dc_div_up(kChunkFloats, panel_floats);
  for (int64_t qa = w.q0; qa < w.q1; qa += chunk) {
    const int64_t qb = dc_min(w.q1, qa + chunk);
    for (int64_t t = w.t0; t < w.t1; ++t) {
      const int64_t out_row = t / l.tiles_per_row;  // n·out_h + oy within the group
      const int64_t n = out_row / p.out_h, oy = out_row % p.out_h;
      const int64_t ox0 = (t % l.tiles_per_row) * MR, rows = dc_min(MR, p.out_w - ox0);
      const float* base = padded + n * l.image_floats + oy * p.stride_h * row_floats + ox0 * kStep;
      const int64_t m0 = ((n0 + n) * p.out_h + oy) * p.out_w + ox0;
      for (int64_t q = qa; q < qb; ++q) {
        const int64_t j0 = q * NR, cols = dc_min(NR, p.out_c - j0);
        V acc[MR][T::NV];
        accumulate_stem<T, kStep>(base, off, l.seg_count, l.seg_length, packed + q * panel_floats, acc);
        // Through a buffer: were acc's address to reach the store function,
        // GCC would keep it in memory during the reduction too.
        alignas(64) float sums[MR * NR];
#pragma GCC unroll 32
        for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
          for (int v = 0; v < T::NV; ++v) acc[r][v].store_aligned(sums + (r * T::NV + v) * T::W);
        }
        store(sums, output + m0 * p.out_c + j0, p.out_c, rows, cols, tile_epilogue(ep, m0, j0, ep.accumulate), ep.alpha);
      }
    }
  }
}

template <class T, int kStep>
void stem_run(const Conv2DParams& p, const float* input, const float* packed, float* output,
              const GemmEpilogue& ep, int threads, float* scratch) {
  const StemLayout l = stem_layout(p, T::MR);
  auto* off = reinterpret_cast<int64_t*>(dc_align_up(scratch));
  float* padded = reinterpret_cast<float*>(off) + dc_round_up(2 * l.seg_count, kScratchAlign);
  const bool runs = l.seg_count == p.filter_h;
  for (int64_t ky = 0, s = 0; ky < p.filter_h; ++ky) {
    for (int64_t kx = 0; kx < (runs ? 1 : p.filter_w); ++kx, ++s)
      off[s] = (ky * p.dilation_h * l.pw + kx * p.dilation_w) * p.in_c;
  }
  StemStore<T> store = nullptr;
  with_activation(ep.activation, [&](auto tag) { store = &stem_store<T, decltype(tag)::value>; });
  const int64_t panels = dc_div_up(p.out_c, T::NR);
  for (int64_t n0 = 0; n0 < p.batch; n0 += l.group) {
    const int64_t count = dc_min(l.group, p.batch - n0);
    stem_pad(p, l, input, n0, count, stem_slack_floats(T::MR), threads, padded);
    const int64_t tiles = count * p.out_h * l.tiles_per_row;
    const GridChunks grid = grid_chunks(tiles, panels, threads);
    parallel_for(threads, grid.row_chunks * grid.col_chunks, [&](int64_t c, int) {
      const ChunkRange rows = chunk_range(tiles, grid.row_chunks, c / grid.col_chunks);
      const ChunkRange cols = chunk_range(panels, grid.col_chunks, c % grid.col_chunks);
      run_stem_share<T, kStep>(p, l, off, padded, n0, packed, output, ep, store,
                               WorkSplit{rows.begin, rows.end, cols.begin, cols.end});
    });
  }
}

// stem_run for the run's step (1..kStemMaxStep, see stem_fits).
template <class T, int... kSteps>
void stem_dispatch(const Conv2DParams& p, const float* input, const float* packed, float* output,
                   const GemmEpilogue& ep, int threads, float* scratch, std::integer_sequence<int, kSteps...>) {
  const int64_t step = p.in_c * p.stride_w;
  ((step == kSteps + 1 ? (stem_run<T, kSteps + 1>(p, input, packed, output, ep, threads, scratch), 0) : 0), ...);
}

}  // namespace
}  // namespace frost::kernels::simd
