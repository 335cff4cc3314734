// The fused epilogue of GEMM and convolution kernels (bias per column,
// residual add, activation, a per-column scale and shift after it; see
// GemmEpilogue in kernels/gemm.h), vectorised with xsimd for one ISA. Included only by per-ISA translation units, with
// internal linkage for the same reason as gemm_impl.h.
#pragma once

#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "kernels/gemm.h"
#include "kernels/simd/activation_impl.h"  // also defines FROST_SIMD_INLINE

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

// ---------------------------------------------------------------------------
// Epilogue (bias, residual, activation, scale/shift) on a stored C region, applied while
// the tile is still in L1.

template <class T, Activation kAct>
FROST_SIMD_INLINE typename T::V epilogue_vector(typename T::V x, const float* bias, const float* res,
                                                bool res_after, typename T::V alpha,
                                                const float* scale = nullptr, const float* shift = nullptr) {
  using V = typename T::V;
  if (bias != nullptr) x += V::load_unaligned(bias);
  if (res != nullptr && !res_after) x += V::load_unaligned(res);
  x = activation_op<kAct>(x, alpha);
  if (scale != nullptr) x *= V::load_unaligned(scale);
  if (shift != nullptr) x += V::load_unaligned(shift);
  if (res != nullptr && res_after) x += V::load_unaligned(res);
  return x;
}

// The per-column pointers of an epilogue region (each at column j0, or null).
struct EpilogueColumns {
  const float* bias = nullptr;
  const float* scale = nullptr;
  const float* shift = nullptr;
};

// c points at C[i0, j0]; the column pointers at column j0 (or null); res at
// residual[i0, j0] (or null). kPost: whether col.scale or col.shift may be
// set (a compile-time switch, so the common epilogue without them keeps its
// loop and tail as they were).
template <class T, Activation kAct, bool kPost>
void epilogue_flat(float* c, int64_t rows, int64_t cols, EpilogueColumns col, const float* res, bool res_after,
                   float alpha);

template <class T, Activation kAct, bool kPost>
void epilogue_region(float* c, int64_t ldc, int64_t rows, int64_t cols, EpilogueColumns col, const float* res,
                     int64_t ldr, bool res_after, float alpha) {
  using V = typename T::V;
  constexpr int W = T::W;
  if (cols < W && ldc == cols && (res == nullptr || ldr == cols) && rows * cols >= W) {
    epilogue_flat<T, kAct, kPost>(c, rows, cols, col, res, res_after, alpha);
    return;
  }
  const V va(alpha);
  auto at = [](const float* p, int64_t j) { return p != nullptr ? p + j : nullptr; };
  for (int64_t r = 0; r < rows; ++r) {
    float* cr = c + r * ldc;
    const float* rr = res != nullptr ? res + r * ldr : nullptr;
    int64_t j = 0;
    for (; j + W <= cols; j += W) {
      const V x = kPost ? epilogue_vector<T, kAct>(V::load_unaligned(cr + j), at(col.bias, j), at(rr, j), res_after,
                                                   va, at(col.scale, j), at(col.shift, j))
                        : epilogue_vector<T, kAct>(V::load_unaligned(cr + j), at(col.bias, j), at(rr, j), res_after,
                                                   va);
      x.store_unaligned(cr + j);
    }
    if (j < cols) {
      // The last < W columns go through zero-padded copies so that they get
      // exactly the same vector arithmetic as the others.
      alignas(64) float xb[W] = {}, bb[W] = {}, rb[W] = {};
      const int64_t t = cols - j;
      for (int64_t q = 0; q < t; ++q) {
        xb[q] = cr[j + q];
        if (col.bias != nullptr) bb[q] = col.bias[j + q];
        if (rr != nullptr) rb[q] = rr[j + q];
      }
      V x;
      if constexpr (kPost) {
        alignas(64) float sb[W] = {}, tb[W] = {};
        for (int64_t q = 0; q < t; ++q) {
          if (col.scale != nullptr) sb[q] = col.scale[j + q];
          if (col.shift != nullptr) tb[q] = col.shift[j + q];
        }
        x = epilogue_vector<T, kAct>(V::load_aligned(xb), col.bias != nullptr ? bb : nullptr,
                                     rr != nullptr ? rb : nullptr, res_after, va,
                                     col.scale != nullptr ? sb : nullptr, col.shift != nullptr ? tb : nullptr);
      } else {
        x = epilogue_vector<T, kAct>(V::load_aligned(xb), col.bias != nullptr ? bb : nullptr,
                                     rr != nullptr ? rb : nullptr, res_after, va);
      }
      x.store_aligned(xb);
      for (int64_t q = 0; q < t; ++q) cr[j + q] = xb[q];
    }
  }
}

