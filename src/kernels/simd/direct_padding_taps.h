// The share of a direct convolution's pixel taps that the plain mode's
// tiles multiply (conv_direct_impl.h, SegmentSkip): a tile leaves out a
// filter tap for all its pixels where each reads padding there, and for its
// first or last pixel where that one does. Tiles that are whole output rows
// skip the most: a 3×3 SAME layer on 7² pixels in tiles of 7 multiplies
// 0.82 of its taps, in tiles of 6 (across rows) 0.87. The plan weighs its
// tiles by it (conv2d_direct_plan).
#pragma once

#include <cstdint>

#include "kernels/conv.h"

namespace frost::kernels::simd {

// Above this many output pixels an image's border is a small part of it and
// the share is taken as 1 (the plan's cost stays cheap to compute).
inline constexpr int64_t kTapShareMaxPixels = 4096;

// Multiplied pixel taps over all pixel taps, for tiles of `mr` consecutive
// pixels of one image (the first image's tiling). Pure.
inline double direct_plain_tap_share(const Conv2DParams& p, int64_t mr) {
  const int64_t per_image = p.out_h * p.out_w;
  const bool padded = p.pad_top > 0 || p.pad_left > 0 ||
                      (p.out_h - 1) * p.stride_h + (p.filter_h - 1) * p.dilation_h - p.pad_top >= p.in_h ||
                      (p.out_w - 1) * p.stride_w + (p.filter_w - 1) * p.dilation_w - p.pad_left >= p.in_w;
  if (!padded || mr < 1 || per_image <= 0 || per_image > kTapShareMaxPixels) return 1.0;
  int64_t taken = 0, all = 0;
  for (int64_t m0 = 0; m0 < per_image; m0 += mr) {
    const int64_t rows = per_image - m0 < mr ? per_image - m0 : mr;
    for (int64_t ky = 0; ky < p.filter_h; ++ky) {
      for (int64_t kx = 0; kx < p.filter_w; ++kx) {
        auto pads = [&](int64_t m) {
          const int64_t iy = (m / p.out_w) * p.stride_h - p.pad_top + ky * p.dilation_h;
          const int64_t ix = (m % p.out_w) * p.stride_w - p.pad_left + kx * p.dilation_w;
          return iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w;
        };
        int64_t padding = 0;
        for (int64_t r = 0; r < rows; ++r) padding += pads(m0 + r) ? 1 : 0;
        all += rows;
        if (padding == rows) continue;
        taken += rows - (pads(m0) ? 1 : 0) - (pads(m0 + rows - 1) ? 1 : 0);
      }
    }
  }
  return all > 0 ? static_cast<double>(taken) / static_cast<double>(all) : 1.0;
}

}  // namespace frost::kernels::simd
