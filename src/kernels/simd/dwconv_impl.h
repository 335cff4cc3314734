// Depthwise 2-D convolution on NHWC, vectorised over channels, as templates
// over the xsimd architecture. Included only by the per-ISA translation units
// dwconv_f32_<isa>.cc (internal linkage, as gemm_impl.h).
//
// Layouts: input [N, in_h, in_w, C], filter [fh, fw, C, m], output
// [N, out_h, out_w, C·m] (TensorFlow's DepthwiseConv2dNative).
//
// Fast path (multiplier 1, no dilation, 3×3 or 5×5, stride 1 or 2): for one
// vector of channels the fh·fw filter vectors stay in registers and OXB
// adjacent output pixels are accumulated at once, so each input vector is
// loaded once per output block instead of once per tap; blocks whose
// windows leave the input on the left or right skip the missing taps. An
// input that fits in L2 runs whole rows channel vector by channel vector
// (dw_rows_fast), larger ones chunks of a row at a time (dw_row_fast). Other
// filter sizes, dilation and multipliers > 1 take the per-pixel path. The
// last C mod W channels: with C ≥ W one more full vector ending at channel C
// (it recomputes a few channels with the same values), with C < W one partial
// vector (masked loads and stores), so a layer of 8 channels on AVX-512 runs
// the vector code, not a scalar loop. Rows above/below the input read a
// shared zero row.
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "kernels/activation.h"
#include "kernels/conv.h"
#include "kernels/gemm.h"
#include "kernels/simd/dwconv_kernel_table.h"
#include "kernels/simd/epilogue_impl.h"
#include "kernels/simd/masked_impl.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

template <class ArchT, int kOXB>
struct DwTraits {
  using Arch = ArchT;
  using V = xsimd::batch<float, Arch>;
  static constexpr int W = static_cast<int>(V::size);
  static constexpr int OXB = kOXB;  // output pixels per register block
};

// Per-pixel path: any filter size, stride, dilation and multiplier, with
// bounds checks on every tap. out points at output pixel (n, oy, ox).
template <class T>
void dw_pixel(const Conv2DParams& p, const float* input, const float* filter, float* out, int64_t n, int64_t oy,
              int64_t ox) {
  using V = typename T::V;
  constexpr int W = T::W;
  const int64_t m = p.depth_multiplier, out_c = p.out_c;
  const float* in_n = input + n * p.in_h * p.in_w * p.in_c;
  int64_t c = 0;
  if (m == 1) {
    for (; c + W <= out_c; c += W) {
      V acc(0.0f);
      for (int64_t ky = 0; ky < p.filter_h; ++ky) {
        const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
        if (iy < 0 || iy >= p.in_h) continue;
        for (int64_t kx = 0; kx < p.filter_w; ++kx) {
          const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
          if (ix < 0 || ix >= p.in_w) continue;
          acc = xsimd::fma(V::load_unaligned(in_n + (iy * p.in_w + ix) * p.in_c + c),
                           V::load_unaligned(filter + (ky * p.filter_w + kx) * out_c + c), acc);
        }
      }
      acc.store_unaligned(out + c);
    }
  }
  for (; c < out_c; ++c) {
    const int64_t ic = c / m;
    float acc = 0.0f;
    for (int64_t ky = 0; ky < p.filter_h; ++ky) {
      const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
      if (iy < 0 || iy >= p.in_h) continue;
      for (int64_t kx = 0; kx < p.filter_w; ++kx) {
        const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
        if (ix < 0 || ix >= p.in_w) continue;
        acc += in_n[(iy * p.in_w + ix) * p.in_c + ic] * filter[(ky * p.filter_w + kx) * out_c + c];
      }
    }
    out[c] = acc;
  }
}

// Loads and stores of one channel vector: all W lanes, or (kPartial) the
// first `count` only.
template <class V, bool kPartial>
FROST_SIMD_INLINE V dw_load(const float* p, int64_t count) {
  if constexpr (kPartial) return load_first<V>(p, count);
  else return V::load_unaligned(p);
}
template <class V, bool kPartial>
FROST_SIMD_INLINE void dw_store(V x, float* p, int64_t count) {
  if constexpr (kPartial) store_first(x, p, count);
  else x.store_unaligned(p);
}

