#include "kernels/activation.h"

#include <cmath>
#include <limits>

namespace frost::kernels {

namespace {

// Selu's constants (Klambauer et al. 2017), as TensorFlow defines them.
constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;

template <class T>
double softplus(double x) {
  // TensorFlow returns x above -threshold and exp(x) below threshold, with
  // threshold = log(epsilon of T) + 2, where log1p(exp(x)) equals those to
  // within T's precision. Matching the branches keeps results bit-close.
  static const double threshold = std::log(static_cast<double>(std::numeric_limits<T>::epsilon())) + 2.0;
  if (x > -threshold) return x;
  if (x < threshold) return std::exp(x);
  return std::log1p(std::exp(x));
}

template <class T>
double apply(const ActivationParams& p, double x) {
  switch (p.kind) {
    case Activation::Identity:
      return x;
    case Activation::Relu:
      return x < 0.0 ? 0.0 : x;  // NaN stays NaN
    case Activation::Relu6:
      return x < 0.0 ? 0.0 : (x > 6.0 ? 6.0 : x);
    case Activation::Elu:
      return x < 0.0 ? std::expm1(x) : x;
    case Activation::Selu:
      return x < 0.0 ? kSeluScale * kSeluAlpha * std::expm1(x) : kSeluScale * x;
    case Activation::LeakyRelu:
      return x > 0.0 ? x : static_cast<double>(p.alpha) * x;
    case Activation::Sigmoid:
      return 1.0 / (1.0 + std::exp(-x));
    case Activation::Tanh:
      return std::tanh(x);
    case Activation::Softplus:
      return softplus<T>(x);
  }
  return x;
}

}  // namespace

template <class T>
void activation_reference(const ActivationParams& p, const T* x, T* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(apply<T>(p, static_cast<double>(x[i])));
}

template void activation_reference<float>(const ActivationParams&, const float*, float*, int64_t);
template void activation_reference<double>(const ActivationParams&, const double*, double*, int64_t);

}  // namespace frost::kernels
