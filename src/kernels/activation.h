// Element-wise activation functions with TensorFlow's definitions. The same
// enum names the fused epilogues of optimised kernels (conv + bias + act).
#pragma once

#include <cstdint>

namespace frost::kernels {

enum class Activation {
  Identity,
  Relu,       // max(x, 0)
  Relu6,      // min(max(x, 0), 6)
  Elu,        // x < 0 ? exp(x) - 1 : x
  Selu,       // scale * (x < 0 ? alpha * (exp(x) - 1) : x), TF's fixed scale and alpha
  LeakyRelu,  // x > 0 ? x : alpha * x
  Sigmoid,    // 1 / (1 + exp(-x))
  Tanh,
  Softplus,  // log(1 + exp(x)), with TF's thresholds where it returns x or exp(x)
};

struct ActivationParams {
  Activation kind = Activation::Identity;
  float alpha = 0.2f;  // LeakyRelu's slope for negative inputs (TF's default 0.2)
};

// y[i] = f(x[i]) for i < n; computed in double, rounded to T. y may equal x.
template <class T>
void activation_reference(const ActivationParams& p, const T* x, T* y, int64_t n);

}  // namespace frost::kernels
