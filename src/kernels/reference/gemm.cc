#include "kernels/gemm.h"

namespace frost::kernels {

void gemm_reference(const GemmShape& s, const float* a, const float* b, float* c) {
  for (int64_t i = 0; i < s.m; ++i) {
    for (int64_t j = 0; j < s.n; ++j) {
      double acc = 0.0;
      for (int64_t p = 0; p < s.k; ++p) {
        const float av = s.trans_a ? a[p * s.lda + i] : a[i * s.lda + p];
        const float bv = s.trans_b ? b[j * s.ldb + p] : b[p * s.ldb + j];
        acc += static_cast<double>(av) * static_cast<double>(bv);
      }
      c[i * s.ldc + j] = static_cast<float>(acc);
    }
  }
}

}  // namespace frost::kernels
