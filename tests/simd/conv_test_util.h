// Helpers shared by the convolution tests of tests/simd: the printed seed,
// the ISAs to test, random data and TensorFlow's SAME/VALID geometry.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/activation.h"
#include "kernels/conv.h"
#include "kernels/gemm.h"
#include "runnable_isas.h"
#include "test_seed.h"
#include "kernels/padding.h"

namespace frost::kernels {

inline uint64_t seed() {
  static const uint64_t s = ::frost::testing::seed_from_env("conv", 20260428ULL);
  return s;
}

inline std::string describe(const Conv2DParams& p) {
  std::ostringstream o;
  o << "N=" << p.batch << " in=" << p.in_h << "x" << p.in_w << "x" << p.in_c << " out=" << p.out_h << "x"
    << p.out_w << "x" << p.out_c << " filter=" << p.filter_h << "x" << p.filter_w << " stride=" << p.stride_h << ","
    << p.stride_w << " dilation=" << p.dilation_h << "," << p.dilation_w << " pad_top=" << p.pad_top
    << " pad_left=" << p.pad_left << " groups=" << p.groups << " multiplier=" << p.depth_multiplier;
  return o.str();
}

// Fills the output size and padding from TensorFlow's rules.
inline bool finish_geometry(Conv2DParams& p, bool same) {
  WindowDim h, w;
  const PaddingMode mode = same ? PaddingMode::Same : PaddingMode::Valid;
  if (!compute_window_dim(p.in_h, p.filter_h, p.stride_h, p.dilation_h, mode, 0, 0, &h)) return false;
  if (!compute_window_dim(p.in_w, p.filter_w, p.stride_w, p.dilation_w, mode, 0, 0, &w)) return false;
  if (h.output <= 0 || w.output <= 0) return false;
  p.out_h = h.output;
  p.out_w = w.output;
  p.pad_top = h.pad_before;
  p.pad_left = w.pad_before;
  return true;
}

// The fixed-shape tests' geometry: square filter and stride, output size and
// padding by TensorFlow's SAME/VALID rules (false if the output is empty).
inline bool square_conv(Conv2DParams& p, int64_t batch, int64_t h, int64_t w, int64_t in_c, int64_t out_c,
                        int64_t f, int64_t stride, bool same, int64_t groups) {
  p.batch = batch;
  p.in_h = h;
  p.in_w = w;
  p.in_c = in_c;
  p.out_c = out_c;
  p.filter_h = p.filter_w = f;
  p.stride_h = p.stride_w = stride;
  p.groups = groups;
  return finish_geometry(p, same);
}

inline std::vector<float> random_vec(std::mt19937_64& rng, int64_t n) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(std::max<int64_t>(n, 1)));
  for (float& x : v) x = d(rng);
  return v;
}

inline int64_t pick(std::mt19937_64& rng, std::initializer_list<int64_t> values) {
  return *(values.begin() + static_cast<std::ptrdiff_t>(rng() % values.size()));
}

// The epilogue the convolution kernel tests ask for (alpha 0.1 for the
// leaky activations): `want` (the bare convolution) gets it in double, in
// the kernels' order — accumulate onto `old`, bias, residual before the
// activation, the activation, scale, shift, residual after — and
// epilogue_for builds the GemmEpilogue that requests it.
// A null pointer leaves that step out.
struct EpilogueSteps {
  const float* bias = nullptr;
  const float* residual = nullptr;
  const float* old = nullptr;  // accumulate onto these outputs
  const float* scale = nullptr;  // per channel, after the activation
  const float* shift = nullptr;
  bool residual_after = false;
  Activation act = Activation::kNone;
};

inline void apply_reference_epilogue(const EpilogueSteps& e, int64_t out_c, std::vector<float>& want) {
  for (size_t u = 0; u < want.size(); ++u) {
    double x = want[u];
    if (e.old) x += e.old[u];
    if (e.bias) x += e.bias[u % static_cast<size_t>(out_c)];
    if (e.residual && !e.residual_after) x += e.residual[u];
    x = activation_reference(e.act, x, 0.1);
    if (e.scale) x *= e.scale[u % static_cast<size_t>(out_c)];
    if (e.shift) x += e.shift[u % static_cast<size_t>(out_c)];
    if (e.residual && e.residual_after) x += e.residual[u];
    want[u] = static_cast<float>(x);
  }
}

inline GemmEpilogue epilogue_for(const EpilogueSteps& e, int64_t out_c) {
  GemmEpilogue ep;
  ep.bias = e.bias;
  ep.residual = e.residual;
  ep.ldr = out_c;
  ep.activation = e.act;
  ep.alpha = 0.1f;
  ep.accumulate = e.old != nullptr;
  ep.residual_after_activation = e.residual_after;
  ep.post_scale = e.scale;
  ep.post_shift = e.shift;
  return ep;
}

}  // namespace frost::kernels
