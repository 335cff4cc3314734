#include "kernels/activation_elementwise.h"

#include <cmath>
#include <limits>

namespace frost::kernels {

template <class T>
void activation_elementwise_reference(Activation act, float alpha, const T* x, T* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    y[i] = static_cast<T>(activation_reference(act, static_cast<double>(x[i]), static_cast<double>(alpha)));
}

template <class T>
void selu_reference(const T* x, T* y, int64_t n) {
  constexpr double kScale = 1.0507009873554804934193349852946;
  constexpr double kAlpha = 1.6732632423543772848170429916717;
  for (int64_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    y[i] = static_cast<T>(v < 0.0 ? kScale * kAlpha * std::expm1(v) : kScale * v);
  }
}

template <class T>
void softplus_reference(const T* x, T* y, int64_t n) {
  // Where log1p(exp(x)) equals x or exp(x) to within T's precision,
  // TensorFlow returns those; matching the branches keeps results bit-close.
  const double threshold = std::log(static_cast<double>(std::numeric_limits<T>::epsilon())) + 2.0;
  for (int64_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    double r;
    if (v > -threshold)
      r = v;
    else if (v < threshold)
      r = std::exp(v);
    else
      r = std::log1p(std::exp(v));
    y[i] = static_cast<T>(r);
  }
}

template void activation_elementwise_reference<float>(Activation, float, const float*, float*, int64_t);
template void activation_elementwise_reference<double>(Activation, float, const double*, double*, int64_t);
template void selu_reference<float>(const float*, float*, int64_t);
template void selu_reference<double>(const double*, double*, int64_t);
template void softplus_reference<float>(const float*, float*, int64_t);
template void softplus_reference<double>(const double*, double*, int64_t);

}  // namespace frost::kernels
