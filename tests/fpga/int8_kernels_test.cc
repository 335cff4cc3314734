// The DPU integer kernels against a float (double) computation of the same
// fixed-point maths: dequantise the int8 operands, compute with the float
// reference kernels (exact in double at these sizes), add the bias rounded to
// the accumulator grid, apply the activation, round half up at the output fix
// position and saturate. Integer and float must agree exactly.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/conv.h"
#include "kernels/int8_dpu.h"
#include "kernels/pool.h"
#include "runtime/fpga/fix_point.h"

using namespace frost;
using namespace frost::kernels;

namespace {

std::vector<int8_t> random_int8(std::mt19937& rng, int64_t n) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(static_cast<size_t>(n));
  for (auto& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

std::vector<double> to_double(const std::vector<int8_t>& q, int fp) {
  std::vector<double> v(q.size());
  for (size_t i = 0; i < q.size(); ++i) v[i] = std::ldexp(double(q[i]), -fp);
  return v;
}

double round_to_grid(double x, int fp) { return std::ldexp(std::floor(std::ldexp(x, fp) + 0.5), -fp); }

// The float side of dpu_requantize (see int8_dpu.h).
int8_t float_requantize(double acc, int out_fp, DpuActivation act) {
  int extra = 0;
  if (act == DpuActivation::Relu || act == DpuActivation::Relu6) acc = std::max(acc, 0.0);
  if (act == DpuActivation::LeakyRelu && acc < 0) acc *= 26.0 / 256.0, extra = 0;
  double q = std::floor(std::ldexp(acc, out_fp + extra) + 0.5);
  if (act == DpuActivation::Relu6) q = std::min(q, std::floor(6.0 * std::ldexp(1.0, out_fp) + 0.5));
  return static_cast<int8_t>(std::clamp(q, -128.0, 127.0));
}

DpuActivation random_activation(std::mt19937& rng) {
  return static_cast<DpuActivation>(std::uniform_int_distribution<int>(0, 3)(rng));
}

// out = requantize(conv + bias (+ residual)) in double.
std::vector<int8_t> float_finish(const std::vector<double>& conv, int64_t channels, const DpuOutputParams& o,
                                 const std::vector<int8_t>& bias, const std::vector<int8_t>& residual) {
  const int acc_fp = o.in_fp + o.weight_fp;
  std::vector<int8_t> out(conv.size());
  for (size_t i = 0; i < conv.size(); ++i) {
    double acc = conv[i];
    if (!bias.empty()) acc += round_to_grid(std::ldexp(double(bias[i % size_t(channels)]), -o.bias_fp), acc_fp);
    if (!residual.empty()) acc += round_to_grid(std::ldexp(double(residual[i]), -o.residual_fp), acc_fp);
    out[i] = float_requantize(acc, o.out_fp, o.activation);
  }
  return out;
}

void check_equal(const std::vector<int8_t>& got, const std::vector<int8_t>& want, const std::string& what) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i)
    if (got[i] != want[i]) FAIL(what << ": element " << i << " int " << int(got[i]) << " float " << int(want[i]));
}

Conv2DParams random_geometry(std::mt19937& rng, bool depthwise) {
  auto r = [&](int lo, int hi) { return static_cast<int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  Conv2DParams p;
  p.batch = r(1, 2);
  p.in_h = r(1, 7);
  p.in_w = r(1, 7);
  p.filter_h = r(1, 3);
  p.filter_w = r(1, 3);
  p.stride_h = r(1, 2);
  p.stride_w = r(1, 2);
  p.dilation_h = r(1, 2);
  p.dilation_w = r(1, 2);
  p.pad_top = r(0, 1);
  p.pad_left = r(0, 1);
  const int64_t eff_h = (p.filter_h - 1) * p.dilation_h + 1, eff_w = (p.filter_w - 1) * p.dilation_w + 1;
  p.in_h = std::max(p.in_h, eff_h);
  p.in_w = std::max(p.in_w, eff_w);
  p.out_h = (p.in_h + p.pad_top + r(0, 1) - eff_h) / p.stride_h + 1;
  p.out_w = (p.in_w + p.pad_left + r(0, 1) - eff_w) / p.stride_w + 1;
  if (depthwise) {
    p.in_c = r(1, 5);
    p.depth_multiplier = r(1, 2);
    p.out_c = p.in_c * p.depth_multiplier;
  } else {
    p.groups = r(1, 2);
    p.in_c = p.groups * r(1, 4);
    p.out_c = p.groups * r(1, 4);
  }
  return p;
}

DpuOutputParams random_output(std::mt19937& rng) {
  auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  DpuOutputParams o;
  o.in_fp = r(-2, 8);
  o.weight_fp = r(-2, 9);
  o.out_fp = r(-3, 8);
  o.bias_fp = r(-4, 20);  // both sides of the accumulator position
  o.activation = random_activation(rng);
  return o;
}

}  // namespace

