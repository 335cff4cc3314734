#include "kernels/softmax.h"

#include <cmath>

namespace frost::kernels {

namespace {

// Largest element of a row (a NaN anywhere makes the result NaN, as it should).
template <class T>
double row_max(const T* row, int64_t depth) {
  double m = -INFINITY;
  for (int64_t j = 0; j < depth; ++j) {
    const double v = static_cast<double>(row[j]);
    if (std::isnan(v)) return v;
    if (v > m) m = v;
  }
  return m;
}

}  // namespace

template <class T>
void softmax_reference(const SoftmaxParams& p, const T* x, T* y) {
  for (int64_t r = 0; r < p.outer; ++r) {
    const T* in = x + r * p.depth;
    T* out = y + r * p.depth;
    const double m = row_max(in, p.depth);
    double sum = 0.0;
    for (int64_t j = 0; j < p.depth; ++j) sum += std::exp(static_cast<double>(in[j]) - m);
    // Second pass recomputes exp so that y may alias x.
    for (int64_t j = 0; j < p.depth; ++j) out[j] = static_cast<T>(std::exp(static_cast<double>(in[j]) - m) / sum);
  }
}

template <class T>
void log_softmax_reference(const SoftmaxParams& p, const T* x, T* y) {
  for (int64_t r = 0; r < p.outer; ++r) {
    const T* in = x + r * p.depth;
    T* out = y + r * p.depth;
    const double m = row_max(in, p.depth);
    double sum = 0.0;
    for (int64_t j = 0; j < p.depth; ++j) sum += std::exp(static_cast<double>(in[j]) - m);
    const double log_sum = std::log(sum);
    for (int64_t j = 0; j < p.depth; ++j) out[j] = static_cast<T>(static_cast<double>(in[j]) - m - log_sum);
  }
}

template void softmax_reference<float>(const SoftmaxParams&, const float*, float*);
template void softmax_reference<double>(const SoftmaxParams&, const double*, double*);
template void log_softmax_reference<float>(const SoftmaxParams&, const float*, float*);
template void log_softmax_reference<double>(const SoftmaxParams&, const double*, double*);

}  // namespace frost::kernels