// The fused epilogue of one channel vector, applied to the accumulators in
// registers before the one store (the same operations in the same order as
// epilogue_vector): the per-channel operands loaded once per channel vector,
// the residual per pixel. Run-time flags, as the branches are predictable and
// cheap beside a pixel's FH·FW FMAs; the activation is a template argument.
template <class V>
struct DwEpilogue {
  V bias, scale, shift, alpha;
  const float* res = nullptr;  // residual at (first pixel of the row, this channel vector), or null
  int64_t ldr = 0;             // residual floats per pixel
  bool has_bias = false, has_scale = false, has_shift = false, res_after = false;
};

// The epilogue a row kernel is built for: the activation, and whether there
// is any epilogue at all (without one, dw_finish is nothing, and the layer
// runs the plain loop of before: a transcendental activation is applied by a
// separate pass, see dw_run).
template <Activation kAct, bool kAny>
struct DwEpi {
  static constexpr Activation act = kAct;
  static constexpr bool any = kAny;
};

template <class V, class Epi, bool kPartial>
FROST_SIMD_INLINE V dw_finish(V x, const DwEpilogue<V> e, int64_t ox, int64_t count) {
  if constexpr (!Epi::any) return x;
  constexpr Activation kAct = Epi::act;
  V r(0.0f);
  if (e.res != nullptr) r = dw_load<V, kPartial>(e.res + ox * e.ldr, count);
  if (e.has_bias) x += e.bias;
  if (e.res != nullptr && !e.res_after) x += r;
  x = activation_op<kAct>(x, e.alpha);
  if (e.has_scale) x *= e.scale;
  if (e.has_shift) x += e.shift;
  if (e.res != nullptr && e.res_after) x += r;
  return x;
}

// OB output pixels starting at input column ix0, one vector of channels
// (kPartial: its first `count` lanes). rows[ky] points at input row
// oy·S − pad_top + ky (or the zero row), offset to this channel vector.
// kMasked: the block reaches past the row's left or right end, and only its
// columns ix0 + col with col in [col_lo, col_hi) exist (the others, the
// padding, are skipped; no pointer to them is formed); otherwise all do.
// Each pixel's taps are summed in (ky, kx) order whatever its block, so a
// pixel's value does not depend on how the row is cut into blocks.
template <class T, int FH, int FW, int S, int OB, class Epi, bool kPartial, bool kMasked>
FROST_SIMD_INLINE void dw_block(const float* const* rows, int64_t ix0, int64_t col_lo, int64_t col_hi, int64_t in_c,
                                const typename T::V (&f)[FH][FW], const DwEpilogue<typename T::V> e, int64_t ox,
                                float* out, int64_t out_c, int64_t count) {
  using V = typename T::V;
  constexpr int kCols = (OB - 1) * S + FW;  // input columns the block reads
  V acc[OB];
#pragma GCC unroll 16
  for (int o = 0; o < OB; ++o) acc[o] = V(0.0f);
#pragma GCC unroll 8
  for (int ky = 0; ky < FH; ++ky) {
#pragma GCC unroll 32
    for (int col = 0; col < kCols; ++col) {
      if (kMasked && (col < col_lo || col >= col_hi)) continue;
      const V x = dw_load<V, kPartial>(rows[ky] + (ix0 + col) * in_c, count);
#pragma GCC unroll 16
      for (int o = 0; o < OB; ++o) {
        const int kx = col - o * S;
        if (kx >= 0 && kx < FW) acc[o] = xsimd::fma(x, f[ky][kx], acc[o]);
      }
    }
  }
#pragma GCC unroll 16
  for (int o = 0; o < OB; ++o)
    dw_store<V, kPartial>(dw_finish<V, Epi, kPartial>(acc[o], e, ox + o, count), out + o * out_c, count);
}

// Output columns per chunk: the chunk's input (FH rows × its columns × all
// channels) should stay in L1 (about half of a 32 KiB L1D) while every
// channel vector passes over it. A multiple of the register block.
constexpr int64_t kDwChunkBytes = 16 * 1024;

inline int64_t dw_chunk_columns(int64_t fh, int64_t fw, int64_t s, int64_t channels, int64_t oxb) {
  const int64_t per_col = fh * channels * static_cast<int64_t>(sizeof(float));
  int64_t chunk = (kDwChunkBytes / per_col - fw) / s;
  chunk = chunk / oxb * oxb;
  return chunk < oxb ? oxb : chunk;
}

