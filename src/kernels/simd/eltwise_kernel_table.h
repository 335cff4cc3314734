// The seam between the element-wise front end (eltwise_f32.cc: ISA choice,
// thread split) and its per-ISA translation units (eltwise_f32_<isa>.cc); see
// gemm_kernel_table.h. Every entry does a slice of the work on one thread, so
// the front end can hand slices to OpenMP threads:
//  - pools: output rows [row_begin, row_end), a row being (n, oy);
//  - binary: output elements [begin, end) in row-major order;
//  - unary / activation: n contiguous elements;
//  - softmax: p.outer rows;
//  - reduce_rows: `rows` rows; reduce_columns: columns [col_begin, col_end).
#pragma once

#include <cstdint>

#include "kernels/activation.h"
#include "kernels/elementwise.h"
#include "kernels/pool.h"
#include "kernels/reduce.h"
#include "kernels/softmax.h"

namespace frost::kernels::simd {

struct EltwiseKernelTable {
  const char* name;  // "eltwise_f32_<isa>"
  void (*max_pool)(const Pool2DParams& p, const float* input, float* output, int64_t row_begin, int64_t row_end);
  void (*avg_pool)(const Pool2DParams& p, const float* input, float* output, int64_t row_begin, int64_t row_end);
  void (*binary)(BinaryOp op, const Broadcast& b, const float* x, const float* y, float* out, int64_t begin,
                 int64_t end);
  void (*unary)(UnaryOp op, int64_t n, const float* x, float* out);
  void (*activation)(Activation act, float alpha, const float* x, float* y, int64_t n);
  void (*selu)(const float* x, float* y, int64_t n);
  void (*softplus)(const float* x, float* y, int64_t n);
  void (*softmax)(const SoftmaxParams& p, const float* x, float* y, bool log);
  void (*reduce_rows)(ReduceOp op, int64_t rows, int64_t depth, const float* x, float* out);
  void (*reduce_columns)(ReduceOp op, int64_t rows, int64_t cols, const float* x, float* out, int64_t col_begin,
                         int64_t col_end);
};

const EltwiseKernelTable& eltwise_table_sse2();
const EltwiseKernelTable& eltwise_table_avx2();
const EltwiseKernelTable& eltwise_table_avx512();

}  // namespace frost::kernels::simd
