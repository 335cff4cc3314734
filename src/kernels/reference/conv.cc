#include "kernels/conv.h"

namespace frost::kernels {

template <class T>
void conv2d_reference(const Conv2DParams& p, const T* input, const T* filter, T* output) {
  const int64_t group_in = p.in_c / p.groups;    // filter input depth
  const int64_t group_out = p.out_c / p.groups;  // output channels per group
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t oy = 0; oy < p.out_h; ++oy) {
      for (int64_t ox = 0; ox < p.out_w; ++ox) {
        for (int64_t oc = 0; oc < p.out_c; ++oc) {
          const int64_t first_ic = (oc / group_out) * group_in;
          double acc = 0.0;
          for (int64_t ky = 0; ky < p.filter_h; ++ky) {
            const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
            if (iy < 0 || iy >= p.in_h) continue;
            for (int64_t kx = 0; kx < p.filter_w; ++kx) {
              const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
              if (ix < 0 || ix >= p.in_w) continue;
              const T* in = input + ((n * p.in_h + iy) * p.in_w + ix) * p.in_c + first_ic;
              const T* f = filter + (ky * p.filter_w + kx) * group_in * p.out_c + oc;
              for (int64_t ic = 0; ic < group_in; ++ic)
                acc += static_cast<double>(in[ic]) * static_cast<double>(f[ic * p.out_c]);
            }
          }
          output[((n * p.out_h + oy) * p.out_w + ox) * p.out_c + oc] = static_cast<T>(acc);
        }
      }
    }
  }
}

template <class T>
void depthwise_conv2d_reference(const Conv2DParams& p, const T* input, const T* filter, T* output) {
  const int64_t m = p.depth_multiplier;
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t oy = 0; oy < p.out_h; ++oy) {
      for (int64_t ox = 0; ox < p.out_w; ++ox) {
        for (int64_t ic = 0; ic < p.in_c; ++ic) {
          for (int64_t j = 0; j < m; ++j) {
            double acc = 0.0;
            for (int64_t ky = 0; ky < p.filter_h; ++ky) {
              const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
              if (iy < 0 || iy >= p.in_h) continue;
              for (int64_t kx = 0; kx < p.filter_w; ++kx) {
                const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
                if (ix < 0 || ix >= p.in_w) continue;
                const double in = input[((n * p.in_h + iy) * p.in_w + ix) * p.in_c + ic];
                const double f = filter[((ky * p.filter_w + kx) * p.in_c + ic) * m + j];
                acc += in * f;
              }
            }
            output[((n * p.out_h + oy) * p.out_w + ox) * p.out_c + ic * m + j] = static_cast<T>(acc);
          }
        }
      }
    }
  }
}

// Gather form: each input element sums the output gradients of every
// (output position, tap) pair that read it in the forward convolution, so no
// scratch is needed and every sum is accumulated in double.
template <class T>
void conv2d_backprop_input_reference(const Conv2DParams& p, const T* out_backprop, const T* filter, T* in_backprop) {
  const int64_t group_in = p.in_c / p.groups;
  const int64_t group_out = p.out_c / p.groups;
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t iy = 0; iy < p.in_h; ++iy) {
      for (int64_t ix = 0; ix < p.in_w; ++ix) {
        for (int64_t ic = 0; ic < p.in_c; ++ic) {
          const int64_t group = ic / group_in;
          const int64_t fic = ic - group * group_in;  // channel index inside the filter
          double acc = 0.0;
          for (int64_t ky = 0; ky < p.filter_h; ++ky) {
            // Forward: iy = oy*stride - pad_top + ky*dilation.
            const int64_t ty = iy + p.pad_top - ky * p.dilation_h;
            if (ty < 0 || ty % p.stride_h != 0) continue;
            const int64_t oy = ty / p.stride_h;
            if (oy >= p.out_h) continue;
            for (int64_t kx = 0; kx < p.filter_w; ++kx) {
              const int64_t tx = ix + p.pad_left - kx * p.dilation_w;
              if (tx < 0 || tx % p.stride_w != 0) continue;
              const int64_t ox = tx / p.stride_w;
              if (ox >= p.out_w) continue;
              const T* g = out_backprop + ((n * p.out_h + oy) * p.out_w + ox) * p.out_c;
              const T* f = filter + ((ky * p.filter_w + kx) * group_in + fic) * p.out_c;
              for (int64_t oc = group * group_out; oc < (group + 1) * group_out; ++oc)
                acc += static_cast<double>(g[oc]) * static_cast<double>(f[oc]);
            }
          }
          in_backprop[((n * p.in_h + iy) * p.in_w + ix) * p.in_c + ic] = static_cast<T>(acc);
        }
      }
    }
  }
}

template void conv2d_reference<float>(const Conv2DParams&, const float*, const float*, float*);
template void conv2d_reference<double>(const Conv2DParams&, const double*, const double*, double*);
template void depthwise_conv2d_reference<float>(const Conv2DParams&, const float*, const float*, float*);
template void depthwise_conv2d_reference<double>(const Conv2DParams&, const double*, const double*, double*);
template void conv2d_backprop_input_reference<float>(const Conv2DParams&, const float*, const float*, float*);
template void conv2d_backprop_input_reference<double>(const Conv2DParams&, const double*, const double*, double*);

}  // namespace frost::kernels