template <class T, int FH, int FW, int S>
int64_t dw_chunk(int64_t channels) {
  return dw_chunk_columns(FH, FW, S, channels, T::OXB);
}

// Output columns whose whole window is inside the row: [lo, hi).
struct DwInterior {
  int64_t lo, hi;
};
template <int FW, int S>
DwInterior dw_interior(const Conv2DParams& p) {
  int64_t lo = (p.pad_left + S - 1) / S;
  int64_t hi = p.in_w - FW + p.pad_left >= 0 ? (p.in_w - FW + p.pad_left) / S + 1 : 0;
  if (lo > p.out_w) lo = p.out_w;
  if (hi > p.out_w) hi = p.out_w;
  if (hi < lo) hi = lo;
  return {lo, hi};
}

// Input row pointers of output row (n, oy): rows[ky] at input row
// oy·S − pad_top + ky, or the zero row.
template <int FH, int S>
FROST_SIMD_INLINE void dw_input_rows(const Conv2DParams& p, const float* input, const float* zero_row, int64_t n,
                                     int64_t oy, const float* (&rows)[FH]) {
  for (int ky = 0; ky < FH; ++ky) {
    const int64_t iy = oy * S - p.pad_top + ky;
    rows[ky] = (iy >= 0 && iy < p.in_h) ? input + ((n * p.in_h + iy) * p.in_w) * p.in_c : zero_row;
  }
}

// The FH·FW filter vectors of channel vector [c, c + W) (kPartial: its
// first `count` lanes), and its epilogue's per-channel operands; e.res is
// left for the caller (it depends on the row).
template <class T, int FH, int FW, class Epi, bool kPartial>
FROST_SIMD_INLINE void dw_channel_setup(const float* filter, int64_t C, int64_t c, int64_t count,
                                        const GemmEpilogue& ep, typename T::V (&f)[FH][FW],
                                        DwEpilogue<typename T::V>& e) {
  using V = typename T::V;
#pragma GCC unroll 8
  for (int ky = 0; ky < FH; ++ky)
#pragma GCC unroll 8
    for (int kx = 0; kx < FW; ++kx) f[ky][kx] = dw_load<V, kPartial>(filter + (ky * FW + kx) * C + c, count);
  if constexpr (Epi::any) {
    e.alpha = V(ep.alpha);
    e.has_bias = ep.bias != nullptr;
    e.has_scale = ep.post_scale != nullptr;
    e.has_shift = ep.post_shift != nullptr;
    e.bias = e.has_bias ? dw_load<V, kPartial>(ep.bias + c, count) : V(0.0f);
    e.scale = e.has_scale ? dw_load<V, kPartial>(ep.post_scale + c, count) : V(1.0f);
    e.shift = e.has_shift ? dw_load<V, kPartial>(ep.post_shift + c, count) : V(0.0f);
    e.ldr = ep.ldr;
    e.res_after = ep.residual_after_activation;
  }
}

// The last `rest` (1 .. 7) output columns of a row piece from ox, as one
// block of exactly that many pixels. Always the masked kernel (col_lo ≤ 0 and
// col_hi ≥ its columns when the block is inside the row, so nothing is
// skipped there): one instantiation per size instead of two.
template <class T, int FH, int FW, int S, class Epi, bool kPartial>
FROST_SIMD_INLINE void dw_tail_block(const Conv2DParams& p, const float* const* rc, const typename T::V (&f)[FH][FW],
                                     const DwEpilogue<typename T::V>& e, int64_t ox, int64_t rest, float* out,
                                     int64_t count) {
  const int64_t C = p.in_c, ix0 = ox * S - p.pad_left;
  auto block = [&]<int OB>() __attribute__((always_inline)) {
    dw_block<T, FH, FW, S, OB, Epi, kPartial, true>(rc, ix0, -ix0, p.in_w - ix0, C, f, e, ox, out + ox * C, C, count);
  };
  switch (rest) {
    case 1: block.template operator()<1>(); break;
    case 2: block.template operator()<2>(); break;
    case 3: block.template operator()<3>(); break;
    case 4: block.template operator()<4>(); break;
    case 5: block.template operator()<5>(); break;
    case 6: block.template operator()<6>(); break;
    default: block.template operator()<7>(); break;
  }
}