TEST_CASE("fpga kernels: shift_round is round half up, saturation") {
  CHECK(dpu_shift_round(5, 1) == 3);    // 2.5 -> 3
  CHECK(dpu_shift_round(-5, 1) == -2);  // -2.5 -> -2 (half up, not away from zero)
  CHECK(dpu_shift_round(-7, 2) == -2);  // -1.75 -> -2
  CHECK(dpu_shift_round(3, -2) == 12);
  CHECK(dpu_saturate(300) == 127);
  CHECK(dpu_saturate(-300) == -128);
  CHECK(fpga::quantize_value(0.5f, 0) == 1);
  CHECK(fpga::quantize_value(-0.5f, 0) == 0);
  CHECK(fpga::quantize_value(1000.f, 0) == 127);
  CHECK(fpga::fix_position_for_range(1.0) == 7);
  CHECK(fpga::fix_position_for_range(1.5) == 6);
  CHECK(fpga::fix_position_for_range(0.2) == 9);  // 0.2 * 2^9 = 102.4 <= 128
  CHECK(fpga::fix_position_for_range(0.0) == fpga::kDefaultFixPosition);
}

TEST_CASE("fpga kernels: conv, depthwise and transposed conv equal the float fixed-point maths (exact)") {
  const unsigned seed = 20261122;
  MESSAGE("seed " << seed);
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 60; ++trial) {
    const int kind = trial % 3;  // 0 conv, 1 depthwise, 2 transposed
    Conv2DParams p = random_geometry(rng, kind == 1);
    DpuOutputParams o = random_output(rng);
    const int64_t in_n = p.batch * p.in_h * p.in_w * p.in_c, out_n = p.batch * p.out_h * p.out_w * p.out_c;
    const int64_t w_n = kind == 1 ? p.filter_h * p.filter_w * p.in_c * p.depth_multiplier
                                  : p.filter_h * p.filter_w * (p.in_c / p.groups) * p.out_c;
    if (kind == 2) p.groups = 1;
    const int64_t w_n2 = kind == 2 ? p.filter_h * p.filter_w * p.in_c * p.out_c : w_n;
    const std::vector<int8_t> w = random_int8(rng, w_n2);
    const std::vector<double> wd = to_double(w, o.weight_fp);
    std::vector<int8_t> bias, residual, got;
    std::vector<double> conv;
    const std::string shape = "trial " + std::to_string(trial) + " in " + std::to_string(p.in_h) + "x" +
                              std::to_string(p.in_w) + "x" + std::to_string(p.in_c) + " out " +
                              std::to_string(p.out_h) + "x" + std::to_string(p.out_w) + "x" + std::to_string(p.out_c) +
                              " k " + std::to_string(p.filter_h) + "x" + std::to_string(p.filter_w);
    if (kind == 2) {  // input is [N, out_h, out_w, out_c], output [N, in_h, in_w, in_c]
      const std::vector<int8_t> x = random_int8(rng, out_n);
      bias = random_int8(rng, p.in_c);
      o.bias = bias.data();
      got.resize(static_cast<size_t>(in_n));
      dpu_conv2d_transpose_int8(p, o, x.data(), w.data(), got.data());
      conv.resize(got.size());
      conv2d_backprop_input_reference<double>(p, to_double(x, o.in_fp).data(), wd.data(), conv.data());
      check_equal(got, float_finish(conv, p.in_c, o, bias, {}), "transposed " + shape);
      continue;
    }
    const std::vector<int8_t> x = random_int8(rng, in_n);
    bias = random_int8(rng, p.out_c);
    o.bias = bias.data();
    if (kind == 0 && trial % 2 == 0) {
      residual = random_int8(rng, out_n);
      o.residual = residual.data();
      o.residual_fp = std::uniform_int_distribution<int>(-2, 12)(rng);
    }
    got.resize(static_cast<size_t>(out_n));
    conv.resize(got.size());
    if (kind == 0) {
      dpu_conv2d_int8(p, o, x.data(), w.data(), got.data());
      conv2d_reference<double>(p, to_double(x, o.in_fp).data(), wd.data(), conv.data());
    } else {
      dpu_depthwise_conv2d_int8(p, o, x.data(), w.data(), got.data());
      depthwise_conv2d_reference<double>(p, to_double(x, o.in_fp).data(), wd.data(), conv.data());
    }
    check_equal(got, float_finish(conv, p.out_c, o, bias, residual), (kind == 0 ? "conv " : "depthwise ") + shape);
  }
}

