// Reference twin of the optimised GEMM with its fused epilogue (see gemm.h
// for the order of operations).
#include "kernels/gemm.h"

namespace frost::kernels {

void gemm_f32_reference(const GemmShape& s, const float* a, const float* b, float* c,
                        const GemmEpilogue& ep) {
  for (int64_t i = 0; i < s.m; ++i) {
    for (int64_t j = 0; j < s.n; ++j) {
      double x = 0.0;
      for (int64_t p = 0; p < s.k; ++p) {
        const float av = s.trans_a ? a[p * s.lda + i] : a[i * s.lda + p];
        const float bv = s.trans_b ? b[j * s.ldb + p] : b[p * s.ldb + j];
        x += static_cast<double>(av) * static_cast<double>(bv);
      }
      float* out = &c[i * s.ldc + j];
      if (ep.accumulate) x += *out;
      if (ep.bias != nullptr) x += ep.bias[j];
      const double r = ep.residual != nullptr ? ep.residual[i * ep.ldr + j] : 0.0;
      if (!ep.residual_after_activation) x += r;
      x = activation_reference(ep.activation, x, ep.alpha);
      if (ep.post_scale != nullptr) x *= ep.post_scale[j];
      if (ep.post_shift != nullptr) x += ep.post_shift[j];
      if (ep.residual_after_activation) x += r;
      *out = static_cast<float>(x);
    }
  }
}

}  // namespace frost::kernels