// Output columns [x0, x1) of one row for one channel vector: rc[ky] is the
// input row ky offset to the channel vector, out the output row offset to
// it. Blocks of OXB pixels, the last columns in blocks of 2 and 1 (OXB 4 and
// 2: AVX2, SSE2): a lone pixel is one chain of FH·FW dependent FMAs, so the
// pixels whose window leaves the row are blocks too (masked, dw_block), not
// one at a time (a 6-pixel row of MobileNetV2 on AVX2 was an edge pixel, a
// block of 4 and an edge pixel; it is now a block of 4 and one of 2). With
// 8-pixel blocks (AVX-512) the last x1 − ox < 8 columns are one block of
// exactly that many (dw_tail_block): a 7-pixel row was blocks of 4, 2 and 1,
// 39 input loads and a lone 9-FMA chain for 63 FMAs; as one block it is 27
// loads and 7 chains.
template <class T, int FH, int FW, int S, class Epi, bool kPartial>
FROST_SIMD_INLINE void dw_columns(const Conv2DParams& p, const float* const* rc, const typename T::V (&f)[FH][FW],
                                  const DwEpilogue<typename T::V>& e, DwInterior in, int64_t x0, int64_t x1,
                                  float* out, int64_t count) {
  constexpr int OXB = T::OXB;
  const int64_t C = p.in_c;
  auto block = [&]<int OB>(int64_t ox) __attribute__((always_inline)) {
    const int64_t ix0 = ox * S - p.pad_left;
    if (ox >= in.lo && ox + OB <= in.hi) {
      dw_block<T, FH, FW, S, OB, Epi, kPartial, false>(rc, ix0, 0, 0, C, f, e, ox, out + ox * C, C, count);
    } else {
      dw_block<T, FH, FW, S, OB, Epi, kPartial, true>(rc, ix0, -ix0, p.in_w - ix0, C, f, e, ox, out + ox * C, C,
                                                      count);
    }
  };
  int64_t ox = x0;
  for (; ox + OXB <= x1; ox += OXB) block.template operator()<OXB>(ox);
  if constexpr (OXB == 8) {
    if (ox < x1) dw_tail_block<T, FH, FW, S, Epi, kPartial>(p, rc, f, e, ox, x1 - ox, out, count);
    return;
  }
  if constexpr (OXB > 2) {
    if (ox + 2 <= x1) {
      block.template operator()<2>(ox);
      ox += 2;
    }
  }
  if (ox < x1) block.template operator()<1>(ox);
}

// The channel vectors of C channels, as (c, count, partial): with C < W one
// partial vector, otherwise full vectors and, for C mod W, one more full
// vector ending at channel C (it recomputes a few channels, same values).
template <class T, class Fn>
FROST_SIMD_INLINE void dw_for_channel_vectors(int64_t C, Fn&& fn) {
  constexpr int W = T::W;
  if (C < W) {
    fn.template operator()<true>(0, C);
    return;
  }
  int64_t c = 0;
  for (; c + W <= C; c += W) fn.template operator()<false>(c, W);
  if (c < C) fn.template operator()<false>(C - W, W);
}

