// Element-wise activation ops over a flat array: every kind of
// kernels/activation.h (Relu, Relu6, Elu, LeakyRelu, Sigmoid, Tanh,
// HardSwish, ...) through the scalar formulas there, the ones every fused
// epilogue is tested against, so there is one definition of each; and Selu,
// Softplus, which have kernels of their own.
#pragma once

#include <cstdint>

#include "kernels/activation.h"
#include "kernels/gemm.h"

namespace frost::kernels {

// y[i] = act(x[i]) for i < n, computed in double and rounded to T; `alpha` is
// LeakyRelu's slope / Elu's scale (1 for TensorFlow's Elu). y may equal x.
template <class T>
void activation_elementwise_reference(Activation act, float alpha, const T* x, T* y, int64_t n);

// The CPU backend's twin for float32 (src/kernels/simd/eltwise_f32.cc):
// Relu, Relu6, LeakyRelu bit-identical; the others within a few float
// epsilons (Elu, Sigmoid, Tanh through vectorised polynomial exp/expm1/tanh;
// error bound: tests/simd/activation_test.cc).
// Threads and ISA as in GemmRun. y may equal x.
void activation_elementwise_f32(Activation act, float alpha, const float* x, float* y, int64_t n,
                                const GemmRun& run = {});

// Selu: scale * (x < 0 ? alpha * (exp(x) - 1) : x) with TensorFlow's fixed
// scale 1.0507009873554804934193349852946 and alpha 1.6732632423543772848170429916717.
template <class T>
void selu_reference(const T* x, T* y, int64_t n);

// Softplus: log(1 + exp(x)), returning x above -threshold and exp(x) below
// threshold, threshold = log(epsilon of T) + 2, as TensorFlow does.
template <class T>
void softplus_reference(const T* x, T* y, int64_t n);

// The CPU backend's twins of selu_reference and softplus_reference for
// float32 (src/kernels/simd/eltwise_f32.cc): the same formulas and
// thresholds on xsimd's polynomial exp/expm1/log1p. y may equal x.
void selu_f32(const float* x, float* y, int64_t n, const GemmRun& run = {});
void softplus_f32(const float* x, float* y, int64_t n, const GemmRun& run = {});

}  // namespace frost::kernels
