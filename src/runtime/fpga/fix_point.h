// Choosing fix positions and moving floats on and off the int8 grid.
// Convention (Vitis AI's vai_q "fix point"): value = q * 2^-fp, q int8 in
// [-128, 127], one fp per tensor, symmetric (zero is exactly 0).
//
// fp from a range: the largest fp with max|x| * 2^fp <= 128, i.e.
// fp = 7 - ceil(log2(max|x|)) — all 8 bits used, the extreme value saturating
// by at most one step to 127 (the rule vai_q's "max" method uses). Weights take
// it from max|w| of the constant; activations from the max |x| seen over the
// calibration inputs. An all-zero tensor gets kDefaultFixPosition.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/int8_dpu.h"

namespace frost::fpga {

// Fix positions are kept in a range a real DPU's shifters can apply.
constexpr int kMinFixPosition = -16;
constexpr int kMaxFixPosition = 24;
constexpr int kDefaultFixPosition = 7;

inline int fix_position_for_range(double max_abs) {
  if (!(max_abs > 0) || !std::isfinite(max_abs)) return kDefaultFixPosition;
  const int fp = 7 - static_cast<int>(std::ceil(std::log2(max_abs)));
  return std::clamp(fp, kMinFixPosition, kMaxFixPosition);
}

// Round half up onto the grid and saturate: clamp(floor(x * 2^fp + 1/2)).
inline int8_t quantize_value(float x, int fp) {
  const double scaled = std::floor(static_cast<double>(x) * std::ldexp(1.0, fp) + 0.5);
  if (std::isnan(scaled)) return 0;
  return static_cast<int8_t>(std::clamp(scaled, -128.0, 127.0));
}

inline float dequantize_value(int8_t q, int fp) { return static_cast<float>(std::ldexp(static_cast<double>(q), -fp)); }

inline void quantize(const float* x, int64_t n, int fp, int8_t* q) {
  for (int64_t i = 0; i < n; ++i) q[i] = quantize_value(x[i], fp);
}

inline void dequantize(const int8_t* q, int64_t n, int fp, float* x) {
  for (int64_t i = 0; i < n; ++i) x[i] = dequantize_value(q[i], fp);
}

inline double max_abs(const float* x, int64_t n) {
  double m = 0;
  for (int64_t i = 0; i < n; ++i) m = std::max(m, std::fabs(static_cast<double>(x[i])));
  return m;
}

}  // namespace frost::fpga
