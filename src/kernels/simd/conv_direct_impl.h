// The direct (implicit-GEMM) NHWC convolution of kernels/conv_direct.h as
// templates over the xsimd architecture and the register tile. Included only
// by the per-tile translation units conv_direct_f32_<isa>_<MR>x<NR>.cc; internal linkage
// for the reason given in gemm_impl.h.
//
// Loop nest of one chunk of the work (a range of pixel tiles × a range of
// filter panels, see direct_run):
//
//   for a block of the reduction K (all of it unless a panel would not stay in L2)
//     for a chunk of filter panels (≤ kChunkFloats floats: stays in L2)
//       for a tile of MR consecutive output pixels (any rows, any images)
//         build the tile's pointer table (segments × MR input pointers)
//         for each panel q of the chunk (NR output channels)
//           MR×NV accumulators = Σ over the block's reduction indices k:
//               broadcast(input of pixel r at k) · packed_filter[q][k][0:NR]
//           last block: epilogue in registers, store; else store partial sums
//
// The same MR pixels' input (a few KiB) stays in L1 while the panels of the
// chunk stream from L2; with one K block every output element is stored once.
#pragma once

#include <omp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "kernels/conv.h"
#include "kernels/gemm.h"
#include "kernels/simd/broadcast_fma_impl.h"
#include "kernels/simd/conv_direct_kernel_table.h"
#include "kernels/simd/epilogue_impl.h"
#include "kernels/simd/grid_split.h"
#include "kernels/simd/masked_impl.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose, see the file comment

// kStem: whether the tile is also instantiated for the stem mode
// (conv_direct_stem_impl.h, 14 input steps × every activation: most of this
// file's compile time); a tile for deep layers only does without it.
template <class ArchT, int kMR, int kNV, bool kStem = true>
struct DirectTraits {
  using Arch = ArchT;
  static constexpr bool STEM = kStem;
  using V = xsimd::batch<float, Arch>;
  static constexpr int W = static_cast<int>(V::size);
  static constexpr int MR = kMR;
  static constexpr int NV = kNV;
  static constexpr int NR = kNV * W;
  static constexpr bool kRegisterBroadcast = direct_register_broadcast(kMR, kNV, W);
};

constexpr int64_t dc_div_up(int64_t a, int64_t b) { return (a + b - 1) / b; }
constexpr int64_t dc_round_up(int64_t a, int64_t b) { return dc_div_up(a, b) * b; }
constexpr int64_t dc_min(int64_t a, int64_t b) { return a < b ? a : b; }

// Filter panels processed together over the same pixel tiles: about 256 KiB,
// half of a 512 KiB–1 MiB L2.
constexpr int64_t kChunkFloats = int64_t{1} << 16;
constexpr int64_t kScratchAlign = 16;  // floats (64 bytes)

inline float* dc_align_up(float* p) {
  const auto v = reinterpret_cast<uintptr_t>(p);
  return reinterpret_cast<float*>((v + 63) & ~uintptr_t{63});
}

inline int64_t zeros_floats(const Conv2DParams& p) {
  return dc_round_up(p.filter_w * p.in_c, kScratchAlign) + kScratchAlign;
}
inline int64_t table_floats(int mr, const Conv2DParams& p) {
  // Pointers are two floats wide; then one SegmentSkip (int32) per segment.
  return dc_round_up((2 * mr + 1) * p.filter_h * p.filter_w, kScratchAlign) + kScratchAlign;
}

// The segments of one tile's reduction (see kernels/conv_direct.h).
struct Segments {
  int64_t count, length;
};

// Which of a tile's pixels a segment multiplies: a pixel that reads only
// padding there adds nothing. The first and the last pixel are left out
// when they do (a 3×3 SAME layer whose tiles are output rows: kx = 0 for
// the row's first pixel, kx = 2 for its last), and the segment is skipped
// when every pixel does (the filter rows above and below the image). On
// 7² pixels in tiles of 7 that is 0.82 of the taps instead of 0.90 with the
// rows only; a pixel in the middle of the tile (tiles across output rows)
// still multiplies the zeros. Bits of the flags build_table stores after
// the pointer table.
enum SegmentSkip : int32_t { kSkipNone = 0, kSkipFirst = 1, kSkipLast = 2, kSkipAll = 4 };

inline int32_t* segment_skips(const float** ptrs, const Conv2DParams& p, int mr) {
  return reinterpret_cast<int32_t*>(ptrs + mr * p.filter_h * p.filter_w);
}

