// What the AVX-512 kernels that keep a panel of up to 64 output channels
// (conv_resident_f32_avx512.cc, conv_taps_f32_avx512.cc) share: what they
// do after their sums, the panel's per-channel operands, and the strip of
// input rows one output row reads. Included by AVX-512 translation units
// only.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <limits>
#include <xsimd/xsimd.hpp>

#include "kernels/conv.h"
#include "kernels/gemm.h"

namespace frost::kernels::simd {
namespace panel_epilogue_detail {
constexpr int kLanes = 16;
constexpr int kMaxNv = 4;
}  // namespace panel_epilogue_detail

struct PanelTraits {  // what epilogue_impl.h needs of a tile's traits
  using V = xsimd::batch<float, xsimd::avx512f>;
  static constexpr int W = panel_epilogue_detail::kLanes;
};

// What the kernel does after the sums: add the bias and clamp to [lo, hi]
// (an epilogue of bias and none / ReLU / ReLU6, the usual one), then with
// `post` scale and shift, or store them (adding the output's previous
// contents with accumulate) for apply_epilogue.
struct PanelEpilogue {
  bool in_line = false;
  bool accumulate = false;
  bool post = false;
  float lo = 0.0f, hi = 0.0f;
};

inline PanelEpilogue panel_epilogue(const GemmEpilogue& ep) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  PanelEpilogue e;
  e.accumulate = ep.accumulate;
  if (ep.residual != nullptr || ep.accumulate) return e;
  const bool post = ep.post_scale != nullptr || ep.post_shift != nullptr;
  switch (ep.activation) {
    case Activation::kNone: e = {true, false, post, -kInf, kInf}; break;
    case Activation::kRelu: e = {true, false, post, 0.0f, kInf}; break;
    case Activation::kRelu6: e = {true, false, post, 0.0f, 6.0f}; break;
    default: break;
  }
  return e;
}

// The panel's per-channel operands padded to whole vectors (bias and shift
// with zeros, scale with ones), so that the kernel loads them without
// masks.
struct PanelColumns {
  alignas(64) float bias[panel_epilogue_detail::kMaxNv * panel_epilogue_detail::kLanes] = {};
  alignas(64) float scale[panel_epilogue_detail::kMaxNv * panel_epilogue_detail::kLanes];
  alignas(64) float shift[panel_epilogue_detail::kMaxNv * panel_epilogue_detail::kLanes] = {};
  PanelColumns(const GemmEpilogue& ep, int64_t j0, int64_t cols) {
    for (float& x : scale) x = 1.0f;
    for (int64_t j = 0; j < cols; ++j) {
      if (ep.bias != nullptr) bias[j] = ep.bias[j0 + j];
      if (ep.post_scale != nullptr) scale[j] = ep.post_scale[j0 + j];
      if (ep.post_shift != nullptr) shift[j] = ep.post_shift[j0 + j];
    }
  }
};

// The lanes of vector v of a panel of `cols` channels that hold channels.
inline __mmask16 panel_vector_mask(int64_t cols, int v) {
  const int64_t n = cols - v * panel_epilogue_detail::kLanes;
  return n >= panel_epilogue_detail::kLanes ? static_cast<__mmask16>(0xFFFF)
         : n <= 0                           ? 0
                                            : static_cast<__mmask16>((1u << n) - 1u);
}

// Stores vector v of a pixel's sums x at c (the pixel's first channel of
// the panel): in line (e.in_line), clamped to [lo, hi] and with post scaled
// and shifted by col's vector v; otherwise, with accumulate, added to the
// output's previous contents; masked unless the panel is whole. The
// kernels pass constants where they can, which the inlining folds.
__attribute__((always_inline)) inline void store_panel_vector(__m512 x, float* c, int v, __mmask16 mask, bool whole,
                                                              bool in_line, bool post, bool accumulate, __m512 lo,
                                                              __m512 hi, const PanelColumns* col) {
  constexpr int kLanes = panel_epilogue_detail::kLanes;
  if (in_line) {
    x = _mm512_min_ps(hi, _mm512_max_ps(lo, x));
    if (post) x = _mm512_fmadd_ps(x, _mm512_load_ps(col->scale + v * kLanes), _mm512_load_ps(col->shift + v * kLanes));
  } else if (accumulate) {
    x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(mask, c + v * kLanes));
  }
  if (whole)
    _mm512_storeu_ps(c + v * kLanes, x);
  else
    _mm512_mask_storeu_ps(c + v * kLanes, mask, x);
}

// The input columns one output row reads: the width of the strip of its fh
// input rows that the window kernels copy a row's borders into.
inline int64_t panel_strip_width(const Conv2DParams& p) {
  return (p.out_w - 1) * p.stride_w + (p.filter_w - 1) * p.dilation_w + 1;
}
// Floats of one strip (fh rows of panel_strip_width pixels), whole vectors.
inline int64_t panel_strip_floats(const Conv2DParams& p) {
  constexpr int64_t kLanes = panel_epilogue_detail::kLanes;
  return (p.filter_h * panel_strip_width(p) * p.in_c + kLanes - 1) / kLanes * kLanes;
}

}  // namespace frost::kernels::simd
