// What the AVX-512 kernels that keep a panel of up to 64 output channels
// (conv_resident_f32_avx512.cc, conv_taps_f32_avx512.cc) do after their
// sums, and the panel's per-channel operands. Included by AVX-512
// translation units only.
#pragma once

#include <cstdint>
#include <limits>
#include <xsimd/xsimd.hpp>

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

}  // namespace frost::kernels::simd
