// Reference quantisation kernels. The arithmetic mirrors TensorFlow's CPU
// kernels step by step (which parts are float, which double, which rounding),
// because quantised graphs are only reproducible if every rounding agrees.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/quantize.h"

namespace frost::kernels {

namespace {

template <class Q>
using Limits = std::numeric_limits<Q>;

template <class Q>
constexpr int64_t kSteps = int64_t{1} << (8 * sizeof(Q));  // number of quantised levels

// double -> int64 without undefined behaviour: saturates, NaN gives 0.
int64_t saturate_to_int64(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (v <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

// float -> Q with saturation (inputs are already integral or truncate).
template <class Q>
Q saturate_to(float v) {
  if (!(v > static_cast<float>(Limits<Q>::lowest()))) return Limits<Q>::lowest();
  if (v >= static_cast<float>(Limits<Q>::max())) return Limits<Q>::max();
  return static_cast<Q>(v);
}

// TensorFlow's QuantizedToFloatStruct + DEQUANTIZE_WITH_EIGEN (all float).
template <class Q>
struct MinFirstDequantizer {
  float range_scale, offset;
  MinFirstDequantizer(float range_min, float range_max) {
    range_scale = static_cast<float>((range_max - range_min) / (kSteps<Q> - 1.0));
    const float range_min_rounded =
        range_max == range_min ? range_min : std::round(range_min / range_scale) * range_scale;
    offset = range_min_rounded - static_cast<float>(Limits<Q>::lowest()) * range_scale;
  }
  float operator()(Q v) const { return offset + static_cast<float>(v) * range_scale; }
};

// TensorFlow's FloatToQuantizedStruct + QUANTIZE_WITH_EIGEN (all float).
template <class Q>
struct MinFirstQuantizer {
  float range_scale, range_min_scaled, lower, upper;
  MinFirstQuantizer(float range_min, float range_max) {
    range_scale = range_max == range_min ? 0.0f : static_cast<float>((kSteps<Q> - 1.0) / (range_max - range_min));
    range_min_scaled = std::round(range_min * range_scale);
    // Bounds that convert back to int32 without overflow (qint32's limits do not).
    lower = std::max(static_cast<float>(Limits<Q>::lowest()), -2.147483648e+09f);
    upper = std::min(static_cast<float>(Limits<Q>::max()), +2.147483520e+09f);
  }
  Q operator()(float x) const {
    float q = std::round(x * range_scale) - (range_min_scaled - static_cast<float>(Limits<Q>::lowest()));
    if (!(q > lower)) q = lower;  // NaN too
    if (q > upper) q = upper;
    return static_cast<Q>(static_cast<int32_t>(q));
  }
};

// The range QuantizeV2 really uses: contains 0 and is at least
// ensure_minimum_range (relative to the larger bound, at least 1) wide.
void adjusted_range(float in_min, float in_max, float ensure_minimum_range, float* min_r, float* max_r) {
  *min_r = std::min(0.0f, in_min);
  const float epsilon = std::max(1.0f, std::max(std::fabs(in_min), std::fabs(in_max))) * ensure_minimum_range;
  *max_r = std::max(0.0f, std::max(in_max, *min_r + epsilon));
}

// Calls f(channel, element offset) over a [outer, channels, inner] view.
template <class F>
void for_each_slice_element(const QuantizedSlices& s, F&& f) {
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t c = 0; c < s.channels; ++c)
      for (int64_t i = 0; i < s.inner; ++i) f(c, (o * s.channels + c) * s.inner + i);
}

}  // namespace

template <class Q>
int64_t float_to_quantized_unclamped(float value, float range_min, float range_max) {
  const int64_t lowest = Limits<Q>::lowest();
  if (range_min == range_max) return lowest;
  const double range_adjust = kSteps<Q> / (kSteps<Q> - 1.0);
  const double range = static_cast<double>(range_max - range_min) * range_adjust;
  const double range_scale = kSteps<Q> / range;
  const double quantized = std::round(value * range_scale) - std::round(range_min * range_scale);
  return saturate_to_int64(quantized) + lowest;
}

template <class Q>
Q float_to_quantized(float value, float range_min, float range_max) {
  const int64_t q = float_to_quantized_unclamped<Q>(value, range_min, range_max);
  return static_cast<Q>(std::clamp<int64_t>(q, Limits<Q>::lowest(), Limits<Q>::max()));
}

template <class Q>
float quantized_to_float(Q value, float range_min, float range_max) {
  if (range_min == range_max) return range_min;
  const double range_adjust = kSteps<Q> / (kSteps<Q> - 1.0);
  const double range = static_cast<double>(range_max - range_min) * range_adjust;
  const double range_scale = range / kSteps<Q>;
  const double offset_input = static_cast<double>(value) - static_cast<double>(Limits<Q>::lowest());
  // Rounded in float, as TensorFlow does for agreement with its Eigen path.
  const float scale_f = static_cast<float>(range_scale);
  const double range_min_rounded = std::round(range_min / scale_f) * scale_f;
  return static_cast<float>(range_min_rounded + offset_input * range_scale);
}

template <class Q>
void dequantize_reference(QuantizeMode mode, bool narrow_range, const QuantizedSlices& s, const float* min_range,
                          const float* max_range, const Q* in, float* out) {
  const float q_max = static_cast<float>(Limits<Q>::max());
  const float q_min = static_cast<float>(Limits<Q>::min());
  switch (mode) {
    case QuantizeMode::MinCombined: {
      // out = (in + half_range) * (max - min) / range(Q) + min; half_range shifts signed types to start at 0.
      const float half_range = std::is_signed_v<Q> ? (q_max - q_min + 1) / 2.0f : 0.0f;
      for_each_slice_element(s, [&](int64_t c, int64_t i) {
        const float scale = (max_range[c] - min_range[c]) / (q_max - q_min);
        out[i] = (static_cast<float>(in[i]) + half_range) * scale + min_range[c];
      });
      return;
    }
    case QuantizeMode::MinFirst: {
      const MinFirstDequantizer<Q> dq(min_range[0], max_range[0]);
      for_each_slice_element(s, [&](int64_t, int64_t i) { out[i] = dq(in[i]); });
      return;
    }
    case QuantizeMode::Scaled: {
      // Symmetric: one scale maps the range's larger side onto Q's.
      const int min_output = static_cast<int>(Limits<Q>::min()) + (narrow_range ? 1 : 0);
      for_each_slice_element(s, [&](int64_t c, int64_t i) {
        const float scale = Limits<Q>::min() == 0
                                ? max_range[c] / q_max
                                : std::max(min_range[c] / static_cast<float>(min_output), max_range[c] / q_max);
        out[i] = static_cast<float>(in[i]) * scale;
      });
      return;
    }
  }
}

template <class Q>
void quantize_reference(const QuantizeParams& p, const QuantizedSlices& s, const float* min_range,
                        const float* max_range, const float* in, Q* out, float* out_min, float* out_max) {
  for (int64_t c = 0; c < s.channels; ++c) {
    float min_r, max_r;
    adjusted_range(min_range[c], max_range[c], p.ensure_minimum_range, &min_r, &max_r);
    auto channel = [&](auto&& quantize_one) {
      for (int64_t o = 0; o < s.outer; ++o) {
        const int64_t base = (o * s.channels + c) * s.inner;
        for (int64_t i = 0; i < s.inner; ++i) {
          const float x = std::isnan(in[base + i]) ? min_r : in[base + i];
          out[base + i] = quantize_one(x);
        }
      }
    };
    switch (p.mode) {
      case QuantizeMode::MinCombined: {
        const float scale = static_cast<float>(
            (static_cast<double>(Limits<Q>::max()) - static_cast<double>(Limits<Q>::min())) / (max_r - min_r));
        const float half_range =
            std::is_signed_v<Q>
                ? static_cast<float>(
                      (static_cast<double>(Limits<Q>::max()) - static_cast<double>(Limits<Q>::min()) + 1) / 2.0f)
                : 0.0f;
        channel([&](float x) {
          const float clamped = std::max(std::min(x, max_r), min_r);
          if constexpr (std::is_signed_v<Q>) return saturate_to<Q>(std::round((clamped - min_r) * scale - half_range));
          return saturate_to<Q>((clamped - min_r) * scale + 0.5f);  // truncation of a non-negative value
        });
        break;
      }
      case QuantizeMode::MinFirst: {
        const MinFirstQuantizer<Q> q(min_r, max_r);
        channel([&](float x) { return q(x); });
        break;
      }
      case QuantizeMode::Scaled: {
        const int min_output = static_cast<int>(Limits<Q>::min()) + (p.narrow_range ? 1 : 0);
        const int max_output = static_cast<int>(Limits<Q>::max());
        const float from_min = static_cast<float>(min_output) * min_r > 0 ? static_cast<float>(min_output) / min_r
                                                                          : std::numeric_limits<float>::max();
        const float from_max = static_cast<float>(max_output) * max_r > 0 ? static_cast<float>(max_output) / max_r
                                                                          : std::numeric_limits<float>::max();
        const float scale = std::min(from_min, from_max);
        min_r = static_cast<float>(min_output) / scale;
        max_r = static_cast<float>(max_output) / scale;
        const bool to_even = p.round == QuantizeRound::HalfToEven;
        channel([&](float x) {
          const float scaled = std::max(std::min(x, max_r), min_r) * scale;
          return saturate_to<Q>(to_even ? std::nearbyint(scaled) : std::round(scaled));
        });
        break;
      }
    }
    out_min[c] = min_r;
    out_max[c] = max_r;
  }
}

template <class Q>
void requantize_reference(int64_t n, const int32_t* in, float in_min, float in_max, float out_min, float out_max,
                          Q* out) {
  if constexpr (std::is_same_v<Q, uint8_t>) {
    // TensorFlow's fixed-point path for qint32 -> quint8 (16 fractional bits).
    constexpr int kShift = 16;
    const float input_range = in_max - in_min;
    const float output_range = out_max - out_min;
    const float recip_output_range = output_range == 0.0f ? 0.0f : static_cast<float>(255.0 / output_range);
    const float input_rezero = static_cast<float>((in_min + in_max) / 2.0);
    const int64_t range_scale_fp =
        output_range == 0.0f ? 0 : saturate_to_int64(255.0 * (1 << kShift) * input_range / output_range);
    const int64_t input_offset_fp = saturate_to_int64(input_rezero * recip_output_range * (1 << kShift));
    const int64_t output_offset_fp =
        output_range == 0.0f ? 0 : saturate_to_int64((1 << kShift) * (out_min * 255.0) / output_range);
    const int64_t rounding_delta = 1 << (kShift - 1);
    for (int64_t i = 0; i < n; ++i) {
      // 64-bit product wraps as in TensorFlow (defined here via unsigned arithmetic).
      const auto product = static_cast<int64_t>(static_cast<uint64_t>(int64_t{in[i]}) * static_cast<uint64_t>(range_scale_fp));
      const int64_t fp_value = (product >> 32) + (input_offset_fp - output_offset_fp + rounding_delta);
      out[i] = static_cast<uint8_t>(std::clamp<int64_t>(fp_value >> kShift, 0, 255));
    }
  } else {
    const MinFirstDequantizer<int32_t> dq(in_min, in_max);
    const MinFirstQuantizer<Q> q(out_min, out_max);
    for (int64_t i = 0; i < n; ++i) out[i] = q(dq(in[i]));
  }
}

void requantization_range_reference(int64_t n, const int32_t* in, float in_min, float in_max, float* used_min,
                                    float* used_max) {
  int32_t lo = std::numeric_limits<int32_t>::max(), hi = std::numeric_limits<int32_t>::lowest();
  for (int64_t i = 0; i < n; ++i) {
    lo = std::min(lo, in[i]);
    hi = std::max(hi, in[i]);
  }
  *used_min = std::min(0.0f, quantized_to_float<int32_t>(lo, in_min, in_max));
  *used_max = quantized_to_float<int32_t>(hi, in_min, in_max);
}

void quantized_matmul_reference(const QuantizedGemmShape& s, const uint8_t* a, int32_t offset_a, const uint8_t* b,
                                int32_t offset_b, int32_t* c) {
  for (int64_t i = 0; i < s.m; ++i) {
    for (int64_t j = 0; j < s.n; ++j) {
      int64_t sum = 0;
      for (int64_t p = 0; p < s.k; ++p) {
        const int64_t av = s.trans_a ? a[p * s.m + i] : a[i * s.k + p];
        const int64_t bv = s.trans_b ? b[j * s.k + p] : b[p * s.n + j];
        sum += (av - offset_a) * (bv - offset_b);
      }
      c[i * s.n + j] = static_cast<int32_t>(
          std::clamp<int64_t>(sum, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()));
    }
  }
}

void quantized_matmul_output_range(float min_a, float max_a, float min_b, float max_b, float* min_c, float* max_c) {
  const float a_step = (max_a - min_a) / 255.0f;
  const float b_step = (max_b - min_b) / 255.0f;
  const float c_step = a_step * b_step;
  *min_c = c_step * static_cast<float>(std::numeric_limits<int32_t>::min());
  *max_c = c_step * static_cast<float>(std::numeric_limits<int32_t>::max());
}

template <class Q>
void quantized_clamp_reference(int64_t n, const Q* in, Q lower, Q upper, Q* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = std::min(std::max(in[i], lower), upper);
}

#define FROST_INSTANTIATE_QUANTIZE(Q)                                                                              \
  template int64_t float_to_quantized_unclamped<Q>(float, float, float);                                           \
  template Q float_to_quantized<Q>(float, float, float);                                                           \
  template float quantized_to_float<Q>(Q, float, float);                                                           \
  template void dequantize_reference<Q>(QuantizeMode, bool, const QuantizedSlices&, const float*, const float*,    \
                                        const Q*, float*);                                                         \
  template void quantize_reference<Q>(const QuantizeParams&, const QuantizedSlices&, const float*, const float*,   \
                                      const float*, Q*, float*, float*);                                           \
  template void quantized_clamp_reference<Q>(int64_t, const Q*, Q, Q, Q*);

FROST_INSTANTIATE_QUANTIZE(uint8_t)
FROST_INSTANTIATE_QUANTIZE(int8_t)
FROST_INSTANTIATE_QUANTIZE(uint16_t)
FROST_INSTANTIATE_QUANTIZE(int16_t)
FROST_INSTANTIATE_QUANTIZE(int32_t)
template void requantize_reference<uint8_t>(int64_t, const int32_t*, float, float, float, float, uint8_t*);
template void requantize_reference<int8_t>(int64_t, const int32_t*, float, float, float, float, int8_t*);

#undef FROST_INSTANTIATE_QUANTIZE

}  // namespace frost::kernels
