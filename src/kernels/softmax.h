// Softmax and log-softmax over the innermost dimension (TensorFlow's Softmax,
// LogSoftmax act on the last axis). The input is `outer` rows of `depth`
// contiguous elements. The row maximum is subtracted before exponentiating,
// so large inputs do not overflow; sums are accumulated in double.
#pragma once

#include <cstdint>

#include "kernels/gemm.h"

namespace frost::kernels {

struct SoftmaxParams {
  int64_t outer = 0;  // number of rows
  int64_t depth = 0;  // elements per row (the last dimension)
};

// y may equal x.
template <class T>
void softmax_reference(const SoftmaxParams& p, const T* x, T* y);
template <class T>
void log_softmax_reference(const SoftmaxParams& p, const T* x, T* y);

// The CPU backend's twins for float32 (src/kernels/simd/eltwise_f32.cc):
// vectorised max / exp / sum in float. Threads and ISA as in GemmRun; y may
// equal x.
void softmax_f32(const SoftmaxParams& p, const float* x, float* y, const GemmRun& run = {});
void log_softmax_f32(const SoftmaxParams& p, const float* x, float* y, const GemmRun& run = {});

}  // namespace frost::kernels
