// Softmax and log-softmax over the innermost dimension on float32, as
// templates over the xsimd architecture. Included only by
// eltwise_f32_<isa>.cc.
//
// Per row: the maximum (vector compare-select, lanes reduced at the end),
// then exp(x − max) with xsimd's polynomial exp, summed in float in 4 vector
// accumulators (the reference sums in double: the results differ by rounding
// only); softmax stores the exponentials and scales them by 1/sum,
// log-softmax writes (x − max) − log(sum). A NaN in a row makes the sum NaN and
// so the whole row NaN, as in the reference. y may equal x (every element is
// read before its own slot is written). Rows shorter than two vectors are
// done in blocks of rows (softmax_short_rows).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <xsimd/xsimd.hpp>

#include "kernels/simd/unary_impl.h"
#include "kernels/softmax.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

template <class V>
float row_max(const float* x, int64_t depth) {
  constexpr int W = static_cast<int>(V::size);
  V m(-std::numeric_limits<float>::infinity());
  int64_t j = 0;
  for (; j + W <= depth; j += W) {
    const V v = V::load_unaligned(x + j);
    m = xsimd::select(v > m, v, m);
  }
  alignas(64) float lanes[W];
  m.store_aligned(lanes);
  float r = lanes[0];
  for (int q = 1; q < W; ++q) r = lanes[q] > r ? lanes[q] : r;
  for (; j < depth; ++j) r = x[j] > r ? x[j] : r;
  return r;
}

// Σ exp(x[j] − m); stores the exponentials to e unless it is null.
template <class V>
float exp_sum(const float* x, float* e, int64_t depth, float m) {
  constexpr int W = static_cast<int>(V::size);
  const V vm(m);
  V acc[4] = {V(0.0f), V(0.0f), V(0.0f), V(0.0f)};
  auto step = [&](int64_t j, int k) {
    const V v = xsimd::exp(V::load_unaligned(x + j) - vm);
    if (e != nullptr) v.store_unaligned(e + j);
    acc[k] += v;
  };
  int64_t j = 0;
  for (; j + 4 * W <= depth; j += 4 * W)
    for (int k = 0; k < 4; ++k) step(j + k * W, k);
  for (; j + W <= depth; j += W) step(j, 0);
  if (j < depth) {
    // Padding lanes hold −inf: exp gives 0 and the sum is unchanged.
    alignas(64) float b[W];
    for (int q = 0; q < W; ++q) b[q] = j + q < depth ? x[j + q] : -std::numeric_limits<float>::infinity();
    const V v = xsimd::exp(V::load_aligned(b) - vm);
    acc[1] += v;
    v.store_aligned(b);
    if (e != nullptr)
      for (int64_t q = 0; q < depth - j; ++q) e[j + q] = b[q];
  }
  // Lanes summed through memory: xsimd 8's hadd for AVX-512F needs AVX-512DQ.
  alignas(64) float lanes[W];
  ((acc[0] + acc[1]) + (acc[2] + acc[3])).store_aligned(lanes);
  float sum = 0.0f;
  for (int q = 0; q < W; ++q) sum += lanes[q];
  return sum;
}

// Rows shorter than two vectors (an SSD head's 2 or 21 class scores per box,
// thousands of boxes): one row at a time runs a padded vector of exp and
// three lane reductions for each (ultraface's 17640×2 took 0.57 ms in the
// model, 16 ns an element). Here a block of whole rows is shifted by each
// row's maximum into a buffer, exponentiated as one contiguous run of
// vectors, and summed and scaled row by row. One thread, AVX-512, 17640 rows:
// 2 wide 21 µs, 21 wide 362 µs (767 by the long-row loop), 31 wide 0.98 ns an
// element against the long-row loop's 1.45 at 33. y may equal x: a block is
// read before any of it is written.
inline constexpr int64_t kShortRowBlock = 512;  // floats per block

// kDepth is the row length when known at compile time (the loops over a
// row then unroll and the compiler vectorises across rows: 2 wide, 21 µs
// instead of 109 with the run-time length), 0 otherwise.
template <class V, int kDepth>
void softmax_short_rows(const SoftmaxParams& p, const float* x, float* y, bool log) {
  const int64_t d = kDepth > 0 ? kDepth : p.depth, rows_per_block = kShortRowBlock / d;
  alignas(64) float shifted[kShortRowBlock], e[kShortRowBlock], scale[kShortRowBlock];
  for (int64_t r0 = 0; r0 < p.outer; r0 += rows_per_block) {
    const int64_t rows = std::min(rows_per_block, p.outer - r0), n = rows * d;
    const float* in = x + r0 * d;
    for (int64_t r = 0; r < rows; ++r) {
      float m = in[r * d];
      for (int64_t j = 1; j < d; ++j) m = in[r * d + j] > m ? in[r * d + j] : m;
      for (int64_t j = 0; j < d; ++j) shifted[r * d + j] = in[r * d + j] - m;
    }
    map_vectors<V>(shifted, e, n, [](V v) { return xsimd::exp(v); });
    for (int64_t r = 0; r < rows; ++r) {
      float sum = 0.0f;
      for (int64_t j = 0; j < d; ++j) sum += e[r * d + j];
      scale[r] = sum;
    }
    float* out = y + r0 * d;
    if (log) {
      for (int64_t r = 0; r < rows; ++r) scale[r] = std::log(scale[r]);
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < d; ++j) out[r * d + j] = shifted[r * d + j] - scale[r];
    } else {
      map_vectors<V>(scale, scale, rows, [](V v) { return V(1.0f) / v; });
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < d; ++j) out[r * d + j] = e[r * d + j] * scale[r];
    }
  }
}

template <class V>
void softmax_short_rows(const SoftmaxParams& p, const float* x, float* y, bool log) {
  switch (p.depth) {
    case 1: return softmax_short_rows<V, 1>(p, x, y, log);
    case 2: return softmax_short_rows<V, 2>(p, x, y, log);
    case 3: return softmax_short_rows<V, 3>(p, x, y, log);
    case 4: return softmax_short_rows<V, 4>(p, x, y, log);
    case 5: return softmax_short_rows<V, 5>(p, x, y, log);
    case 6: return softmax_short_rows<V, 6>(p, x, y, log);
    case 7: return softmax_short_rows<V, 7>(p, x, y, log);
    case 8: return softmax_short_rows<V, 8>(p, x, y, log);
    default: return softmax_short_rows<V, 0>(p, x, y, log);
  }
}

template <class Arch>
void softmax_f32_rows(const SoftmaxParams& p, const float* x, float* y, bool log) {
  using V = xsimd::batch<float, Arch>;
  if (p.depth > 0 && p.depth < 2 * static_cast<int64_t>(V::size)) return softmax_short_rows<V>(p, x, y, log);
  for (int64_t r = 0; r < p.outer; ++r) {
    const float* in = x + r * p.depth;
    float* out = y + r * p.depth;
    const float m = row_max<V>(in, p.depth);
    if (log) {
      const V vm(m), vlog(std::log(exp_sum<V>(in, nullptr, p.depth, m)));
      map_vectors<V>(in, out, p.depth, [vm, vlog](V v) { return (v - vm) - vlog; });
    } else {
      const float inv = 1.0f / exp_sum<V>(in, out, p.depth, m);
      map_vectors<V>(out, out, p.depth, [s = V(inv)](V v) { return v * s; });
    }
  }
}

}  // namespace
}  // namespace frost::kernels::simd