// Output columns [col0, col1) of one output row (n, oy) of the fast path,
// with the epilogue applied in registers: in chunks of columns whose input
// stays in L1, each chunk channel vector by channel vector.
template <class T, int FH, int FW, int S, class Epi>
void dw_row_fast(const Conv2DParams& p, const float* input, const float* filter, float* out_row, int64_t n,
                 int64_t oy, const float* zero_row, int64_t col0, int64_t col1, const GemmEpilogue& ep) {
  using V = typename T::V;
  const int64_t C = p.in_c;
  const float* rows[FH];
  dw_input_rows<FH, S>(p, input, zero_row, n, oy, rows);
  const DwInterior in = dw_interior<FW, S>(p);
  const int64_t chunk = dw_chunk<T, FH, FW, S>(C);
  const float* res_row =
      ep.residual != nullptr ? ep.residual + (n * p.out_h + oy) * p.out_w * ep.ldr : nullptr;
  for (int64_t x0 = col0; x0 < col1; x0 += chunk) {
    const int64_t x1 = x0 + chunk < col1 ? x0 + chunk : col1;
    // Inlined (as the loop was before it became a lambda): a call through
    // the closure kept the loop's pointers in memory and cost EfficientNet's
    // depthwise layers ~20%.
    dw_for_channel_vectors<T>(C, [&]<bool kPartial>(int64_t c, int64_t count) __attribute__((always_inline)) {
      V f[FH][FW];
      DwEpilogue<V> e;
      dw_channel_setup<T, FH, FW, Epi, kPartial>(filter, C, c, count, ep, f, e);
      if constexpr (Epi::any) e.res = res_row != nullptr ? res_row + c : nullptr;
      const float* rc[FH];
      for (int ky = 0; ky < FH; ++ky) rc[ky] = rows[ky] + c;
      dw_columns<T, FH, FW, S, Epi, kPartial>(p, rc, f, e, in, x0, x1, out_row + c, count);
    });
  }
}

// The input bytes of one band of whole rows that dw_run gives dw_rows_fast
// (all the rows where the input is no larger): it passes over the band's
// input once per channel vector, reading only that vector's cache lines, so
// with the band in L2 (1 MiB on Zen 4) the pass costs no more than
// dw_row_fast's chunks; beyond that, the lines that the adjacent-line
// prefetch brings for the next vector would be gone by the time it is used.
constexpr int64_t kDwRowsBytes = 512 * 1024;

// A larger input runs in bands where dw_row_fast's chunks would be shorter
// than this many columns (many channels: the setup of each chunk and
// channel vector, FH·FW filter vectors and the epilogue's operands, is then
// a large part of its FMAs), in chunks otherwise (few channels: the chunk's
// input stays in L1 for all its channel vectors, which bands do not give).
// bench_conv, bias + ReLU6 fused, 1 thread, chrt, load ~8, min of 3–5:
// AVX-512 56²×144 (chunks of 8) 172 → 113 µs, 112²×96 stride 2 (8) 144 →
// 122, 28²×192 (8) 58 → 48; AVX2 56²×144 311 → 255; but 112²×32 (chunks of
// 32) 121 → 133 on AVX-512, 170 → 199 on AVX2.
constexpr int64_t kDwBandBelowColumns = 32;

// Output rows per band: their input rows (S new ones per output row, FH − S
// shared with the band before) within kDwRowsBytes, at least one.
inline int64_t dw_band_rows(const Conv2DParams& p) {
  const int64_t row_bytes = p.in_w * p.in_c * static_cast<int64_t>(sizeof(float));
  const int64_t fit = (kDwRowsBytes / (row_bytes > 0 ? row_bytes : 1) - (p.filter_h - p.stride_h)) / p.stride_h;
  return fit > 1 ? fit : 1;
}

// Whole output rows [r0, r1) (r = n·out_h + oy) of the fast path, channel
// vector by channel vector: the filter and epilogue operands are loaded once
// per channel vector for all the rows instead of once per row. For small
// images (MobileNetV2's 6×6 and 3×3 layers: a row is one block of 3-6
// pixels) that setup was as long as the row's FMAs. The same pixels in the
// same blocks as dw_row_fast, so the same bits. Each channel vector's input
// is its own cache lines, so going over the rows once per vector reads the
// input once.
template <class T, int FH, int FW, int S, class Epi>
void dw_rows_fast(const Conv2DParams& p, const float* input, const float* filter, float* output, int64_t r0,
                  int64_t r1, const float* zero_row, const GemmEpilogue& ep) {
  using V = typename T::V;
  const int64_t C = p.in_c;
  const DwInterior in = dw_interior<FW, S>(p);
  dw_for_channel_vectors<T>(C, [&]<bool kPartial>(int64_t c, int64_t count) __attribute__((always_inline)) {
    V f[FH][FW];
    DwEpilogue<V> e;
    dw_channel_setup<T, FH, FW, Epi, kPartial>(filter, C, c, count, ep, f, e);
    // (n, oy) of row r stepped along, not divided out per row and vector.
    int64_t n = r0 / p.out_h, oy = r0 % p.out_h;
    for (int64_t r = r0; r < r1; ++r, ++oy) {
      if (oy == p.out_h) {
        oy = 0;
        ++n;
      }
      const float* rc[FH];
      dw_input_rows<FH, S>(p, input, zero_row, n, oy, rc);
      for (int ky = 0; ky < FH; ++ky) rc[ky] += c;
      if constexpr (Epi::any) e.res = ep.residual != nullptr ? ep.residual + r * p.out_w * ep.ldr + c : nullptr;
      dw_columns<T, FH, FW, S, Epi, kPartial>(p, rc, f, e, in, 0, p.out_w, output + r * p.out_w * C + c, count);
    }
  });
}

