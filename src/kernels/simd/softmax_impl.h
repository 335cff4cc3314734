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
// read before its own slot is written).
#pragma once

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

template <class Arch>
void softmax_f32_rows(const SoftmaxParams& p, const float* x, float* y, bool log) {
  using V = xsimd::batch<float, Arch>;
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
