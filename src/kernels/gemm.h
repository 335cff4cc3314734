// Single-precision matrix multiply, C = op(A) · op(B), row-major.
// The reference twin is the oracle for every optimised GEMM and for the
// MatMul/BatchMatMul reference kernels.
#pragma once

#include <cstdint>

namespace frost::kernels {

struct GemmShape {
  int64_t m = 0, n = 0, k = 0;  // C is m×n, the inner dimension is k
  bool trans_a = false;         // A stored k×m (read transposed)
  bool trans_b = false;         // B stored n×k (read transposed)
  int64_t lda = 0, ldb = 0, ldc = 0;  // row strides in elements of A, B and C as stored
};

// C = op(A)·op(B), accumulated in double; C is overwritten. No aliasing.
void gemm_reference(const GemmShape& s, const float* a, const float* b, float* c);

}  // namespace frost::kernels
