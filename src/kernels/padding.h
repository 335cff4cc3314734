// Output size and padding of one spatial dimension of a sliding window
// (convolution, pooling), with TensorFlow's rules:
//   VALID:    out = ceil((in - eff + 1) / stride), no padding
//   SAME:     out = ceil(in / stride), total padding = max(0, (out-1)*stride + eff - in),
//             of which the smaller half goes before (top/left) and the rest after
//   EXPLICIT: out = (in + before + after - eff) / stride + 1 with the given pads
// where eff = (filter - 1) * dilation + 1 is the dilated filter extent.
// Used when a model is planned (shapes, pads), never inside a kernel loop.
#pragma once

#include <algorithm>
#include <cstdint>

namespace frost::kernels {

enum class PaddingMode { Valid, Same, Explicit };

struct WindowDim {
  int64_t output = 0;
  int64_t pad_before = 0;  // elements of implicit padding before the first input element
  int64_t pad_after = 0;
};

// The dilated extent of a filter of `filter` taps.
inline int64_t effective_filter_size(int64_t filter, int64_t dilation) { return (filter - 1) * dilation + 1; }

// Fills *out and returns true; returns false when the arguments have no
// valid window (non-positive filter/stride/dilation, negative input or pads,
// sizes beyond any real tensor, or an input smaller than the filter so that
// the output would be negative).
inline bool compute_window_dim(int64_t input, int64_t filter, int64_t stride, int64_t dilation, PaddingMode mode,
                               int64_t explicit_before, int64_t explicit_after, WindowDim* out) {
  if (input < 0 || filter < 1 || stride < 1 || dilation < 1) return false;
  // Sizes no real tensor has are refused, so that the arithmetic below
  // cannot overflow (filter * dilation < 2^63, input + pads < 2^63).
  constexpr int64_t kMaxSize = int64_t{1} << 40, kMaxParam = int64_t{1} << 31;
  if (input > kMaxSize || filter > kMaxParam || stride > kMaxParam || dilation > kMaxParam) return false;
  if (mode == PaddingMode::Explicit && (explicit_before > kMaxParam || explicit_after > kMaxParam)) return false;
  const int64_t eff = effective_filter_size(filter, dilation);
  WindowDim w;
  switch (mode) {
    case PaddingMode::Valid:
      // C++ division truncates toward zero, as TensorFlow's does: an input a
      // little smaller than the filter gives an empty output, not an error.
      w.output = (input - eff + stride) / stride;
      if (w.output < 0) return false;
      break;
    case PaddingMode::Same: {
      w.output = (input + stride - 1) / stride;
      const int64_t needed = std::max<int64_t>(0, (w.output - 1) * stride + eff - input);
      w.pad_before = needed / 2;
      w.pad_after = needed - w.pad_before;
      break;
    }
    case PaddingMode::Explicit: {
      if (explicit_before < 0 || explicit_after < 0) return false;
      const int64_t padded = input + explicit_before + explicit_after;
      w.output = (padded - eff + stride) / stride;
      if (w.output < 0) return false;
      w.pad_before = explicit_before;
      w.pad_after = explicit_after;
      break;
    }
  }
  *out = w;
  return true;
}

}  // namespace frost::kernels