// Fills ptrs[s·MR + r] with where pixel m0 + r reads segment s; rows past
// `rows` repeat the last valid pixel (their results are not stored).
template <int MR>
Segments fill_table(const Conv2DParams& p, const float* input, const float* zeros, int64_t m0, int64_t rows,
                     const float** ptrs) {
  if (direct_pointwise(p)) {
    // The input pixels are the rows of one matrix (across images too): no
    // divisions to find a pixel's row and image (bench_conv, AVX-512, Zen 5,
    // 1 thread, interleaved, min µs: 1×1 14²×336→56 36.9 → 35.7, 56²×64→256
    // 446 → 441, other 1×1 rows 0–0.5% faster).
    for (int r = 0; r < MR; ++r) ptrs[r] = input + (m0 + (r < rows ? r : rows - 1)) * p.in_c;
    return {1, p.in_c};
  }
  const int64_t per_image = p.out_h * p.out_w;
  {
    // The common case first: MR pixels of one output row, all windows inside
    // horizontally. Then pixel r reads at the first one's pointer plus
    // r·stride_w·in_c in every filter row, with no per-pixel arithmetic (for
    // a 3-channel stem the table costs as much as a third of the FMAs).
    const int64_t oy = (m0 % per_image) / p.out_w, ox = m0 % p.out_w;
    const int64_t ix0 = ox * p.stride_w - p.pad_left, ix_last = ix0 + (MR - 1) * p.stride_w;
    if (rows == MR && ox + MR <= p.out_w && ix0 >= 0 && ix_last + (p.filter_w - 1) * p.dilation_w < p.in_w &&
        (p.dilation_w == 1 || p.filter_w == 1)) {
      const float* image = input + (m0 / per_image) * p.in_h * p.in_w * p.in_c;
      const int64_t step = p.stride_w * p.in_c;
      for (int64_t ky = 0; ky < p.filter_h; ++ky) {
        const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
        const float** seg = ptrs + ky * MR;
        if (iy < 0 || iy >= p.in_h) {
          for (int r = 0; r < MR; ++r) seg[r] = zeros;
        } else {
          const float* first = image + (iy * p.in_w + ix0) * p.in_c;
          for (int r = 0; r < MR; ++r) seg[r] = first + r * step;
        }
      }
      return {p.filter_h, p.filter_w * p.in_c};
    }
  }
  const int64_t image_floats = p.in_h * p.in_w * p.in_c;
  const float* base[MR];
  int64_t iy0[MR], ix0[MR];
  bool inside = true;  // every pixel's window lies inside the input horizontally
  const int64_t span = (p.filter_w - 1) * p.dilation_w;
  // The first pixel's position by division, the others by stepping (a
  // division per pixel cost as much as a 3-channel stem's FMAs).
  int64_t n = m0 / per_image, oy = (m0 % per_image) / p.out_w, ox = m0 % p.out_w;
  for (int r = 0; r < MR; ++r) {
    base[r] = input + n * image_floats;
    iy0[r] = oy * p.stride_h - p.pad_top;
    ix0[r] = ox * p.stride_w - p.pad_left;
    if (ix0[r] < 0 || ix0[r] + span >= p.in_w) inside = false;
    if (r + 1 < rows && ++ox == p.out_w) {
      ox = 0;
      if (++oy == p.out_h) {
        oy = 0;
        ++n;
      }
    }
  }
  const int64_t row_floats = p.in_w * p.in_c;
  if (inside && (p.dilation_w == 1 || p.filter_w == 1)) {
    // One run of fw·in_c per filter row.
    for (int64_t ky = 0; ky < p.filter_h; ++ky) {
      for (int r = 0; r < MR; ++r) {
        const int64_t iy = iy0[r] + ky * p.dilation_h;
        ptrs[ky * MR + r] = (iy < 0 || iy >= p.in_h) ? zeros : base[r] + iy * row_floats + ix0[r] * p.in_c;
      }
    }
    return {p.filter_h, p.filter_w * p.in_c};
  }
  for (int64_t ky = 0; ky < p.filter_h; ++ky) {
    for (int64_t kx = 0; kx < p.filter_w; ++kx) {
      const float** seg = ptrs + (ky * p.filter_w + kx) * MR;
      for (int r = 0; r < MR; ++r) {
        const int64_t iy = iy0[r] + ky * p.dilation_h, ix = ix0[r] + kx * p.dilation_w;
        seg[r] = (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) ? zeros
                                                                     : base[r] + iy * row_floats + ix * p.in_c;
      }
    }
  }
  return {p.filter_h * p.filter_w, p.in_c};
}

