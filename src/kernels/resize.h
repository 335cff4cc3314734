// Image resizing on NHWC tensors with TensorFlow's exact coordinate rules
// (ResizeBilinear, ResizeNearestNeighbor; tensorflow/core/kernels/image/
// image_resizer_state.h documents them):
//   scale = align_corners && out > 1 ? (in - 1) / (out - 1) : in / out   (float)
//   bilinear source coordinate: half_pixel_centers ? (o + 0.5) * scale - 0.5 : o * scale
//   nearest source index: half_pixel_centers ? floor((o + 0.5) * scale)
//                         : align_corners ? round(o * scale) : floor(o * scale),
//                         clamped to [0, in - 1]
// Arithmetic is in float, as TensorFlow's, so results match it bit for bit
// where possible.
#pragma once

#include <cstddef>
#include <cstdint>

namespace frost::kernels {

struct ResizeParams {
  int64_t batch = 0, in_h = 0, in_w = 0, channels = 0;
  int64_t out_h = 0, out_w = 0;
  bool align_corners = false;
  bool half_pixel_centers = false;
};

// The float scale factor from output to input coordinates.
float resize_scale(int64_t in, int64_t out, bool align_corners);

// output[N, out_h, out_w, C] interpolated from input[N, in_h, in_w, C].
void resize_bilinear_reference(const ResizeParams& p, const float* input, float* output);

// Copies whole elements, so it serves every dtype.
void resize_nearest_reference(const ResizeParams& p, const void* input, void* output, std::size_t element_bytes);

}  // namespace frost::kernels