// A region of rows narrower than a vector whose rows are contiguous (ldc ==
// cols: the output of a depthwise layer of 8 channels on AVX-512, of a GEMM
// with N = 3) as one flat array of rows·cols floats in full vectors: the
// per-column operands are tiled over one period lcm(cols, W) (a vector at
// flat offset i reads them at i mod period), so a pixel costs a fraction of
// a vector instead of a padded copy per row. The last (rows·cols) mod W
// floats go through padded copies as in epilogue_region. Each element gets
// the same operations as in epilogue_region.
template <class T, Activation kAct, bool kPost>
void epilogue_flat(float* c, int64_t rows, int64_t cols, EpilogueColumns col, const float* res, bool res_after,
                   float alpha) {
  using V = typename T::V;
  constexpr int W = T::W;
  int64_t period = W;
  while (period % cols != 0) period += W;  // lcm(cols, W) ≤ cols·W
  alignas(64) float tiled[3][W * W];
  const float* src[3] = {col.bias, col.scale, col.shift};
  const float* t[3] = {nullptr, nullptr, nullptr};
  for (int k = 0; k < 3; ++k) {
    if (src[k] == nullptr) continue;
    for (int64_t q = 0; q < period; ++q) tiled[k][q] = src[k][q % cols];
    t[k] = tiled[k];
  }
  auto at = [](const float* p, int64_t j) { return p != nullptr ? p + j : nullptr; };
  const V va(alpha);
  const int64_t total = rows * cols;
  int64_t i = 0, phase = 0;
  for (; i + W <= total; i += W) {
    const V x = kPost ? epilogue_vector<T, kAct>(V::load_unaligned(c + i), at(t[0], phase), at(res, i), res_after, va,
                                                 at(t[1], phase), at(t[2], phase))
                      : epilogue_vector<T, kAct>(V::load_unaligned(c + i), at(t[0], phase), at(res, i), res_after, va);
    x.store_unaligned(c + i);
    phase += W;
    if (phase == period) phase = 0;
  }
  if (i < total) {
    alignas(64) float xb[W] = {}, rb[W] = {}, pb[3][W] = {};
    const int64_t n = total - i;
    for (int64_t q = 0; q < n; ++q) {
      xb[q] = c[i + q];
      if (res != nullptr) rb[q] = res[i + q];
      for (int k = 0; k < 3; ++k)
        if (t[k] != nullptr) pb[k][q] = t[k][phase + q];
    }
    auto pad = [&](int k) { return t[k] != nullptr ? pb[k] : nullptr; };
    const V x = kPost ? epilogue_vector<T, kAct>(V::load_aligned(xb), pad(0), res != nullptr ? rb : nullptr, res_after,
                                                 va, pad(1), pad(2))
                      : epilogue_vector<T, kAct>(V::load_aligned(xb), pad(0), res != nullptr ? rb : nullptr, res_after,
                                                 va);
    x.store_aligned(xb);
    for (int64_t q = 0; q < n; ++q) c[i + q] = xb[q];
  }
}

inline bool epilogue_active(const GemmEpilogue& ep) {
  return ep.bias != nullptr || ep.residual != nullptr || ep.activation != Activation::kNone ||
         ep.post_scale != nullptr || ep.post_shift != nullptr;
}

// Applies the epilogue to C[i0:i0+rows, j0:j0+cols]; c is the base of C.
template <class T>
void apply_epilogue(float* c, int64_t ldc, int64_t i0, int64_t j0, int64_t rows, int64_t cols,
                    const GemmEpilogue& ep) {
  if (!epilogue_active(ep)) return;
  float* ct = c + i0 * ldc + j0;
  auto at = [j0](const float* p) { return p != nullptr ? p + j0 : nullptr; };
  const EpilogueColumns col{at(ep.bias), at(ep.post_scale), at(ep.post_shift)};
  const float* res = ep.residual != nullptr ? ep.residual + i0 * ep.ldr + j0 : nullptr;
  const bool after = ep.residual_after_activation;
  with_activation(ep.activation, [&](auto tag) {
    if (col.scale != nullptr || col.shift != nullptr)
      epilogue_region<T, decltype(tag)::value, true>(ct, ldc, rows, cols, col, res, ep.ldr, after, ep.alpha);
    else
      epilogue_region<T, decltype(tag)::value, false>(ct, ldc, rows, cols, col, res, ep.ldr, after, ep.alpha);
  });
}

}  // namespace
}  // namespace frost::kernels::simd