// fill_table, then each segment's SegmentSkip into `skips`: a segment that
// every pixel of the tile reads in the padding is skipped rather than
// multiplied by zeros (the filter rows above and below the image for tiles
// of the first and last output rows, about 5% of the FMAs of
// speech_commands_conv's 10×4 layer on 49 rows, SAME: 25 of 490 row taps),
// and so is the first or last of its `rows` pixels where it reads only
// padding.
template <int MR>
Segments build_table(const Conv2DParams& p, const float* input, const float* zeros, int64_t m0, int64_t rows,
                     const float** ptrs, int32_t* skips) {
  const Segments segs = fill_table<MR>(p, input, zeros, m0, rows, ptrs);
  for (int64_t s = 0; s < segs.count; ++s) {
    const float** sp = ptrs + s * MR;
    bool padding = true;
    for (int r = 0; r < rows; ++r) padding = padding && sp[r] == zeros;
    skips[s] = padding ? kSkipAll
                       : (sp[0] == zeros ? kSkipFirst : kSkipNone) | (sp[rows - 1] == zeros ? kSkipLast : kSkipNone);
  }
  return segs;
}

// acc[r] += Σ over k in [from, to) of broadcast(sp[r][k]) · b[k][0:NR]
// for the pixels r in [kFirst, R - kLast) (see SegmentSkip); returns b past
// the last row read.
template <class T, int R, int kFirst, int kLast>
FROST_SIMD_INLINE const float* accumulate_segment(const float* const* sp, int64_t from, int64_t to, const float* b,
                                                  typename T::V (&acc)[R][T::NV]) {
  using V = typename T::V;
  constexpr int NV = T::NV, W = T::W, NR = T::NR;
  const float* a[R];
#pragma GCC unroll 32
  for (int r = kFirst; r < R - kLast; ++r) a[r] = sp[r];
  for (int64_t k = from; k < to; ++k) {
    V bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = V::load_unaligned(b + v * W);
#pragma GCC unroll 32
    for (int r = kFirst; r < R - kLast; ++r) {
      if constexpr (T::kRegisterBroadcast) {
        const V av(a[r][k]);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(av, bv[v], acc[r][v]);
      } else {
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) fma_broadcast(acc[r][v], bv[v], a[r] + k);
      }
    }
    b += NR;
  }
  return b;
}

// acc = Σ over reduction indices k in [k0, k1) of
// broadcast(input of pixel r at k) · b[k][0:NR] for the tile's first R
// pixels (R = MR: the whole tile), where index k lies in segment k / length at
// offset k % length; b points at the panel's row k0. The pointer table has
// MR entries per segment whatever R. A segment's skips (build_table) leave
// out the pixels that read only padding there, at the tile's ends.
template <class T, int R>
FROST_SIMD_INLINE void accumulate_rows(Segments segs, const float* const* ptrs, const int32_t* skips, int64_t k0,
                                       int64_t k1, const float* b, typename T::V (&acc)[R][T::NV]) {
  using V = typename T::V;
  constexpr int MR = T::MR, NV = T::NV, NR = T::NR;
#pragma GCC unroll 32
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[r][v] = V(0.0f);
  }
  const int64_t s0 = segs.count == 1 ? 0 : k0 / segs.length;
  for (int64_t s = s0, seg_start = s * segs.length; seg_start < k1; ++s, seg_start += segs.length) {
    const float* const* sp = ptrs + s * MR;
    const int64_t from = k0 > seg_start ? k0 - seg_start : 0;
    const int64_t to = dc_min(segs.length, k1 - seg_start);
    switch (R > 1 ? skips[s] : skips[s] & kSkipAll) {
      case kSkipNone: b = accumulate_segment<T, R, 0, 0>(sp, from, to, b, acc); break;
      case kSkipFirst: b = accumulate_segment<T, R, 1, 0>(sp, from, to, b, acc); break;
      case kSkipLast: b = accumulate_segment<T, R, 0, 1>(sp, from, to, b, acc); break;
      case kSkipFirst | kSkipLast: b = accumulate_segment<T, R, 1, 1>(sp, from, to, b, acc); break;
      default: b += (to - from) * NR;  // all padding
    }
  }
}

