// 2-D max and average pooling over NHWC tensors (TensorFlow's MaxPool,
// AvgPool). Window position (y, x) covers input rows
// y*stride_h - pad_top .. + window_h - 1 (same for columns); elements of the
// window outside the input are ignored: max pooling never sees the padding,
// and average pooling divides by the number of real input elements in the
// window (TensorFlow's SAME behaviour at the border).
#pragma once

#include <cstdint>

#include "kernels/gemm.h"

namespace frost::kernels {

struct Pool2DParams {
  int64_t batch = 0;
  int64_t in_h = 0, in_w = 0, channels = 0;
  int64_t out_h = 0, out_w = 0;
  int64_t window_h = 1, window_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_top = 0, pad_left = 0;
};

// A window holding no input element (possible only with explicit padding at
// least as large as the window) gives the lowest value of T for max pooling
// and 0 for average pooling.
template <class T>
void max_pool2d_reference(const Pool2DParams& p, const T* input, T* output);
template <class T>
void avg_pool2d_reference(const Pool2DParams& p, const T* input, T* output);

// The CPU backend's twins (src/kernels/simd/eltwise_f32.cc) for float32,
// vectorised over channels: max pooling gives exactly the reference's
// result; average pooling sums in float (the reference in double). Threads
// and ISA as in GemmRun (its scratch is unused).
void max_pool2d_f32(const Pool2DParams& p, const float* input, float* output, const GemmRun& run = {});
void avg_pool2d_f32(const Pool2DParams& p, const float* input, float* output, const GemmRun& run = {});

}  // namespace frost::kernels
