// Activations that kernels fuse into their epilogue (GEMM, convolution).
// The scalar formulas below are the reference: every vectorised epilogue is
// tested against them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace frost::kernels {

enum class Activation : uint8_t {
  kNone,
  kRelu,       // max(x, 0)
  kRelu6,      // min(max(x, 0), 6)
  kLeakyRelu,  // x > 0 ? x : alpha·x            (TensorFlow LeakyRelu, alpha = slope)
  kElu,        // x > 0 ? x : alpha·(exp(x) − 1)  (TensorFlow Elu has alpha = 1)
  kSigmoid,    // 1 / (1 + exp(−x))
  kTanh,       // tanh(x)
};

// The textbook formula, in double so that it can serve as an oracle.
inline double activation_reference(Activation act, double x, double alpha) {
  switch (act) {
    case Activation::kNone: return x;
    case Activation::kRelu: return std::max(x, 0.0);
    case Activation::kRelu6: return std::min(std::max(x, 0.0), 6.0);
    case Activation::kLeakyRelu: return x > 0.0 ? x : alpha * x;
    case Activation::kElu: return x > 0.0 ? x : alpha * std::expm1(x);
    case Activation::kSigmoid: return 1.0 / (1.0 + std::exp(-x));
    case Activation::kTanh: return std::tanh(x);
  }
  return x;
}

}  // namespace frost::kernels
