// Binary arithmetic with numpy broadcasting on float32 (Add, Sub, Mul, Div,
// Maximum, Minimum, SquaredDifference), as templates over the xsimd
// architecture. Included only by eltwise_f32_<isa>.cc.
//
// The broadcast plan (kernels/elementwise.h) has merged every run of
// dimensions the inputs treat alike, so the common cases reach the inner loop
// directly: same shape and scalar operand are one run of rank 1; a
// per-channel operand ([N,H,W,C] op [C]) gives rows of C where both operands
// are contiguous and the [C] one restarts at every row. Along the innermost
// output dimension an input's stride is 1 (it has that dimension) or 0
// (broadcast), so the inner run is one of four loops (each side contiguous or
// a splat); an odometer over the outer dimensions moves the runs' starts. The
// ops are the reference's IEEE operations (no contraction into FMA), so the
// results are bit-identical; Maximum/Minimum propagate NaN as TensorFlow does.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "kernels/elementwise.h"
#include "kernels/simd/eltwise_work.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

template <BinaryOp kOp, class V>
inline V binary_op(V x, V y) {
  if constexpr (kOp == BinaryOp::Add) {
    return x + y;
  } else if constexpr (kOp == BinaryOp::Sub) {
    return x - y;
  } else if constexpr (kOp == BinaryOp::Mul) {
    return x * y;
  } else if constexpr (kOp == BinaryOp::Div) {
    return x / y;
  } else if constexpr (kOp == BinaryOp::Maximum || kOp == BinaryOp::Minimum) {
    const V m = kOp == BinaryOp::Maximum ? xsimd::select(x > y, x, y) : xsimd::select(x < y, x, y);
    return xsimd::select(xsimd::isnan(x), x, xsimd::select(xsimd::isnan(y), y, m));
  } else {
    static_assert(kOp == BinaryOp::SquaredDifference);
    const V d = x - y;
    return d * d;
  }
}

// out[j] = op(x[j·kSx], y[j·kSy]) for j < n; kSx, kSy are 0 or 1.
template <class V, BinaryOp kOp, int kSx, int kSy>
void binary_run(const float* x, const float* y, float* out, int64_t n) {
  constexpr int W = static_cast<int>(V::size);
  auto lx = [x](int64_t j) { return kSx == 0 ? V(x[0]) : V::load_unaligned(x + j); };
  auto ly = [y](int64_t j) { return kSy == 0 ? V(y[0]) : V::load_unaligned(y + j); };
  int64_t j = 0;
  for (; j + 4 * W <= n; j += 4 * W) {
#pragma GCC unroll 4
    for (int u = 0; u < 4; ++u) binary_op<kOp>(lx(j + u * W), ly(j + u * W)).store_unaligned(out + j + u * W);
  }
  for (; j + W <= n; j += W) binary_op<kOp>(lx(j), ly(j)).store_unaligned(out + j);
  if (j < n) {
    // The last < W elements go through padded copies: same vector arithmetic.
    alignas(64) float xb[W] = {}, yb[W] = {};
    for (int64_t q = 0; q < n - j; ++q) {
      xb[q] = x[(j + q) * kSx];
      yb[q] = y[(j + q) * kSy];
    }
    binary_op<kOp>(V::load_aligned(xb), V::load_aligned(yb)).store_aligned(xb);
    for (int64_t q = 0; q < n - j; ++q) out[j + q] = xb[q];
  }
}

// The per-channel case, out[r, j] = op(x[r, j], y[j]) (or op(y[j], x[r, j])
// when kRowFirst), for the output elements [begin, end) of [rows, c]: scales
// and shifts per channel, the squeeze-excite block's x·s. Whole rows run back
// to back in one loop instead of one call per row of c (a row of 64 floats
// is four AVX-512 vectors: the call cost as much as the arithmetic); partial
// rows at the ends of the range and the < W tail of a row take binary_run.
// When c is not a multiple of W, a row would end in a padded tail every c
// elements (a 3-channel image: 5 ns an element, 20× a vectorised add), so the
// row is first repeated to lcm(c, W) floats, a period of both, and the range
// runs in vectors against that tile.
template <class V, BinaryOp kOp, bool kRowFirst>
void binary_channel_rows(const float* full, const float* row, float* out, int64_t c, int64_t begin, int64_t end) {
  constexpr int W = static_cast<int>(V::size);
  // Runs out[o, o + n) with the row starting at column j.
  auto part = [&](int64_t o, const float* r, int64_t n) {
    if (kRowFirst)
      binary_run<V, kOp, 1, 1>(r, full + o, out + o, n);
    else
      binary_run<V, kOp, 1, 1>(full + o, r, out + o, n);
  };
  const int64_t tile = channel_tile(c, W);
  if (c % W != 0 && tile <= kMaxChannelTile && end - begin >= tile) {
    alignas(64) float tiled[kMaxChannelTile];
    for (int64_t t = 0; t < tile; ++t) tiled[t] = row[t % c];
    // Each piece ends where the tile does (at a row's start) or at `end`.
    for (int64_t o = begin, j = begin % c; o < end; j = 0) {
      const int64_t n = std::min(tile - j, end - o);
      part(o, tiled + j, n);
      o += n;
    }
    return;
  }
  int64_t o = begin;
  if (const int64_t j = o % c; j != 0) {
    const int64_t n = std::min(c - j, end - o);
    part(o, row + j, n);
    o += n;
  }
  const int64_t vec_end = c - c % W;
  for (; o + c <= end; o += c) {
    const float* fr = full + o;
    float* orow = out + o;
    for (int64_t j = 0; j < vec_end; j += W) {
      const V f = V::load_unaligned(fr + j), r = V::load_unaligned(row + j);
      (kRowFirst ? binary_op<kOp>(r, f) : binary_op<kOp>(f, r)).store_unaligned(orow + j);
    }
    if (vec_end < c) part(o + vec_end, row + vec_end, c - vec_end);
  }
  if (o < end) part(o, row, end - o);
}