TEST_CASE("fpga kernels: fully connected, pooling, add, mul, concat, activations (exact)") {
  const unsigned seed = 7771;
  MESSAGE("seed " << seed);
  std::mt19937 rng(seed);
  auto r = [&](int lo, int hi) { return static_cast<int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  for (int trial = 0; trial < 30; ++trial) {
    // Fully connected.
    DpuFcParams f{r(1, 4), r(1, 40), r(1, 9)};
    DpuOutputParams o = random_output(rng);
    const auto x = random_int8(rng, f.m * f.k), w = random_int8(rng, f.k * f.n), b = random_int8(rng, f.n);
    o.bias = b.data();
    std::vector<int8_t> got(static_cast<size_t>(f.m * f.n));
    dpu_fully_connected_int8(f, o, x.data(), w.data(), got.data());
    const auto xd = to_double(x, o.in_fp), wd = to_double(w, o.weight_fp);
    std::vector<double> mm(got.size());
    for (int64_t i = 0; i < f.m; ++i)
      for (int64_t j = 0; j < f.n; ++j)
        for (int64_t k = 0; k < f.k; ++k) mm[size_t(i * f.n + j)] += xd[size_t(i * f.k + k)] * wd[size_t(k * f.n + j)];
    check_equal(got, float_finish(mm, f.n, o, b, {}), "fc trial " + std::to_string(trial));

    // Pooling (average: sum / count of real elements, rounded at out_fp).
    Pool2DParams p;
    p.batch = r(1, 2), p.in_h = r(2, 7), p.in_w = r(2, 7), p.channels = r(1, 4);
    p.window_h = r(1, 3), p.window_w = r(1, 3), p.stride_h = r(1, 2), p.stride_w = r(1, 2);
    p.pad_top = r(0, p.window_h - 1), p.pad_left = r(0, p.window_w - 1);
    p.out_h = (p.in_h + p.pad_top - p.window_h) / p.stride_h + 1;
    p.out_w = (p.in_w + p.pad_left - p.window_w) / p.stride_w + 1;
    const int in_fp = int(r(-2, 8)), out_fp = int(r(-2, 8));
    const auto px = random_int8(rng, p.batch * p.in_h * p.in_w * p.channels);
    std::vector<int8_t> pooled(static_cast<size_t>(p.batch * p.out_h * p.out_w * p.channels));
    std::vector<double> pd(pooled.size());
    dpu_avg_pool_int8(p, in_fp, out_fp, px.data(), pooled.data());
    avg_pool2d_reference<double>(p, to_double(px, in_fp).data(), pd.data());
    std::vector<int8_t> want(pooled.size());
    for (size_t i = 0; i < pd.size(); ++i) want[i] = float_requantize(pd[i], out_fp, DpuActivation::None);
    check_equal(pooled, want, "avg pool trial " + std::to_string(trial));
    dpu_max_pool_int8(p, px.data(), pooled.data());
    max_pool2d_reference<double>(p, to_double(px, in_fp).data(), pd.data());
    for (size_t i = 0; i < pd.size(); ++i) want[i] = float_requantize(pd[i], in_fp, DpuActivation::None);
    check_equal(pooled, want, "max pool trial " + std::to_string(trial));

    // Add and Mul.
    DpuEltwiseParams e{r(1, 50), int(r(-2, 8)), int(r(-2, 8)), int(r(-2, 8)), random_activation(rng)};
    const auto a = random_int8(rng, e.count), c = random_int8(rng, e.count);
    std::vector<int8_t> sum(size_t(e.count)), prod(size_t(e.count)), want_s(sum.size()), want_p(sum.size());
    dpu_add_int8(e, a.data(), c.data(), sum.data());
    dpu_mul_int8(e, a.data(), c.data(), prod.data());
    const auto ad = to_double(a, e.a_fp), cd = to_double(c, e.b_fp);
    for (size_t i = 0; i < sum.size(); ++i) {
      want_s[i] = float_requantize(ad[i] + cd[i], e.out_fp, e.activation);
      want_p[i] = float_requantize(ad[i] * cd[i], e.out_fp, e.activation);
    }
    check_equal(sum, want_s, "add trial " + std::to_string(trial));
    check_equal(prod, want_p, "mul trial " + std::to_string(trial));

    // Standalone activation (requantisation).
    const DpuActivation act = random_activation(rng);
    std::vector<int8_t> y(a.size()), want_y(a.size());
    dpu_activation_int8(e.count, e.a_fp, e.out_fp, act, a.data(), y.data());
    for (size_t i = 0; i < y.size(); ++i) want_y[i] = float_requantize(ad[i], e.out_fp, act);
    check_equal(y, want_y, "activation trial " + std::to_string(trial));

    // Concat of two tensors [outer, w0] and [outer, w1].
    const int64_t outer = r(1, 4), w0 = r(1, 5), w1 = r(1, 5);
    const int fps[2] = {int(r(-2, 8)), int(r(-2, 8))};
    const int64_t widths[2] = {w0, w1};
    const auto c0 = random_int8(rng, outer * w0), c1 = random_int8(rng, outer * w1);
    const int8_t* ins[2] = {c0.data(), c1.data()};
    const DpuConcatParams cp{outer, 2, widths, fps, int(r(-2, 8))};
    std::vector<int8_t> cat(size_t(outer * (w0 + w1))), want_c;
    dpu_concat_int8(cp, ins, cat.data());
    for (int64_t i = 0; i < outer; ++i) {
      for (int64_t j = 0; j < w0; ++j)
        want_c.push_back(
            float_requantize(std::ldexp(double(c0[size_t(i * w0 + j)]), -fps[0]), cp.out_fp, DpuActivation::None));
      for (int64_t j = 0; j < w1; ++j)
        want_c.push_back(
            float_requantize(std::ldexp(double(c1[size_t(i * w1 + j)]), -fps[1]), cp.out_fp, DpuActivation::None));
    }
    check_equal(cat, want_c, "concat trial " + std::to_string(trial));
  }
}
