// Batched matrix multiply with numpy-style broadcasting of the batch
// dimensions (TensorFlow's BatchMatMulV2; MatMul is the case with no batch
// dimensions). Each matrix product is one kernels::gemm call.
#pragma once

#include <cstdint>
#include <vector>

namespace frost::kernels {

struct BatchMatMulParams {
  int64_t m = 0, n = 0, k = 0;  // each output matrix is m×n, the inner dimension is k
  bool adj_x = false;           // x matrices stored k×m (transposed)
  bool adj_y = false;           // y matrices stored n×k (transposed)
  // Batch dimensions of the output and of each operand, all of the same
  // length (an operand's dimensions padded with leading 1s); an operand
  // dimension of 1 where the output's is larger is broadcast.
  std::vector<int64_t> out_batch, x_batch, y_batch;
};

// out[b] = op(x[b']) · op(y[b'']), row-major matrices, double accumulation.
void batch_matmul_reference(const BatchMatMulParams& p, const float* x, const float* y, float* out);

}  // namespace frost::kernels
