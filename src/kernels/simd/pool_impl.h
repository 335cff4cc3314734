// 2-D max and average pooling on NHWC, vectorised over channels, as templates
// over the xsimd architecture. Included only by eltwise_f32_<isa>.cc
// (internal linkage, as gemm_impl.h).
//
// For each output pixel the window is clipped to the input once; channels go
// in blocks of 4 vectors (4 independent accumulators hide the add/compare
// latency), then single vectors, then the last C mod W channels as one
// partial vector (masked loads and stores: 8 channels on AVX-512 are one
// half-filled vector, not 8 scalar passes over the window), with the same
// operations in the same order, so every channel gets the same result.
//  - max: `if (v > best) best = v` as the reference, plus a NaN flag: a NaN
//    anywhere in the window gives NaN; an empty window gives lowest().
//  - avg: float sums per window row, added up, divided by the number of real
//    elements (the reference sums in double, so results differ by rounding
//    only; summing by rows keeps the error ~(h + w)·eps, not h·w·eps, for a
//    global average over a large image).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <xsimd/xsimd.hpp>

#include "kernels/pool.h"
#include "kernels/simd/masked_impl.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

struct PoolWindow {
  int64_t y0, y1, x0, x1;  // input rows [y0, y1), columns [x0, x1)
  int64_t count() const { return std::max<int64_t>(y1 - y0, 0) * std::max<int64_t>(x1 - x0, 0); }
};

inline PoolWindow pool_window(const Pool2DParams& p, int64_t oy, int64_t ox) {
  const int64_t sy = oy * p.stride_h - p.pad_top, sx = ox * p.stride_w - p.pad_left;
  return {std::max<int64_t>(sy, 0), std::min<int64_t>(sy + p.window_h, p.in_h), std::max<int64_t>(sx, 0),
          std::min<int64_t>(sx + p.window_w, p.in_w)};
}

// `if (v > best) best = v` as one instruction: x86's max returns its first
// operand when it is greater and the second otherwise (equal, or a NaN).
template <class V>
FROST_SIMD_INLINE V pool_max(V v, V best) {
  return xsimd::max(v, best);
}

// Pools B vectors of channels over the window; in is the image's first pixel
// at the block's first channel, out the output pixel at that channel. With
// kPartial (B = 1) only the first `count` channels are read and written.
template <class V, int B, bool kMax, bool kPartial = false>
inline void pool_block(const Pool2DParams& p, const PoolWindow& w, const float* in, float* out,
                       int64_t count = V::size) {
  static_assert(!kPartial || B == 1);
  constexpr int W = static_cast<int>(V::size);
  using M = typename V::batch_bool_type;
  V acc[B];
  M nan[B];
  for (int b = 0; b < B; ++b) {
    acc[b] = V(kMax ? std::numeric_limits<float>::lowest() : 0.0f);
    nan[b] = M(false);
  }
  for (int64_t iy = w.y0; iy < w.y1; ++iy) {
    const float* row = in + iy * p.in_w * p.channels;
    V row_sum[B];
    for (int b = 0; b < B; ++b) row_sum[b] = V(0.0f);
    for (int64_t ix = w.x0; ix < w.x1; ++ix) {
      const float* px = row + ix * p.channels;
#pragma GCC unroll 4
      for (int b = 0; b < B; ++b) {
        const V v = kPartial ? load_first<V>(px, count) : V::load_unaligned(px + b * W);
        if constexpr (kMax) {
          acc[b] = pool_max(v, acc[b]);
          nan[b] = nan[b] || xsimd::isnan(v);
        } else {
          row_sum[b] += v;
        }
      }
    }
    if constexpr (!kMax)
      for (int b = 0; b < B; ++b) acc[b] += row_sum[b];
  }
  if constexpr (kMax) {
    const V qnan(std::numeric_limits<float>::quiet_NaN());
    for (int b = 0; b < B; ++b) {
      const V r = xsimd::select(nan[b], qnan, acc[b]);
      if constexpr (kPartial) store_first(r, out, count);
      else r.store_unaligned(out + b * W);
    }
  } else {
    const int64_t n = w.count();
    const V div(static_cast<float>(n));
    for (int b = 0; b < B; ++b) {
      const V r = n > 0 ? acc[b] / div : V(0.0f);
      if constexpr (kPartial) store_first(r, out, count);
      else r.store_unaligned(out + b * W);
    }
  }
}

