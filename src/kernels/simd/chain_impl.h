// The fused element-wise chain (kernels/elementwise_chain.h) as a template
// over the xsimd architecture. Included only by chain_f32_<isa>.cc.
//
// The tensor is walked in rows of `row` elements (the channel count, or a
// whole number of channels, or any length when no step reads per-channel
// values) and each row in chunks of kChunk floats: a chunk is copied into an
// aligned buffer that stays in L1 while every step runs over it, then stored
// once. So a chain of k ops reads x (and its tensor operands) and writes y
// once, instead of k round trips to memory. The arithmetic per step is the
// unfused SIMD kernels' (binary_op, unary_op, activation_op), tails included
// (zero-padded lanes, never stored).
#pragma once

#include <algorithm>
#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "kernels/elementwise_chain.h"
#include "kernels/simd/binary_impl.h"
#include "kernels/simd/unary_impl.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

constexpr int64_t kChainChunk = 256;

// acc[q] = f(acc[q]) over `padded` floats (a multiple of the width).
template <class V, class F>
FROST_SIMD_INLINE void chain_map(float* acc, int64_t padded, F f) {
  constexpr int W = static_cast<int>(V::size);
  for (int64_t q = 0; q < padded; q += W) f(V::load_aligned(acc + q)).store_aligned(acc + q);
}

// acc[q] = f(acc[q], operand[q]); `count` operand floats are real, the rest
// of the last vector is read as zeros (splat: the one value everywhere).
template <class V, class F>
FROST_SIMD_INLINE void chain_zip(float* acc, int64_t padded, int64_t count, const float* operand, bool splat, F f) {
  constexpr int W = static_cast<int>(V::size);
  if (splat) {
    const V s(operand[0]);
    for (int64_t q = 0; q < padded; q += W) f(V::load_aligned(acc + q), s).store_aligned(acc + q);
    return;
  }
  int64_t q = 0;
  for (; q + W <= count; q += W) f(V::load_aligned(acc + q), V::load_unaligned(operand + q)).store_aligned(acc + q);
  if (q < count) {
    alignas(64) float tail[W] = {};
    for (int64_t i = 0; q + i < count; ++i) tail[i] = operand[q + i];
    f(V::load_aligned(acc + q), V::load_aligned(tail)).store_aligned(acc + q);
  }
}

template <class V>
void chain_unary(UnaryOp op, float* acc, int64_t padded) {
  auto with = [&](auto tag) {
    constexpr UnaryOp kOp = decltype(tag)::value;
    chain_map<V>(acc, padded, [](V v) { return unary_op<kOp>(v); });
  };
  with_vector_unary_op(op, with);  // the front end passes unary_f32_supported ops only
}

template <class V>
void chain_binary(BinaryOp op, bool operand_first, float* acc, int64_t padded, int64_t count, const float* operand,
                  bool splat) {
  auto with = [&](auto tag) {
    constexpr BinaryOp kOp = decltype(tag)::value;
    if (operand_first)
      chain_zip<V>(acc, padded, count, operand, splat, [](V a, V b) { return binary_op<kOp>(b, a); });
    else
      chain_zip<V>(acc, padded, count, operand, splat, [](V a, V b) { return binary_op<kOp>(a, b); });
  };
  with_vector_binary_op(op, with);
}

// Elements [begin, end) of y = chain(x), begin a multiple of `row`.
// channel[s] is step s's per-channel operand laid out over one row (the
// front end tiles it when a row holds several channel groups).
template <class Arch>
void chain_f32_range(const ChainParams& p, const float* const* channel, int64_t row, const float* x, float* y,
                     int64_t begin, int64_t end) {
  using V = xsimd::batch<float, Arch>;
  constexpr int64_t W = static_cast<int64_t>(V::size);
  alignas(64) float acc[kChainChunk];
  for (int64_t r0 = begin; r0 < end; r0 += row) {
    const int64_t len = std::min(row, end - r0);
    for (int64_t c0 = 0; c0 < len; c0 += kChainChunk) {
      const int64_t count = std::min(kChainChunk, len - c0), padded = (count + W - 1) / W * W;
      const int64_t at = r0 + c0;
      std::copy(x + at, x + at + count, acc);
      std::fill(acc + count, acc + padded, 0.0f);
      for (int s = 0; s < p.num_steps; ++s) {
        const ChainStep& st = p.steps[s];
        if (st.kind == ChainStep::Kind::kActivation) {
          const V alpha(st.alpha);
          with_activation(st.activation, [&](auto tag) {
            constexpr Activation kAct = decltype(tag)::value;
            chain_map<V>(acc, padded, [alpha](V v) { return activation_op<kAct>(v, alpha); });
          });
        } else if (st.kind == ChainStep::Kind::kUnary) {
          chain_unary<V>(st.unary, acc, padded);
        } else {
          const float* operand = st.data;
          switch (st.operand) {
            case ChainOperand::kInput: operand = x + at; break;
            case ChainOperand::kTensor: operand = st.data + at; break;
            case ChainOperand::kChannel: operand = channel[s] + c0; break;
            case ChainOperand::kScalar: break;
          }
          chain_binary<V>(st.binary, st.operand_first, acc, padded, count, operand,
                          st.operand == ChainOperand::kScalar);
        }
      }
      std::copy(acc, acc + count, y + at);
    }
  }
}

}  // namespace
}  // namespace frost::kernels::simd
