// The transforms of Winograd F(4×4, 3×3) (kernels/conv_winograd.h) as
// templates over the xsimd architecture, vectorised over channels: one
// vector holds the same point of `lanes` consecutive channels, so every
// transform is plain vector adds and FMAs with no shuffles. Included only by
// the per-ISA translation units conv_winograd_f32_<isa>.cc (internal linkage,
// as gemm_impl.h).
//
// The matrices, for the interpolation points 0, 1, −1, 1/2, −2 and ∞ (the
// set Barabasz et al., "Error analysis and improving the accuracy of
// Winograd convolution for deep neural networks", ACM TOMS 2020, found most
// accurate for F(4, 3); measured here: half the error of Lavin & Gray's
// 0, ±1, ±2, the GEMM's rounding being what the transforms magnify):
//   Bᵀ = [1 −3/2  −2  3/2   1   0]      Aᵀ = [1  1  1   1    1  0]
//        [0  −1  1/2  5/2   1   0]           [0  1 −1  1/2  −2  0]
//        [0   1 −5/2  1/2   1   0]           [0  1  1  1/4   4  0]
//        [0  −2   −1    2   1   0]           [0  1 −1  1/8  −8  1]
//        [0  1/2  −1 −1/2   1   0]
//        [0   1 −3/2   −2 3/2   1]
// (G, for the filter, is in conv_winograd_f32.cc.) Each 2-D transform is the
// 1-D one applied to the columns, then to the rows of the result. All
// coefficients are exact in float.
#pragma once

#include <algorithm>
#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "kernels/gemm.h"
#include "kernels/simd/epilogue_impl.h"
#include "kernels/simd/masked_impl.h"
#include "kernels/simd/winograd_kernel_table.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

// r = Bᵀ d for one column (or row) of 6 points (16 operations).
template <class V>
FROST_SIMD_INLINE void bt_transform(const V (&d)[6], V (&r)[6]) {
  const V half(0.5f), three_halves(1.5f), two(2.0f), five_halves(2.5f);
  const V e = d[3] - d[1], c = d[4] - d[2];
  r[0] = xsimd::fma(three_halves, e, xsimd::fnma(two, d[2], d[0] + d[4]));
  r[1] = xsimd::fma(five_halves, d[3], xsimd::fma(half, d[2], d[4] - d[1]));
  r[2] = xsimd::fma(half, d[3], xsimd::fnma(five_halves, d[2], d[4] + d[1]));
  r[3] = xsimd::fma(two, e, c);
  r[4] = xsimd::fnma(half, e, c);
  r[5] = xsimd::fma(three_halves, c, xsimd::fnma(two, d[3], d[5] + d[1]));
}

// r = Aᵀ m for one column (or row) of 6 points.
template <class V>
FROST_SIMD_INLINE void at_transform(const V (&m)[6], V (&r)[4]) {
  const V s12 = m[1] + m[2], d12 = m[1] - m[2];
  r[0] = m[0] + s12 + m[3] + m[4];
  r[1] = xsimd::fma(V(0.5f), m[3], xsimd::fnma(V(2.0f), m[4], d12));
  r[2] = xsimd::fma(V(0.25f), m[3], xsimd::fma(V(4.0f), m[4], s12));
  r[3] = xsimd::fma(V(0.125f), m[3], xsimd::fnma(V(8.0f), m[4], d12)) + m[5];
}

// Point ξ = 6i + j of Bᵀ d B, for the 6×6 patch d of one channel vector, to
// dst + ξ·xi_stride. Point (i, j) of d is load(i, j).
template <class V, class Load>
FROST_SIMD_INLINE void input_tile(Load load, float* dst, int64_t xi_stride) {
  V t[6][6];  // t = Bᵀ d, t[i][j]
#pragma GCC unroll 6
  for (int j = 0; j < 6; ++j) {
    V d[6], r[6];
#pragma GCC unroll 6
    for (int i = 0; i < 6; ++i) d[i] = load(i, j);
    bt_transform(d, r);
#pragma GCC unroll 6
    for (int i = 0; i < 6; ++i) t[i][j] = r[i];
  }
#pragma GCC unroll 6
  for (int i = 0; i < 6; ++i) {
    V r[6];
    bt_transform(t[i], r);
#pragma GCC unroll 6
    for (int j = 0; j < 6; ++j) r[j].store_unaligned(dst + (6 * i + j) * xi_stride);
  }
}

struct TilePos {
  int64_t n, ty, tx;
};

inline TilePos tile_pos(const WinogradBlock& b, int64_t t) {
  const int64_t per_image = b.tiles_h * b.tiles_w;
  return {t / per_image, t % per_image / b.tiles_w, t % b.tiles_w};
}