template <class T>
FROST_SIMD_INLINE void accumulate_tile(Segments segs, const float* const* ptrs, const int32_t* skips, int64_t k0,
                                       int64_t k1, const float* b, typename T::V (&acc)[T::MR][T::NV]) {
  accumulate_rows<T, T::MR>(segs, ptrs, skips, k0, k1, b, acc);
}

// The last tile of fewer than MR pixels (9 pixels on 6-pixel tiles: 3)
// multiplies only its R real pixels, not MR copies of the last one: a layer
// of few pixels (MobileNetV2's 3×3 head at 96², 9 pixels × 1280 channels)
// otherwise spent a quarter of its FMAs on copies. Out of line, one per R,
// so that run_share's instantiation per activation does not copy it; the R
// rows' sums reach the caller's registers through memory once per tile and
// panel, against K·R·NV FMAs.
template <class T, int R>
__attribute__((noinline)) void accumulate_part(Segments segs, const float* const* ptrs, const int32_t* skips,
                                               int64_t k0, int64_t k1, const float* b,
                                               typename T::V (&acc)[T::MR][T::NV]) {
  typename T::V part[R][T::NV];
  accumulate_rows<T, R>(segs, ptrs, skips, k0, k1, b, part);
#pragma GCC unroll 32
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < T::NV; ++v) acc[r][v] = part[r][v];
  }
}

template <class T>
using AccumulatePart = void (*)(Segments, const float* const*, const int32_t*, int64_t, int64_t, const float*,
                                typename T::V (&)[T::MR][T::NV]);

// accumulate_part<T, rows> for 1 ≤ rows < MR.
template <class T>
AccumulatePart<T> accumulate_part_for(int64_t rows) {
  static constexpr auto table = []<size_t... I>(std::index_sequence<I...>) {
    return std::array<AccumulatePart<T>, sizeof...(I)>{&accumulate_part<T, static_cast<int>(I) + 1>...};
  }(std::make_index_sequence<T::MR - 1>{});
  return table[static_cast<size_t>(rows - 1)];
}

// The epilogue's pointers for one tile: bias, scale and shift at its first
// channel, residual at its first pixel and channel (any may be null).
struct TileEpilogue {
  const float* bias;
  const float* scale;
  const float* shift;
  const float* res;
  int64_t ldr;
  // Flags as whole words: as two bools GCC stored them a byte each and
  // copied the struct with one 16-bit load of both, which cannot be
  // forwarded from two stores and stalled every tile and panel ~12 cycles
  // (a tenth of a stem tile's time on 3×3 28²×1→28, perf, AVX-512).
  int64_t res_after, accumulate;
};

// The epilogue of the tile whose first output is pixel m0, channel j0.
inline TileEpilogue tile_epilogue(const GemmEpilogue& ep, int64_t m0, int64_t j0, bool accumulate) {
  auto at = [j0](const float* v) { return v != nullptr ? v + j0 : nullptr; };
  return {at(ep.bias),
          at(ep.post_scale),
          at(ep.post_shift),
          ep.residual != nullptr ? ep.residual + m0 * ep.ldr + j0 : nullptr,
          ep.ldr,
          ep.residual_after_activation,
          accumulate};
}

// The epilogue of one output vector whose first `count` lanes are channels
// (count ≤ W; lanes past it compute on zeros and are not stored), stored at c.
template <class T, Activation kAct>
FROST_SIMD_INLINE void store_vector(typename T::V x, float* c, int64_t count, const float* bias,
                                    const float* scale, const float* shift, const float* res,
                                    const TileEpilogue& e, typename T::V alpha) {
  using V = typename T::V;
  if (count == T::W) {
    if (e.accumulate) x += V::load_unaligned(c);
    x = epilogue_vector<T, kAct>(x, bias, res, e.res_after, alpha, scale, shift);
    x.store_unaligned(c);
    return;
  }
  if (e.accumulate) x += load_first<V>(c, count);
  if (bias != nullptr) x += load_first<V>(bias, count);
  if (res != nullptr && !e.res_after) x += load_first<V>(res, count);
  x = activation_op<kAct>(x, alpha);
  if (scale != nullptr) x *= load_first<V>(scale, count);
  if (shift != nullptr) x += load_first<V>(shift, count);
  if (res != nullptr && e.res_after) x += load_first<V>(res, count);
  store_first(x, c, count);
}

