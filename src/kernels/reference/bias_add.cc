#include "kernels/bias_add.h"

namespace frost::kernels {

template <class T>
void bias_add_reference(const BiasAddParams& p, const T* x, const T* bias, T* y) {
  for (int64_t o = 0; o < p.outer; ++o)
    for (int64_t c = 0; c < p.channels; ++c)
      for (int64_t i = 0; i < p.inner; ++i) {
        const int64_t k = (o * p.channels + c) * p.inner + i;
        y[k] = x[k] + bias[c];
      }
}

template void bias_add_reference<float>(const BiasAddParams&, const float*, const float*, float*);
template void bias_add_reference<double>(const BiasAddParams&, const double*, const double*, double*);

}  // namespace frost::kernels