template <class Arch>
void input_transform(const Conv2DParams& p, const float* input, const WinogradBlock& b, float* v, int64_t ld,
                     int64_t xi_stride) {
  using V = xsimd::batch<float, Arch>;
  constexpr int W = static_cast<int>(V::size);
  const int64_t rs = p.in_w * p.in_c, cs = p.in_c;
  for (int64_t t = b.tile0; t < b.tile0 + b.tiles; ++t) {
    const TilePos pos = tile_pos(b, t);
    const int64_t iy0 = pos.ty * kWinogradTile - p.pad_top, ix0 = pos.tx * kWinogradTile - p.pad_left;
    bool row_ok[6], col_ok[6];
    bool inside = true;
    for (int i = 0; i < 6; ++i) {
      row_ok[i] = iy0 + i >= 0 && iy0 + i < p.in_h;
      col_ok[i] = ix0 + i >= 0 && ix0 + i < p.in_w;
      inside = inside && row_ok[i] && col_ok[i];
    }
    const float* image = input + pos.n * p.in_h * rs;
    float* dst = v + (t - b.tile0) * ld;
    int64_t c = 0;
    if (inside) {
      const float* src = image + iy0 * rs + ix0 * cs;
      for (; c + W <= p.in_c; c += W) {
        input_tile<V>([&](int i, int j) { return V::load_unaligned(src + i * rs + j * cs + c); }, dst + c,
                      xi_stride);
      }
    } else {
      // At the border: rows and columns of the patch outside the image read
      // zeros (no pointer to them is formed).
      const float* row[6];
      int64_t col[6];
      for (int i = 0; i < 6; ++i) {
        row[i] = row_ok[i] ? image + (iy0 + i) * rs : nullptr;
        col[i] = (ix0 + i) * cs;
      }
      for (; c + W <= p.in_c; c += W) {
        input_tile<V>(
            [&](int i, int j) {
              return row[i] != nullptr && col_ok[j] ? V::load_unaligned(row[i] + col[j] + c) : V(0.0f);
            },
            dst + c, xi_stride);
      }
    }
    // The last channels (fewer than a vector): masked loads, the lanes past
    // in_c zero (they were gathered into a zero-padded patch one float at a
    // time, as long as the vector part for fashion_cnn's 28 channels).
    if (c < p.in_c) {
      const int64_t count = p.in_c - c;
      input_tile<V>(
          [&](int i, int j) {
            return row_ok[i] && col_ok[j] ? load_first<V>(image + (iy0 + i) * rs + (ix0 + j) * cs + c, count)
                                          : V(0.0f);
          },
          dst + c, xi_stride);
    }
  }
}

template <class V>
FROST_SIMD_INLINE V load_part(const float* p, int64_t count) {
  if (count == static_cast<int64_t>(V::size)) return V::load_unaligned(p);
  return load_first<V>(p, count);
}

template <class V>
FROST_SIMD_INLINE void store_part(V x, float* p, int64_t count) {
  if (count == static_cast<int64_t>(V::size)) return x.store_unaligned(p);
  store_first(x, p, count);
}

// What epilogue_impl.h needs of a tile's traits: the vector and its width.
template <class Arch>
struct EpilogueTraits {
  using V = xsimd::batch<float, Arch>;
  static constexpr int W = static_cast<int>(V::size);
};

// Each tile's outputs are stored (added to the old ones when accumulating),
// then the GEMM's own epilogue (apply_epilogue: bias, residual, activation,
// and whatever else GemmEpilogue gains) runs on them while they are in L1,
// one output row of the tile at a time: pixels × channels [c0, c1) of the
// output viewed as the pixels × out_c matrix the epilogue expects.
template <class Arch>
void output_transform(const Conv2DParams& p, const float* m, int64_t ld, int64_t xi_stride, const WinogradBlock& b,
                      int64_t c0, int64_t c1, float* output, const GemmEpilogue& ep) {
  using V = xsimd::batch<float, Arch>;
  constexpr int W = static_cast<int>(V::size);
  const bool epilogue = epilogue_active(ep);
  for (int64_t t = b.tile0; t < b.tile0 + b.tiles; ++t) {
    const TilePos pos = tile_pos(b, t);
    const int64_t oy0 = pos.ty * kWinogradTile, ox0 = pos.tx * kWinogradTile;
    const int64_t rows = std::min<int64_t>(kWinogradTile, p.out_h - oy0);
    const int64_t cols = std::min<int64_t>(kWinogradTile, p.out_w - ox0);
    const int64_t pixel0 = (pos.n * p.out_h + oy0) * p.out_w + ox0;
    const float* src = m + (t - b.tile0) * ld;
    for (int64_t c = c0; c < c1; c += W) {
      const int64_t count = std::min<int64_t>(W, c1 - c);
      V s[4][6];  // s = Aᵀ M, s[i][j]
#pragma GCC unroll 6
      for (int j = 0; j < 6; ++j) {
        V col[6], r[4];
#pragma GCC unroll 6
        for (int i = 0; i < 6; ++i) col[i] = V::load_unaligned(src + (6 * i + j) * xi_stride + (c - c0));
        at_transform(col, r);
#pragma GCC unroll 4
        for (int i = 0; i < 4; ++i) s[i][j] = r[i];
      }
      for (int64_t i = 0; i < rows; ++i) {
        V y[4];
        at_transform(s[i], y);
        for (int64_t j = 0; j < cols; ++j) {
          float* out = output + (pixel0 + i * p.out_w + j) * p.out_c + c;
          store_part(ep.accumulate ? y[j] + load_part<V>(out, count) : y[j], out, count);
        }
      }
    }
    if (epilogue) {
      for (int64_t i = 0; i < rows; ++i)
        apply_epilogue<EpilogueTraits<Arch>>(output, p.out_c, pixel0 + i * p.out_w, c0, cols, c1 - c0, ep);
    }
  }
}

template <class Arch>
const WinogradKernelTable& make_winograd_table(const char* name, const GemmKernelTable& gemm) {
  static const WinogradKernelTable table{name, static_cast<int>(xsimd::batch<float, Arch>::size), gemm,
                                         &input_transform<Arch>, &output_transform<Arch>};
  return table;
}

}  // namespace
}  // namespace frost::kernels::simd
