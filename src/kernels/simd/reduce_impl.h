// Float32 Sum, Mean, Max and Min over the innermost or the outermost of two
// dimensions, as templates over the xsimd architecture. Included only by
// eltwise_f32_<isa>.cc.
//  - rows: out[r] = op(in[r, 0 .. depth)), contiguous rows (an L2 norm's sum
//    over channels, a mean over the last axis): 4 vector accumulators, the
//    < W tail padded with the op's identity, lanes combined at the end;
//  - columns: out[c] = op(in[0 .. rows), c) for columns [col_begin, col_end)
//    (a sum over the batch or over every pixel of one channel): 4 vectors
//    of columns go down all rows at once.
// Sums are in float (the reference sums in double, so the results differ by
// rounding only: a few ulp for the depths of a CNN); Mean divides by the
// count once. Max/Min propagate NaN as TensorFlow (binary_op's Maximum).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <xsimd/xsimd.hpp>

#include "kernels/reduce.h"
#include "kernels/simd/binary_impl.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

inline float reduce_identity(ReduceOp op) {
  switch (op) {
    case ReduceOp::Max: return -std::numeric_limits<float>::infinity();
    case ReduceOp::Min: return std::numeric_limits<float>::infinity();
    default: return 0.0f;
  }
}

template <ReduceOp kOp, class V>
inline V reduce_step(V acc, V v) {
  if constexpr (kOp == ReduceOp::Max) return binary_op<BinaryOp::Maximum>(acc, v);
  else if constexpr (kOp == ReduceOp::Min) return binary_op<BinaryOp::Minimum>(acc, v);
  else return acc + v;
}

template <ReduceOp kOp>
inline float reduce_scalar(float acc, float v) {
  if constexpr (kOp == ReduceOp::Max || kOp == ReduceOp::Min) {
    if (std::isnan(acc) || std::isnan(v)) return std::isnan(acc) ? acc : v;
    return kOp == ReduceOp::Max ? (v > acc ? v : acc) : (v < acc ? v : acc);
  } else {
    return acc + v;
  }
}

template <class V, ReduceOp kOp>
float reduce_row(const float* x, int64_t depth) {
  constexpr int W = static_cast<int>(V::size);
  const V id(reduce_identity(kOp));
  V acc[4] = {id, id, id, id};
  int64_t j = 0;
  for (; j + 4 * W <= depth; j += 4 * W)
    for (int k = 0; k < 4; ++k) acc[k] = reduce_step<kOp>(acc[k], V::load_unaligned(x + j + k * W));
  for (; j + W <= depth; j += W) acc[0] = reduce_step<kOp>(acc[0], V::load_unaligned(x + j));
  if (j < depth) {
    alignas(64) float b[W];
    for (int q = 0; q < W; ++q) b[q] = j + q < depth ? x[j + q] : reduce_identity(kOp);
    acc[1] = reduce_step<kOp>(acc[1], V::load_aligned(b));
  }
  alignas(64) float lanes[W];
  reduce_step<kOp>(reduce_step<kOp>(acc[0], acc[1]), reduce_step<kOp>(acc[2], acc[3])).store_aligned(lanes);
  float r = lanes[0];
  for (int q = 1; q < W; ++q) r = reduce_scalar<kOp>(r, lanes[q]);
  return r;
}

// out[c] for c in [c0, c0 + n), n <= 4W: down all rows, the columns of a
// partial vector through padded copies (same arithmetic).
template <class V, ReduceOp kOp>
void reduce_column_block(const float* x, int64_t rows, int64_t cols, int64_t c0, int64_t n, float* out) {
  constexpr int W = static_cast<int>(V::size);
  const int vecs = static_cast<int>((n + W - 1) / W);
  const V id(reduce_identity(kOp));
  V acc[4] = {id, id, id, id};
  alignas(64) float b[4 * W];
  const bool partial = n % W != 0;
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols + c0;
    if (partial) {
      for (int q = 0; q < vecs * W; ++q) b[q] = q < n ? row[q] : reduce_identity(kOp);
      row = b;
    }
    for (int k = 0; k < vecs; ++k) acc[k] = reduce_step<kOp>(acc[k], V::load_unaligned(row + k * W));
  }
  for (int k = 0; k < vecs; ++k) acc[k].store_aligned(b + k * W);
  for (int64_t q = 0; q < n; ++q) out[c0 + q] = b[q];
}

template <class Arch>
void reduce_rows_f32(ReduceOp op, int64_t rows, int64_t depth, const float* x, float* out) {
  using V = xsimd::batch<float, Arch>;
  auto with = [&](auto tag) {
    constexpr ReduceOp kOp = decltype(tag)::value;
    for (int64_t r = 0; r < rows; ++r) out[r] = reduce_row<V, kOp>(x + r * depth, depth);
  };
  switch (op) {
    case ReduceOp::Max: with(std::integral_constant<ReduceOp, ReduceOp::Max>{}); break;
    case ReduceOp::Min: with(std::integral_constant<ReduceOp, ReduceOp::Min>{}); break;
    default: with(std::integral_constant<ReduceOp, ReduceOp::Sum>{}); break;
  }
  if (op == ReduceOp::Mean)
    for (int64_t r = 0; r < rows; ++r) out[r] /= static_cast<float>(depth);
}

template <class Arch>
void reduce_columns_f32(ReduceOp op, int64_t rows, int64_t cols, const float* x, float* out, int64_t col_begin,
                        int64_t col_end) {
  using V = xsimd::batch<float, Arch>;
  constexpr int64_t kBlock = 4 * static_cast<int64_t>(V::size);
  auto with = [&](auto tag) {
    constexpr ReduceOp kOp = decltype(tag)::value;
    for (int64_t c = col_begin; c < col_end; c += kBlock)
      reduce_column_block<V, kOp>(x, rows, cols, c, std::min(kBlock, col_end - c), out);
  };
  switch (op) {
    case ReduceOp::Max: with(std::integral_constant<ReduceOp, ReduceOp::Max>{}); break;
    case ReduceOp::Min: with(std::integral_constant<ReduceOp, ReduceOp::Min>{}); break;
    default: with(std::integral_constant<ReduceOp, ReduceOp::Sum>{}); break;
  }
  if (op == ReduceOp::Mean)
    for (int64_t c = col_begin; c < col_end; ++c) out[c] /= static_cast<float>(rows);
}

}  // namespace
}  // namespace frost::kernels::simd