// P output pixels of one row whose windows lie inside the input
// horizontally (all window_w columns), rows [y0, y1), each pixel's C ≤ W
// channels in one vector (the first `count` lanes): the pixels' chains are
// independent, so a layer of few channels (a 2×2 max pool of 8 channels has
// 4 loads per pixel) does not wait on one pixel's compare chain at a time.
// in is the image's first pixel; x0 the first pixel's first input column.
// Each pixel gets the same operations in the same order as in pool_block.
template <class V, int P, bool kMax>
FROST_SIMD_INLINE void pool_pixels(const Pool2DParams& p, int64_t y0, int64_t y1, int64_t x0, const float* in,
                                   float* out, int64_t count) {
  using M = typename V::batch_bool_type;
  const int64_t C = p.channels, step = p.stride_w * C;
  V acc[P];
  M nan[P];
  for (int q = 0; q < P; ++q) {
    acc[q] = V(kMax ? std::numeric_limits<float>::lowest() : 0.0f);
    nan[q] = M(false);
  }
  for (int64_t iy = y0; iy < y1; ++iy) {
    const float* row = in + (iy * p.in_w + x0) * C;
    V row_sum[P];
    for (int q = 0; q < P; ++q) row_sum[q] = V(0.0f);
    for (int64_t kx = 0; kx < p.window_w; ++kx) {
#pragma GCC unroll 8
      for (int q = 0; q < P; ++q) {
        const V v = load_first<V>(row + q * step + kx * C, count);
        if constexpr (kMax) {
          acc[q] = pool_max(v, acc[q]);
          nan[q] = nan[q] || xsimd::isnan(v);
        } else {
          row_sum[q] += v;
        }
      }
    }
    if constexpr (!kMax)
      for (int q = 0; q < P; ++q) acc[q] += row_sum[q];
  }
  const V div(static_cast<float>((y1 - y0) * p.window_w));
  for (int q = 0; q < P; ++q) {
    V r;
    if constexpr (kMax) r = xsimd::select(nan[q], V(std::numeric_limits<float>::quiet_NaN()), acc[q]);
    else r = y1 > y0 ? acc[q] / div : V(0.0f);
    store_first(r, out + q * C, count);
  }
}

template <class Arch, bool kMax>
void pool2d_rows(const Pool2DParams& p, const float* input, float* output, int64_t row_begin, int64_t row_end) {
  using V = xsimd::batch<float, Arch>;
  constexpr int W = static_cast<int>(V::size);
  const int64_t C = p.channels;
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t n = row / p.out_h, oy = row % p.out_h;
    const float* image = input + n * p.in_h * p.in_w * C;
    float* out_row = output + row * p.out_w * C;
    auto one_pixel = [&](int64_t ox) {
      const PoolWindow w = pool_window(p, oy, ox);
      float* out = out_row + ox * C;
      int64_t c = 0;
      for (; c + 4 * W <= C; c += 4 * W) pool_block<V, 4, kMax>(p, w, image + c, out + c);
      for (; c + W <= C; c += W) pool_block<V, 1, kMax>(p, w, image + c, out + c);
      if (c < C) pool_block<V, 1, kMax, true>(p, w, image + c, out + c, C - c);
    };
    int64_t ox = 0;
    if (C <= W) {
      // Pixels whose windows lie inside the row go 4 at a time; those at
      // the edges, and the last few, one at a time.
      constexpr int P = 4;
      const int64_t ox_lo = std::min<int64_t>((p.pad_left + p.stride_w - 1) / p.stride_w, p.out_w);
      for (; ox < ox_lo; ++ox) one_pixel(ox);
      const PoolWindow rows = pool_window(p, oy, 0);
      for (; ox + P <= p.out_w && (ox + P - 1) * p.stride_w - p.pad_left + p.window_w <= p.in_w; ox += P)
        pool_pixels<V, P, kMax>(p, rows.y0, rows.y1, ox * p.stride_w - p.pad_left, image, out_row + ox * C, C);
    }
    for (; ox < p.out_w; ++ox) one_pixel(ox);
  }
}

}  // namespace
}  // namespace frost::kernels::simd