// Any geometry, pixel by pixel; the epilogue is a separate pass (dw_run).
template <class T>
void dw_row_generic(const Conv2DParams& p, const float* input, const float* filter, float* out_row, int64_t n,
                    int64_t oy, const float*, int64_t col0, int64_t col1, const GemmEpilogue&) {
  for (int64_t ox = col0; ox < col1; ++ox) dw_pixel<T>(p, input, filter, out_row + ox * p.out_c, n, oy, ox);
}

template <class T>
using DwRowFn = void (*)(const Conv2DParams&, const float*, const float*, float*, int64_t, int64_t, const float*,
                         int64_t, int64_t, const GemmEpilogue&);
template <class T>
using DwRowsFn = void (*)(const Conv2DParams&, const float*, const float*, float*, int64_t, int64_t, const float*,
                          const GemmEpilogue&);

// A layer's fast kernels: by piece of a row, and by whole rows.
template <class T>
struct DwFast {
  DwRowFn<T> row = nullptr;
  DwRowsFn<T> rows = nullptr;
};

// The fast kernels for the layer with epilogue `ep` fused (nullptr: none
// at all), or nulls (no fast path, or a transcendental activation).
template <class T>
DwFast<T> choose_fast_kernels(const Conv2DParams& p, const GemmEpilogue* ep) {
  const bool plain = p.depth_multiplier == 1 && p.dilation_h == 1 && p.dilation_w == 1 && p.stride_h == p.stride_w &&
                     p.filter_h == p.filter_w && p.in_c == p.out_c;
  if (!plain) return {};
  const int64_t f = p.filter_h, s = p.stride_h;
  auto pick = [&]<class Epi>() -> DwFast<T> {
    if (f == 3 && s == 1) return {&dw_row_fast<T, 3, 3, 1, Epi>, &dw_rows_fast<T, 3, 3, 1, Epi>};
    if (f == 3 && s == 2) return {&dw_row_fast<T, 3, 3, 2, Epi>, &dw_rows_fast<T, 3, 3, 2, Epi>};
    if (f == 5 && s == 1) return {&dw_row_fast<T, 5, 5, 1, Epi>, &dw_rows_fast<T, 5, 5, 1, Epi>};
    if (f == 5 && s == 2) return {&dw_row_fast<T, 5, 5, 2, Epi>, &dw_rows_fast<T, 5, 5, 2, Epi>};
    return {};
  };
  if (ep == nullptr) return pick.template operator()<DwEpi<Activation::kNone, false>>();
  return with_activation(ep->activation, [&](auto tag) -> DwFast<T> {
    constexpr Activation kAct = decltype(tag)::value;
    if constexpr (is_transcendental(kAct)) return {};  // dw_run does not fuse these
    else return pick.template operator()<DwEpi<kAct, true>>();
  });
}

template <class T>
size_t dw_scratch_floats(const Conv2DParams& p) {
  return static_cast<size_t>(p.in_w * p.in_c + 1);  // the zero row
}

// The threads share the output as pieces of rows: whole rows when there are
// enough of them, otherwise each row cut into `parts` column ranges (a 7×7
// output on 2 threads: 14 half-rows, not 4 rows against 3). Up to twice the
// wanted chunk count, a chunk is one piece, so that equal threads end
// together. Each pixel is computed the same way whatever the cut.
struct DwPieces {
  int64_t parts, items, chunks;
};
inline DwPieces dw_pieces(int64_t rows, int64_t out_w, int threads) {
  const int64_t want = chunk_count(rows * out_w, threads);
  DwPieces d;
  d.parts = rows >= want ? 1 : (want + rows - 1) / rows;
  if (d.parts > out_w) d.parts = out_w;
  d.items = rows * d.parts;
  d.chunks = threads <= 1 ? 1 : d.items <= 2 * want ? d.items : want;
  return d;
}

