#include "kernels/pool.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace frost::kernels {

namespace {

// The input rows (or columns) [begin, end) covered by window position `o`.
struct Range {
  int64_t begin, end;
};
Range window_range(int64_t o, int64_t stride, int64_t pad, int64_t window, int64_t size) {
  const int64_t start = o * stride - pad;
  return {std::max<int64_t>(start, 0), std::min<int64_t>(start + window, size)};
}

}  // namespace

template <class T>
void max_pool2d_reference(const Pool2DParams& p, const T* input, T* output) {
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t oy = 0; oy < p.out_h; ++oy) {
      const Range ry = window_range(oy, p.stride_h, p.pad_top, p.window_h, p.in_h);
      for (int64_t ox = 0; ox < p.out_w; ++ox) {
        const Range rx = window_range(ox, p.stride_w, p.pad_left, p.window_w, p.in_w);
        for (int64_t c = 0; c < p.channels; ++c) {
          T best = std::numeric_limits<T>::lowest();
          bool nan = false;
          for (int64_t iy = ry.begin; iy < ry.end; ++iy)
            for (int64_t ix = rx.begin; ix < rx.end; ++ix) {
              const T v = input[((n * p.in_h + iy) * p.in_w + ix) * p.channels + c];
              if (std::isnan(v)) nan = true;
              if (v > best) best = v;
            }
          output[((n * p.out_h + oy) * p.out_w + ox) * p.channels + c] =
              nan ? std::numeric_limits<T>::quiet_NaN() : best;
        }
      }
    }
  }
}

template <class T>
void avg_pool2d_reference(const Pool2DParams& p, const T* input, T* output) {
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t oy = 0; oy < p.out_h; ++oy) {
      const Range ry = window_range(oy, p.stride_h, p.pad_top, p.window_h, p.in_h);
      for (int64_t ox = 0; ox < p.out_w; ++ox) {
        const Range rx = window_range(ox, p.stride_w, p.pad_left, p.window_w, p.in_w);
        const int64_t count = std::max<int64_t>(ry.end - ry.begin, 0) * std::max<int64_t>(rx.end - rx.begin, 0);
        for (int64_t c = 0; c < p.channels; ++c) {
          double sum = 0.0;
          for (int64_t iy = ry.begin; iy < ry.end; ++iy)
            for (int64_t ix = rx.begin; ix < rx.end; ++ix)
              sum += static_cast<double>(input[((n * p.in_h + iy) * p.in_w + ix) * p.channels + c]);
          output[((n * p.out_h + oy) * p.out_w + ox) * p.channels + c] =
              count > 0 ? static_cast<T>(sum / static_cast<double>(count)) : T(0);
        }
      }
    }
  }
}

template void max_pool2d_reference<float>(const Pool2DParams&, const float*, float*);
template void max_pool2d_reference<double>(const Pool2DParams&, const double*, double*);
template void avg_pool2d_reference<float>(const Pool2DParams&, const float*, float*);
template void avg_pool2d_reference<double>(const Pool2DParams&, const double*, double*);

}  // namespace frost::kernels
