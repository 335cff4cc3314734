// QuantizedMatMul without the oracle's per-element int64 sums, layout tests
// and clamps: where no sum can leave int32 (k * 255 * 255 < 2^31), the
// zero-point-corrected operands' products accumulate in int32 in loops the
// compiler vectorises (a row of b scaled into a row of c; or dot products
// when b is stored transposed). Exact: the same integers as the oracle.
#include <algorithm>
#include <vector>

#include "kernels/quantize.h"

namespace frost::kernels {

bool quantized_matmul_fits_int32(const QuantizedGemmShape& s) { return s.k <= int64_t{2147483647} / (255 * 255); }

void quantized_matmul_rows(const QuantizedGemmShape& s, const uint8_t* a, int32_t offset_a, const uint8_t* b,
                           int32_t offset_b, int32_t* c) {
  std::vector<int32_t> row(static_cast<size_t>(s.k));
  for (int64_t i = 0; i < s.m; ++i) {
    for (int64_t p = 0; p < s.k; ++p)
      row[static_cast<size_t>(p)] = static_cast<int32_t>(s.trans_a ? a[p * s.m + i] : a[i * s.k + p]) - offset_a;
    int32_t* out = c + i * s.n;
    if (s.trans_b) {
      for (int64_t j = 0; j < s.n; ++j) {
        const uint8_t* bj = b + j * s.k;
        int32_t sum = 0;
        for (int64_t p = 0; p < s.k; ++p) sum += row[static_cast<size_t>(p)] * (static_cast<int32_t>(bj[p]) - offset_b);
        out[j] = sum;
      }
      continue;
    }
    std::fill(out, out + s.n, 0);
    for (int64_t p = 0; p < s.k; ++p) {
      const int32_t av = row[static_cast<size_t>(p)];
      if (av == 0) continue;  // ReLU'd activations: many zeros
      const uint8_t* bp = b + p * s.n;
      for (int64_t j = 0; j < s.n; ++j) out[j] += av * (static_cast<int32_t>(bp[j]) - offset_b);
    }
  }
}

}  // namespace frost::kernels
