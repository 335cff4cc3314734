#include "kernels/batch_matmul.h"

#include <cstddef>

#include "kernels/gemm.h"

namespace frost::kernels {

void batch_matmul_reference(const BatchMatMulParams& p, const float* x, const float* y, float* out) {
  const int rank = static_cast<int>(p.out_batch.size());
  int64_t batches = 1;
  for (const int64_t d : p.out_batch) batches *= d;

  GemmShape g;
  g.m = p.m;
  g.n = p.n;
  g.k = p.k;
  g.trans_a = p.adj_x;
  g.trans_b = p.adj_y;
  g.lda = p.adj_x ? p.m : p.k;
  g.ldb = p.adj_y ? p.k : p.n;
  g.ldc = p.n;
  const int64_t x_matrix = p.m * p.k, y_matrix = p.k * p.n, out_matrix = p.m * p.n;

  for (int64_t b = 0; b < batches; ++b) {
    // Decompose the output batch index and map it to each operand's index,
    // reading broadcast (size 1) dimensions at 0.
    int64_t rest = b, x_index = 0, y_index = 0, x_stride = 1, y_stride = 1;
    for (int d = rank - 1; d >= 0; --d) {
      const int64_t i = rest % p.out_batch[static_cast<std::size_t>(d)];
      rest /= p.out_batch[static_cast<std::size_t>(d)];
      const int64_t xd = p.x_batch[static_cast<std::size_t>(d)], yd = p.y_batch[static_cast<std::size_t>(d)];
      x_index += (xd == 1 ? 0 : i) * x_stride;
      y_index += (yd == 1 ? 0 : i) * y_stride;
      x_stride *= xd;
      y_stride *= yd;
    }
    gemm_reference(g, x + x_index * x_matrix, y + y_index * y_matrix, out + b * out_matrix);
  }
}

}  // namespace frost::kernels