// Stores rows × cols of the tile at c (row stride ldc) through the epilogue.
template <class T, Activation kAct>
FROST_SIMD_INLINE void store_tile(typename T::V (&acc)[T::MR][T::NV], float* c, int64_t ldc, int64_t rows,
                                  int64_t cols, const TileEpilogue& e, typename T::V alpha) {
  constexpr int MR = T::MR, NV = T::NV, W = T::W;
  using V = typename T::V;
  if (rows == MR && cols == T::NR && e.res == nullptr && !e.accumulate) {
    // The common whole tile: the per-channel vectors loaded once, not per
    // row, and no tail or residual tests in the loop (the same operations
    // in the same order as epilogue_vector).
    V bias[NV], scale[NV], shift[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      bias[v] = e.bias != nullptr ? V::load_unaligned(e.bias + v * W) : V(0.0f);
      scale[v] = e.scale != nullptr ? V::load_unaligned(e.scale + v * W) : V(1.0f);
      shift[v] = e.shift != nullptr ? V::load_unaligned(e.shift + v * W) : V(0.0f);
    }
#pragma GCC unroll 32
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        V x = acc[r][v];
        if (e.bias != nullptr) x += bias[v];
        x = activation_op<kAct>(x, alpha);
        if (e.scale != nullptr) x *= scale[v];
        if (e.shift != nullptr) x += shift[v];
        x.store_unaligned(c + r * ldc + v * W);
      }
    }
    return;
  }
  auto at = [](const float* p, int64_t j) { return p != nullptr ? p + j : nullptr; };
#pragma GCC unroll 32
  for (int r = 0; r < MR; ++r) {
    if (r >= rows) break;
    float* cr = c + r * ldc;
    const float* rr = e.res != nullptr ? e.res + r * e.ldr : nullptr;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      const int64_t j = v * W;
      if (j < cols)
        store_vector<T, kAct>(acc[r][v], cr + j, dc_min(W, cols - j), at(e.bias, j), at(e.scale, j),
                              at(e.shift, j), at(rr, j), e, alpha);
    }
  }
}

// A thread's share of the work: pixel tiles [t0, t1) × filter panels [q0, q1).
struct WorkSplit {
  int64_t t0, t1, q0, q1;
};

// Reduction blocks: K is split so that one block of a filter panel
// (kc·NR floats) stays in L2 while every pixel tile of the thread reads it;
// the partial sums go through the output (a few loads and stores per tile
// and block, against kc·MR·NV FMAs).
inline int64_t k_block(int64_t k, int nr) {
  const int64_t most = kChunkFloats / nr;
  if (k <= most) return k;
  return dc_div_up(k, dc_div_up(k, most));
}

