// Adding a per-channel bias (TensorFlow's BiasAdd). The tensor is seen as
// [outer, channels, inner]: channels-last data (NHWC, or any [..., C]) has
// inner == 1; channels-first data (NCHW) has outer == N and inner == H*W.
#pragma once

#include <cstdint>

namespace frost::kernels {

struct BiasAddParams {
  int64_t outer = 0, channels = 0, inner = 1;
};

// y[o, c, i] = x[o, c, i] + bias[c]; y may equal x.
template <class T>
void bias_add_reference(const BiasAddParams& p, const T* x, const T* bias, T* y);

}  // namespace frost::kernels
