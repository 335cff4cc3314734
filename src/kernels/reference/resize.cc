#include "kernels/resize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace frost::kernels {

float resize_scale(int64_t in, int64_t out, bool align_corners) {
  return (align_corners && out > 1) ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
                                    : static_cast<float>(in) / static_cast<float>(out);
}

namespace {

// The two source indices around output coordinate `o` and the weight of the upper one.
struct Lerp {
  int64_t lower, upper;
  float weight;
};

Lerp bilinear_source(int64_t o, int64_t in, float scale, bool half_pixel_centers) {
  const float src = half_pixel_centers ? (static_cast<float>(o) + 0.5f) * scale - 0.5f : static_cast<float>(o) * scale;
  const float src_floor = std::floor(src);
  Lerp l;
  l.lower = std::max<int64_t>(static_cast<int64_t>(src_floor), 0);
  l.upper = std::min<int64_t>(static_cast<int64_t>(std::ceil(src)), in - 1);
  l.weight = src - src_floor;
  return l;
}

int64_t nearest_source(int64_t o, int64_t in, float scale, bool align_corners, bool half_pixel_centers) {
  int64_t i;
  if (half_pixel_centers) {
    i = static_cast<int64_t>(std::floor((static_cast<float>(o) + 0.5f) * scale));
  } else if (align_corners) {
    i = static_cast<int64_t>(std::round(static_cast<float>(o) * scale));
  } else {
    i = static_cast<int64_t>(std::floor(static_cast<float>(o) * scale));
  }
  return std::clamp<int64_t>(i, 0, in - 1);
}

}  // namespace

void resize_bilinear_reference(const ResizeParams& p, const float* input, float* output) {
  const float scale_y = resize_scale(p.in_h, p.out_h, p.align_corners);
  const float scale_x = resize_scale(p.in_w, p.out_w, p.align_corners);
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t oy = 0; oy < p.out_h; ++oy) {
      const Lerp ly = bilinear_source(oy, p.in_h, scale_y, p.half_pixel_centers);
      for (int64_t ox = 0; ox < p.out_w; ++ox) {
        const Lerp lx = bilinear_source(ox, p.in_w, scale_x, p.half_pixel_centers);
        const float* top_left = input + ((n * p.in_h + ly.lower) * p.in_w + lx.lower) * p.channels;
        const float* top_right = input + ((n * p.in_h + ly.lower) * p.in_w + lx.upper) * p.channels;
        const float* bottom_left = input + ((n * p.in_h + ly.upper) * p.in_w + lx.lower) * p.channels;
        const float* bottom_right = input + ((n * p.in_h + ly.upper) * p.in_w + lx.upper) * p.channels;
        float* out = output + ((n * p.out_h + oy) * p.out_w + ox) * p.channels;
        for (int64_t c = 0; c < p.channels; ++c) {
          const float top = top_left[c] + (top_right[c] - top_left[c]) * lx.weight;
          const float bottom = bottom_left[c] + (bottom_right[c] - bottom_left[c]) * lx.weight;
          out[c] = top + (bottom - top) * ly.weight;
        }
      }
    }
  }
}

void resize_nearest_reference(const ResizeParams& p, const void* input, void* output, std::size_t element_bytes) {
  const float scale_y = resize_scale(p.in_h, p.out_h, p.align_corners);
  const float scale_x = resize_scale(p.in_w, p.out_w, p.align_corners);
  const auto* in = static_cast<const unsigned char*>(input);
  auto* out = static_cast<unsigned char*>(output);
  const std::size_t pixel_bytes = static_cast<std::size_t>(p.channels) * element_bytes;
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t oy = 0; oy < p.out_h; ++oy) {
      const int64_t iy = nearest_source(oy, p.in_h, scale_y, p.align_corners, p.half_pixel_centers);
      for (int64_t ox = 0; ox < p.out_w; ++ox) {
        const int64_t ix = nearest_source(ox, p.in_w, scale_x, p.align_corners, p.half_pixel_centers);
        std::memcpy(out + static_cast<std::size_t>((n * p.out_h + oy) * p.out_w + ox) * pixel_bytes,
                    in + static_cast<std::size_t>((n * p.in_h + iy) * p.in_w + ix) * pixel_bytes, pixel_bytes);
      }
    }
  }
}

}  // namespace frost::kernels
