// Float32 Sum, Mean, Max and Min over the innermost or the outermost of two
// dimensions, as templates over the xsimd architecture. Included only by
// eltwise_f32_<isa>.cc.
//  - rows: out[r] = op(in[r, 0 .. depth)), contiguous rows (an L2 norm's sum
//    over channels, a mean over the last axis): 4 vector accumulators, the
//    tail padded with the op's identity, lanes combined at the end;
//  - columns: out[c] = op(in[0 .. rows), c) for columns [col_begin, col_end)
//    (a sum over the batch or over every pixel of one channel): blocks of 4
//    float vectors of columns go down all rows at once.
// Sums widen each float to double and accumulate in double, as the
// reference does: float sums lose whole terms under cancellation (1e8 + 1 -
// 1e8 is 0 in float), and the widening costs one convert per add on a loop
// that is bound by loads anyway. Results then differ from the reference only
// in the order of the double additions (below float rounding). Mean divides
// the double sum by the count once. Max/Min propagate NaN as TensorFlow
// (binary_op's Maximum).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "kernels/reduce.h"
#include "kernels/simd/binary_impl.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

// Max and Min (the float kernels below); sums are in double further down.
inline float reduce_identity(ReduceOp op) {
  return op == ReduceOp::Max ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
}

template <ReduceOp kOp, class V>
inline V reduce_step(V acc, V v) {
  static_assert(kOp == ReduceOp::Max || kOp == ReduceOp::Min);
  if constexpr (kOp == ReduceOp::Max) return binary_op<BinaryOp::Maximum>(acc, v);
  else return binary_op<BinaryOp::Minimum>(acc, v);
}

template <ReduceOp kOp>
inline float reduce_scalar(float acc, float v) {
  if (std::isnan(acc) || std::isnan(v)) return std::isnan(acc) ? acc : v;
  return kOp == ReduceOp::Max ? (v > acc ? v : acc) : (v < acc ? v : acc);
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

// The W floats at x as two double vectors (lower and upper half): one
// convert instruction per half on x86 (xsimd 8 converts through memory).
template <class Arch>
inline void widen(const float* x, xsimd::batch<double, Arch>& lo, xsimd::batch<double, Arch>& hi) {
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    lo = _mm512_cvtps_pd(_mm256_loadu_ps(x));
    hi = _mm512_cvtps_pd(_mm256_loadu_ps(x + 8));
  } else if constexpr (std::is_base_of_v<xsimd::avx, Arch>) {
    lo = _mm256_cvtps_pd(_mm_loadu_ps(x));
    hi = _mm256_cvtps_pd(_mm_loadu_ps(x + 4));
  } else {
    static_assert(std::is_base_of_v<xsimd::sse2, Arch>, "an x86 table");
    const __m128 v = _mm_loadu_ps(x);
    lo = _mm_cvtps_pd(v);
    hi = _mm_cvtps_pd(_mm_movehl_ps(v, v));
  }
}

// The double sum of x[0 .. depth): two float vectors (four double
// accumulators) a step, the < 2W tail through a zero-padded copy.
template <class Arch>
double sum_row(const float* x, int64_t depth) {
  using D = xsimd::batch<double, Arch>;
  constexpr int W = static_cast<int>(xsimd::batch<float, Arch>::size);
  D acc[4] = {D(0.0), D(0.0), D(0.0), D(0.0)};
  D lo, hi;
  int64_t j = 0;
  for (; j + 2 * W <= depth; j += 2 * W) {
    widen<Arch>(x + j, lo, hi);
    acc[0] += lo;
    acc[1] += hi;
    widen<Arch>(x + j + W, lo, hi);
    acc[2] += lo;
    acc[3] += hi;
  }
  if (j < depth) {
    alignas(64) float b[2 * W] = {};
    std::copy(x + j, x + depth, b);
    widen<Arch>(b, lo, hi);
    acc[0] += lo;
    acc[1] += hi;
    widen<Arch>(b + W, lo, hi);
    acc[2] += lo;
    acc[3] += hi;
  }
  return xsimd::hadd((acc[0] + acc[1]) + (acc[2] + acc[3]));
}

// Column sums out[c] for c in [c0, c0 + n), n <= 4W, in double: 8 double
// vectors go down all rows; a partial block reads through a padded copy.
template <class Arch>
void sum_column_block(const float* x, int64_t rows, int64_t cols, int64_t c0, int64_t n, bool mean, float* out) {
  using D = xsimd::batch<double, Arch>;
  constexpr int W = static_cast<int>(xsimd::batch<float, Arch>::size);
  constexpr int H = static_cast<int>(D::size);
  const int vecs = static_cast<int>((n + W - 1) / W);
  D acc[8];
  for (D& a : acc) a = D(0.0);
  alignas(64) float b[4 * W] = {};
  const bool partial = n % W != 0;
  D lo, hi;
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols + c0;
    if (partial) {
      std::copy(row, row + n, b);
      row = b;
    }
    for (int k = 0; k < vecs; ++k) {
      widen<Arch>(row + k * W, lo, hi);
      acc[2 * k] += lo;
      acc[2 * k + 1] += hi;
    }
  }
  alignas(64) double s[8 * H];
  for (int k = 0; k < 2 * vecs; ++k) acc[k].store_aligned(s + k * H);
  for (int64_t q = 0; q < n; ++q)
    out[c0 + q] = static_cast<float>(mean ? s[q] / static_cast<double>(rows) : s[q]);
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
    default:
      for (int64_t r = 0; r < rows; ++r) {
        const double sum = sum_row<Arch>(x + r * depth, depth);
        out[r] = static_cast<float>(op == ReduceOp::Mean ? sum / static_cast<double>(depth) : sum);
      }
  }
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
    default:
      for (int64_t c = col_begin; c < col_end; c += kBlock)
        sum_column_block<Arch>(x, rows, cols, c, std::min(kBlock, col_end - c), op == ReduceOp::Mean, out);
  }
}

}  // namespace
}  // namespace frost::kernels::simd