template <class T, Activation kAct>
void run_share(const Conv2DParams& p, const float* input, const float* packed, float* output,
               const GemmEpilogue& ep, const float* zeros, const float** ptrs, const WorkSplit& w) {
  constexpr int MR = T::MR, NR = T::NR;
  using V = typename T::V;
  const int64_t pixels = p.batch * p.out_h * p.out_w;
  const int64_t k = p.filter_h * p.filter_w * p.in_c;
  const int64_t panel_floats = k * NR;
  const int64_t kc = k_block(k, NR);
  const V alpha(ep.alpha);
  int32_t* skips = segment_skips(ptrs, p, MR);
  for (int64_t k0 = 0; k0 < k; k0 += kc) {
    const int64_t k1 = dc_min(k, k0 + kc);
    const bool first = k0 == 0, last = k1 == k;
    // Filter panels processed together over the same pixel tiles.
    const int64_t chunk = dc_div_up(kChunkFloats, (k1 - k0) * NR);
    for (int64_t qa = w.q0; qa < w.q1; qa += chunk) {
      const int64_t qb = dc_min(w.q1, qa + chunk);
      for (int64_t t = w.t0; t < w.t1; ++t) {
        const int64_t m0 = t * MR, rows = dc_min(MR, pixels - m0);
        const Segments segs = build_table<MR>(p, input, zeros, m0, rows, ptrs, skips);
        for (int64_t q = qa; q < qb; ++q) {
          const int64_t j0 = q * NR, cols = dc_min(NR, p.out_c - j0);
          float* c = output + m0 * p.out_c + j0;
          const float* b = packed + q * panel_floats + k0 * NR;
          const bool accumulate = ep.accumulate || !first;
          // The whole tile's accumulators stay in registers only if their
          // array is never passed out of line: the short tile has its own.
          auto store = [&](V(&acc)[MR][T::NV]) __attribute__((always_inline)) {
            if (last) {
              store_tile<T, kAct>(acc, c, p.out_c, rows, cols, tile_epilogue(ep, m0, j0, accumulate), alpha);
            } else {
              const TileEpilogue e{nullptr, nullptr, nullptr, nullptr, 0, false, accumulate};
              store_tile<T, Activation::kNone>(acc, c, p.out_c, rows, cols, e, alpha);
            }
          };
          if (rows == MR) {
            V acc[MR][T::NV];
            accumulate_tile<T>(segs, ptrs, skips, k0, k1, b, acc);
            store(acc);
          } else {
            V part[MR][T::NV];
            accumulate_part_for<T>(rows)(segs, ptrs, skips, k0, k1, b, part);
            store(part);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace frost::kernels::simd

#include "kernels/simd/conv_direct_stem_impl.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose, see the file comment

template <class T>
size_t direct_scratch_floats(const Conv2DParams& p, int threads, bool stem) {
  if (stem) return static_cast<size_t>(stem_scratch_floats(p, T::MR, threads));
  return static_cast<size_t>(zeros_floats(p) + (threads < 1 ? 1 : threads) * table_floats(T::MR, p) + kScratchAlign);
}

template <class T>
void direct_run(const Conv2DParams& p, const float* input, const float* packed, float* output,
                const GemmEpilogue& ep, int threads, float* scratch) {
  if (p.batch * p.out_h * p.out_w <= 0 || p.out_c <= 0) return;
  float* zeros = dc_align_up(scratch);
  std::memset(zeros, 0, static_cast<size_t>(p.filter_w * p.in_c) * sizeof(float));
  float* tables = zeros + zeros_floats(p) - kScratchAlign;
  // Chunks of pixel tiles × filter panels that the threads take in turn
  // (thread_policy.h), cut by what they read (grid_split.h); a tile's sums
  // do not depend on which thread or chunk computes it, so the output is the
  // same for every thread count.
  const int64_t tiles = dc_div_up(p.batch * p.out_h * p.out_w, T::MR), panels = dc_div_up(p.out_c, T::NR);
  const double input_bytes = sizeof(float) * static_cast<double>(p.batch * p.in_h * p.in_w * p.in_c);
  const double filter_bytes = sizeof(float) * static_cast<double>(p.filter_h * p.filter_w * p.in_c * panels * T::NR);
  const GridChunks grid = traffic_grid_chunks(tiles, panels, input_bytes, filter_bytes, threads);
  with_activation(ep.activation, [&](auto tag) {
    constexpr Activation kAct = decltype(tag)::value;
    parallel_for(threads, grid.row_chunks * grid.col_chunks, [&](int64_t c, int tid) {
      auto** ptrs = reinterpret_cast<const float**>(dc_align_up(tables + tid * table_floats(T::MR, p)));
      const ChunkRange rows = chunk_range(tiles, grid.row_chunks, c / grid.col_chunks);
      const ChunkRange cols = chunk_range(panels, grid.col_chunks, c % grid.col_chunks);
      run_share<T, kAct>(p, input, packed, output, ep, zeros, ptrs, WorkSplit{rows.begin, rows.end, cols.begin, cols.end});
    });
  });
}

template <class T>
void direct_tile_run(const Conv2DParams& p, const float* input, const float* packed, float* output,
                     const GemmEpilogue& ep, const DirectConvRun& r) {
  if constexpr (T::STEM) {
    if (r.stem) {
      stem_dispatch<T>(p, input, packed, output, ep, r.threads, r.scratch, r.paired, StemSteps{});
      return;
    }
  }
  direct_run<T>(p, input, packed, output, ep, r.threads, r.scratch);
}

// The table entry of tile T (the stem name is dropped if T has no stem
// mode, the paired name if it has no paired variant).
template <class T>
DirectConvTile make_direct_tile(const char* name, const char* stem_name, const char* paired_name = nullptr) {
  return {name,
          T::STEM ? stem_name : nullptr,
          T::STEM && stem_paired_tile<T>() ? paired_name : nullptr,
          T::MR,
          T::NR,
          &direct_scratch_floats<T>,
          &direct_tile_run<T>};
}

}  // namespace
}  // namespace frost::kernels::simd