template <class T>
void dw_run(const Conv2DParams& p, const float* input, const float* filter, float* output, const GemmEpilogue& ep,
            int threads, float* scratch) {
  const int64_t rows = p.batch * p.out_h;
  if (rows <= 0 || p.out_w <= 0 || p.out_c <= 0) return;
  for (int64_t i = 0; i < p.in_w * p.in_c; ++i) scratch[i] = 0.0f;
  // A transcendental activation (sigmoid, tanh, swish...) keeps its separate
  // pass: its constants beside the FH·FW filter vectors and OXB accumulators
  // would not fit the registers (EfficientNet's swish depthwise layers took
  // 8 -> 10 µs and 5 -> 9 µs fused).
  const bool fuse = !is_transcendental(ep.activation) && epilogue_active(ep);
  const DwFast<T> fast = choose_fast_kernels<T>(p, fuse ? &ep : nullptr);
  const DwRowFn<T> row_fn = fast.row != nullptr ? fast.row : &dw_row_generic<T>;
  const bool post_epilogue = fast.row == nullptr || !fuse;
  const GemmEpilogue none{};
  const GemmEpilogue& row_ep = post_epilogue ? none : ep;
  const DwPieces pieces = dw_pieces(rows, p.out_w, threads);
  // Whole rows in bands whose input stays in L2 (dw_band_rows): the rows
  // kernel, which loads each channel vector's filter and epilogue operands
  // once per band. Per row in chunks that stay in L1 (dw_row_fast), a layer
  // of many channels reloaded them for every few pixels (MobileNetV2's
  // 56²×144: chunks of 8 pixels); few channels keep the chunks
  // (kDwBandBelowColumns).
  const int64_t in_bytes = p.batch * p.in_h * p.in_w * p.in_c * static_cast<int64_t>(sizeof(float));
  const bool whole_rows = fast.rows != nullptr && pieces.parts == 1 &&
                          (in_bytes <= kDwRowsBytes ||
                           dw_chunk_columns(p.filter_h, p.filter_w, p.stride_w, p.in_c, T::OXB) < kDwBandBelowColumns);
  const int64_t band = dw_band_rows(p);
  parallel_for(threads, pieces.chunks, [&](int64_t chunk, int) {
    const ChunkRange range = chunk_range(pieces.items, pieces.chunks, chunk);
    if (whole_rows) {
      // A separate epilogue follows each group of rows while its output is
      // in L1 (about kDwChunkBytes of it).
      const int64_t row_bytes = p.out_w * p.out_c * static_cast<int64_t>(sizeof(float));
      const int64_t group = post_epilogue ? std::max<int64_t>(1, kDwChunkBytes / row_bytes) : band;
      for (int64_t r0 = range.begin; r0 < range.end; r0 += group) {
        const int64_t r1 = std::min(range.end, r0 + group);
        fast.rows(p, input, filter, output, r0, r1, scratch, row_ep);
        if (post_epilogue) apply_epilogue<T>(output, p.out_c, r0 * p.out_w, 0, (r1 - r0) * p.out_w, p.out_c, ep);
      }
      return;
    }
    for (int64_t i = range.begin; i < range.end; ++i) {
      const int64_t r = i / pieces.parts, part = i % pieces.parts;
      const ChunkRange cols = chunk_range(p.out_w, pieces.parts, part);
      const int64_t n = r / p.out_h, oy = r % p.out_h;
      row_fn(p, input, filter, output + r * p.out_w * p.out_c, n, oy, scratch, cols.begin, cols.end, row_ep);
      // The separate epilogue while the piece is in cache: C here is
      // (pixels × channels).
      if (post_epilogue)
        apply_epilogue<T>(output, p.out_c, r * p.out_w + cols.begin, 0, cols.end - cols.begin, p.out_c, ep);
    }
  });
}

template <class T>
const DwConvKernelTable& make_dw_table(const char* name) {
  static const DwConvKernelTable table{name, &dw_scratch_floats<T>, &dw_run<T>};
  return table;
}

}  // namespace
}  // namespace frost::kernels::simd