template <class V, BinaryOp kOp>
void binary_range(const Broadcast& b, const float* x, const float* y, float* out, int64_t begin, int64_t end) {
  if (begin >= end) return;
  if (b.rank == 2 && b.strides[0][1] == 1 && b.strides[1][1] == 1) {
    const int64_t c = b.out_dims[1];
    if (b.strides[0][0] == c && b.strides[1][0] == 0)
      return binary_channel_rows<V, kOp, false>(x, y, out, c, begin, end);
    if (b.strides[1][0] == c && b.strides[0][0] == 0)
      return binary_channel_rows<V, kOp, true>(y, x, out, c, begin, end);
  }
  const int inner = b.rank - 1;
  const int64_t len = b.out_dims[inner];
  const int64_t sx = b.strides[0][inner], sy = b.strides[1][inner];
  using Run = void (*)(const float*, const float*, float*, int64_t);
  const Run run = sx != 0 ? (sy != 0 ? binary_run<V, kOp, 1, 1> : binary_run<V, kOp, 1, 0>)
                          : (sy != 0 ? binary_run<V, kOp, 0, 1> : binary_run<V, kOp, 0, 0>);
  // Where `begin` is: outer index (odometer) and position j in its row.
  int64_t index[kMaxBroadcastRank] = {};
  int64_t ox = 0, oy = 0;
  int64_t rest = begin / len, j = begin % len;
  for (int d = inner - 1; d >= 0; --d) {
    index[d] = rest % b.out_dims[d];
    rest /= b.out_dims[d];
    ox += index[d] * b.strides[0][d];
    oy += index[d] * b.strides[1][d];
  }
  for (int64_t o = begin; o < end;) {
    const int64_t n = std::min(len - j, end - o);
    run(x + ox + j * sx, y + oy + j * sy, out + o, n);
    o += n;
    j = 0;
    for (int d = inner - 1; d >= 0; --d) {
      if (++index[d] < b.out_dims[d]) {
        ox += b.strides[0][d];
        oy += b.strides[1][d];
        break;
      }
      index[d] = 0;
      ox -= b.strides[0][d] * (b.out_dims[d] - 1);
      oy -= b.strides[1][d] * (b.out_dims[d] - 1);
    }
  }
}

// with(std::integral_constant<BinaryOp, op>{}) for the ops binary_op has a
// vector form of, so that each caller's loop is compiled once per op;
// nothing for the others (the front ends pass supported ops only).
template <class With>
void with_vector_binary_op(BinaryOp op, With&& with) {
  switch (op) {
    case BinaryOp::Add: return with(std::integral_constant<BinaryOp, BinaryOp::Add>{});
    case BinaryOp::Sub: return with(std::integral_constant<BinaryOp, BinaryOp::Sub>{});
    case BinaryOp::Mul: return with(std::integral_constant<BinaryOp, BinaryOp::Mul>{});
    case BinaryOp::Div: return with(std::integral_constant<BinaryOp, BinaryOp::Div>{});
    case BinaryOp::Maximum: return with(std::integral_constant<BinaryOp, BinaryOp::Maximum>{});
    case BinaryOp::Minimum: return with(std::integral_constant<BinaryOp, BinaryOp::Minimum>{});
    case BinaryOp::SquaredDifference: return with(std::integral_constant<BinaryOp, BinaryOp::SquaredDifference>{});
    default: return;
  }
}

template <class Arch>
void binary_f32_range(BinaryOp op, const Broadcast& b, const float* x, const float* y, float* out, int64_t begin,
                      int64_t end) {
  using V = xsimd::batch<float, Arch>;
  // the front end only passes binary_f32_supported ops
  with_vector_binary_op(op, [&](auto tag) { binary_range<V, decltype(tag)::value>(b, x, y, out, begin, end); });
}

}  // namespace
}  // namespace frost::kernels::simd
