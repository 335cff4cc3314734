// Batch normalisation (TensorFlow's FusedBatchNorm family). The tensor is
// seen as [outer, channels, inner] as in bias_add.h: NHWC has inner == 1,
// NCHW has outer == N and inner == H*W.
#pragma once

#include <cstdint>

namespace frost::kernels {

struct BatchNormParams {
  int64_t outer = 0, channels = 0, inner = 1;
  float epsilon = 0.0001f;  // TF's default
};

// y = scale * (x - mean) / sqrt(variance + epsilon) + offset, per channel,
// computed in double. y may equal x.
template <class T>
void batch_norm_inference_reference(const BatchNormParams& p, const T* x, const T* scale, const T* offset,
                                    const T* mean, const T* variance, T* y);

// Per-channel mean and biased variance (divided by the element count, as
// used for normalising in training mode) over outer and inner, in double.
// With no elements, mean and variance are 0 (TensorFlow gives NaN; see the adapter).
template <class T>
void batch_norm_statistics_reference(const BatchNormParams& p, const T* x, T* mean, T* variance);

}  // namespace frost::kernels
