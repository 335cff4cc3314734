#include "kernels/batchnorm.h"

#include <cmath>

namespace frost::kernels {

template <class T>
void batch_norm_inference_reference(const BatchNormParams& p, const T* x, const T* scale, const T* offset,
                                    const T* mean, const T* variance, T* y) {
  for (int64_t c = 0; c < p.channels; ++c) {
    const double mul =
        static_cast<double>(scale[c]) / std::sqrt(static_cast<double>(variance[c]) + static_cast<double>(p.epsilon));
    const double m = static_cast<double>(mean[c]);
    const double add = static_cast<double>(offset[c]);
    for (int64_t o = 0; o < p.outer; ++o)
      for (int64_t i = 0; i < p.inner; ++i) {
        const int64_t k = (o * p.channels + c) * p.inner + i;
        y[k] = static_cast<T>((static_cast<double>(x[k]) - m) * mul + add);
      }
  }
}

template <class T>
void batch_norm_statistics_reference(const BatchNormParams& p, const T* x, T* mean, T* variance) {
  const double count = static_cast<double>(p.outer * p.inner);
  for (int64_t c = 0; c < p.channels; ++c) {
    double sum = 0.0;
    for (int64_t o = 0; o < p.outer; ++o)
      for (int64_t i = 0; i < p.inner; ++i) sum += static_cast<double>(x[(o * p.channels + c) * p.inner + i]);
    const double m = count > 0 ? sum / count : 0.0;
    // Two passes (mean, then squared deviations) for an exact variance.
    double sq = 0.0;
    for (int64_t o = 0; o < p.outer; ++o)
      for (int64_t i = 0; i < p.inner; ++i) {
        const double d = static_cast<double>(x[(o * p.channels + c) * p.inner + i]) - m;
        sq += d * d;
      }
    mean[c] = static_cast<T>(m);
    variance[c] = static_cast<T>(count > 0 ? sq / count : 0.0);
  }
}

template void batch_norm_inference_reference<float>(const BatchNormParams&, const float*, const float*, const float*,
                                                    const float*, const float*, float*);
template void batch_norm_inference_reference<double>(const BatchNormParams&, const double*, const double*,
                                                     const double*, const double*, const double*, double*);
template void batch_norm_statistics_reference<float>(const BatchNormParams&, const float*, float*, float*);
template void batch_norm_statistics_reference<double>(const BatchNormParams&, const double*, double*, double*);

}  // namespace frost::kernels
