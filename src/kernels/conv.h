// 2-D convolutions on NHWC tensors: regular (TensorFlow's Conv2D, HWIO
// filter, optionally grouped), depthwise (DepthwiseConv2dNative, filter
// [H, W, C, multiplier]) and the transposed convolution (Conv2DBackpropInput).
// The reference twins are the oracle for the SIMD ones, which share these
// signatures. NCHW graphs are transposed to NHWC by the caller.
#pragma once

#include <cstdint>

namespace frost::kernels {

// Geometry of one forward convolution, input -> output. Output position
// (y, x) reads input rows y*stride_h - pad_top + ky*dilation_h (same for
// columns); taps that fall outside the input read zero.
struct Conv2DParams {
  int64_t batch = 0;
  int64_t in_h = 0, in_w = 0, in_c = 0;
  int64_t out_h = 0, out_w = 0, out_c = 0;
  int64_t filter_h = 0, filter_w = 0;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;  // padding after the input is implied by out_h/out_w
  // conv2d: in_c and out_c are both multiples of groups; the filter is
  // [filter_h, filter_w, in_c / groups, out_c] and output channel o reads the
  // input channels of group o / (out_c / groups).
  int64_t groups = 1;
  // depthwise: out_c == in_c * depth_multiplier; output channel c*m + j reads
  // input channel c through filter[.., .., c, j].
  int64_t depth_multiplier = 1;
};

// output[N, out_h, out_w, out_c] = conv(input[N, in_h, in_w, in_c], filter HWIO).
template <class T>
void conv2d_reference(const Conv2DParams& p, const T* input, const T* filter, T* output);

// output[N, out_h, out_w, in_c * m] from input NHWC and filter [fh, fw, in_c, m].
template <class T>
void depthwise_conv2d_reference(const Conv2DParams& p, const T* input, const T* filter, T* output);

// The transposed convolution: the gradient of conv2d with respect to its
// input. `p` describes the forward convolution; out_backprop is
// [N, out_h, out_w, out_c] and in_backprop [N, in_h, in_w, in_c] is written.
template <class T>
void conv2d_backprop_input_reference(const Conv2DParams& p, const T* out_backprop, const T* filter, T* in_backprop);

}  // namespace frost::kernels
