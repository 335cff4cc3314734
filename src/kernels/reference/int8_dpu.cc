// The DPU integer kernels, written as the textbook loops: each output element
// gathers its taps into a 64-bit accumulator at fix position in_fp + weight_fp,
// then dpu_finish() adds bias and residual and requantises (see int8_dpu.h).
#include "kernels/int8_dpu.h"

namespace frost::kernels {

namespace {

// Bias (channel c) and residual (element i) added at the accumulator's position, then requantised.
int8_t dpu_finish(const DpuOutputParams& o, int64_t acc, int64_t c, int64_t i) {
  const int acc_fp = o.in_fp + o.weight_fp;
  if (o.bias) acc += dpu_shift_round(o.bias[c], o.bias_fp - acc_fp);
  if (o.residual) acc += dpu_shift_round(o.residual[i], o.residual_fp - acc_fp);
  return dpu_requantize(acc, acc_fp, o.out_fp, o.activation);
}

}  // namespace

void dpu_conv2d_int8(const Conv2DParams& p, const DpuOutputParams& o, const int8_t* input, const int8_t* filter,
                     int8_t* output) {
  const int64_t in_per_group = p.in_c / p.groups, out_per_group = p.out_c / p.groups;
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t y = 0; y < p.out_h; ++y)
      for (int64_t x = 0; x < p.out_w; ++x)
        for (int64_t oc = 0; oc < p.out_c; ++oc) {
          const int64_t g = oc / out_per_group;
          int64_t acc = 0;
          for (int64_t ky = 0; ky < p.filter_h; ++ky) {
            const int64_t iy = y * p.stride_h - p.pad_top + ky * p.dilation_h;
            if (iy < 0 || iy >= p.in_h) continue;
            for (int64_t kx = 0; kx < p.filter_w; ++kx) {
              const int64_t ix = x * p.stride_w - p.pad_left + kx * p.dilation_w;
              if (ix < 0 || ix >= p.in_w) continue;
              const int8_t* in = input + ((b * p.in_h + iy) * p.in_w + ix) * p.in_c + g * in_per_group;
              const int8_t* f = filter + (ky * p.filter_w + kx) * in_per_group * p.out_c + oc;
              for (int64_t ic = 0; ic < in_per_group; ++ic) acc += int64_t{in[ic]} * f[ic * p.out_c];
            }
          }
          const int64_t i = ((b * p.out_h + y) * p.out_w + x) * p.out_c + oc;
          output[i] = dpu_finish(o, acc, oc, i);
        }
}

void dpu_depthwise_conv2d_int8(const Conv2DParams& p, const DpuOutputParams& o, const int8_t* input,
                               const int8_t* filter, int8_t* output) {
  const int64_t m = p.depth_multiplier;
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t y = 0; y < p.out_h; ++y)
      for (int64_t x = 0; x < p.out_w; ++x)
        for (int64_t oc = 0; oc < p.in_c * m; ++oc) {
          const int64_t c = oc / m, j = oc % m;
          int64_t acc = 0;
          for (int64_t ky = 0; ky < p.filter_h; ++ky) {
            const int64_t iy = y * p.stride_h - p.pad_top + ky * p.dilation_h;
            if (iy < 0 || iy >= p.in_h) continue;
            for (int64_t kx = 0; kx < p.filter_w; ++kx) {
              const int64_t ix = x * p.stride_w - p.pad_left + kx * p.dilation_w;
              if (ix < 0 || ix >= p.in_w) continue;
              acc += int64_t{input[((b * p.in_h + iy) * p.in_w + ix) * p.in_c + c]} *
                     filter[((ky * p.filter_w + kx) * p.in_c + c) * m + j];
            }
          }
          const int64_t i = ((b * p.out_h + y) * p.out_w + x) * p.in_c * m + oc;
          output[i] = dpu_finish(o, acc, oc, i);
        }
}

void dpu_conv2d_transpose_int8(const Conv2DParams& p, const DpuOutputParams& o, const int8_t* input,
                               const int8_t* filter, int8_t* output) {
  // Output (iy, ix) of the transposed convolution receives input (y, x) through
  // tap (ky, kx) when iy = y*stride - pad_top + ky*dilation (the forward map).
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t iy = 0; iy < p.in_h; ++iy)
      for (int64_t ix = 0; ix < p.in_w; ++ix)
        for (int64_t ic = 0; ic < p.in_c; ++ic) {
          int64_t acc = 0;
          for (int64_t ky = 0; ky < p.filter_h; ++ky) {
            const int64_t ny = iy + p.pad_top - ky * p.dilation_h;
            if (ny < 0 || ny % p.stride_h != 0 || ny / p.stride_h >= p.out_h) continue;
            const int64_t y = ny / p.stride_h;
            for (int64_t kx = 0; kx < p.filter_w; ++kx) {
              const int64_t nx = ix + p.pad_left - kx * p.dilation_w;
              if (nx < 0 || nx % p.stride_w != 0 || nx / p.stride_w >= p.out_w) continue;
              const int64_t x = nx / p.stride_w;
              const int8_t* in = input + ((b * p.out_h + y) * p.out_w + x) * p.out_c;
              const int8_t* f = filter + ((ky * p.filter_w + kx) * p.in_c + ic) * p.out_c;
              for (int64_t oc = 0; oc < p.out_c; ++oc) acc += int64_t{in[oc]} * f[oc];
            }
          }
          const int64_t i = ((b * p.in_h + iy) * p.in_w + ix) * p.in_c + ic;
          output[i] = dpu_finish(o, acc, ic, i);
        }
}

void dpu_fully_connected_int8(const DpuFcParams& p, const DpuOutputParams& o, const int8_t* input,
                              const int8_t* weights, int8_t* output) {
  for (int64_t r = 0; r < p.m; ++r)
    for (int64_t c = 0; c < p.n; ++c) {
      int64_t acc = 0;
      for (int64_t k = 0; k < p.k; ++k) acc += int64_t{input[r * p.k + k]} * weights[k * p.n + c];
      output[r * p.n + c] = dpu_finish(o, acc, c, r * p.n + c);
    }
}

void dpu_max_pool_int8(const Pool2DParams& p, const int8_t* input, int8_t* output) {
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t y = 0; y < p.out_h; ++y)
      for (int64_t x = 0; x < p.out_w; ++x)
        for (int64_t c = 0; c < p.channels; ++c) {
          int8_t best = -128;
          for (int64_t ky = 0; ky < p.window_h; ++ky) {
            const int64_t iy = y * p.stride_h - p.pad_top + ky;
            if (iy < 0 || iy >= p.in_h) continue;
            for (int64_t kx = 0; kx < p.window_w; ++kx) {
              const int64_t ix = x * p.stride_w - p.pad_left + kx;
              if (ix < 0 || ix >= p.in_w) continue;
              best = std::max(best, input[((b * p.in_h + iy) * p.in_w + ix) * p.channels + c]);
            }
          }
          output[((b * p.out_h + y) * p.out_w + x) * p.channels + c] = best;
        }
}

void dpu_avg_pool_int8(const Pool2DParams& p, int in_fp, int out_fp, const int8_t* input, int8_t* output) {
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t y = 0; y < p.out_h; ++y)
      for (int64_t x = 0; x < p.out_w; ++x)
        for (int64_t c = 0; c < p.channels; ++c) {
          int64_t sum = 0, count = 0;
          for (int64_t ky = 0; ky < p.window_h; ++ky) {
            const int64_t iy = y * p.stride_h - p.pad_top + ky;
            if (iy < 0 || iy >= p.in_h) continue;
            for (int64_t kx = 0; kx < p.window_w; ++kx) {
              const int64_t ix = x * p.stride_w - p.pad_left + kx;
              if (ix < 0 || ix >= p.in_w) continue;
              sum += input[((b * p.in_h + iy) * p.in_w + ix) * p.channels + c];
              ++count;
            }
          }
          // floor(sum * 2^(out_fp - in_fp) / count + 1/2) as num / den with
          // both kept integral: floor((2 num + den) / (2 den)).
          int64_t q = 0;
          if (count > 0) {
            const int up = out_fp - in_fp;
            const int64_t num = up >= 0 ? sum * (int64_t{1} << up) : sum;
            const int64_t den = up >= 0 ? count : count * (int64_t{1} << -up);
            const int64_t n2 = 2 * num + den, d2 = 2 * den;
            q = n2 >= 0 ? n2 / d2 : -((-n2 + d2 - 1) / d2);
          }
          output[((b * p.out_h + y) * p.out_w + x) * p.channels + c] = dpu_saturate(q);
        }
}

void dpu_add_int8(const DpuEltwiseParams& p, const int8_t* a, const int8_t* b, int8_t* output) {
  const int fp = std::max(p.a_fp, p.b_fp);
  for (int64_t i = 0; i < p.count; ++i) {
    const int64_t sum = dpu_shift_round(a[i], p.a_fp - fp) + dpu_shift_round(b[i], p.b_fp - fp);
    output[i] = dpu_requantize(sum, fp, p.out_fp, p.activation);
  }
}

void dpu_mul_int8(const DpuEltwiseParams& p, const int8_t* a, const int8_t* b, int8_t* output) {
  for (int64_t i = 0; i < p.count; ++i)
    output[i] = dpu_requantize(int64_t{a[i]} * b[i], p.a_fp + p.b_fp, p.out_fp, p.activation);
}

void dpu_activation_int8(int64_t count, int in_fp, int out_fp, DpuActivation act, const int8_t* input, int8_t* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = dpu_requantize(input[i], in_fp, out_fp, act);
}

void dpu_concat_int8(const DpuConcatParams& p, const int8_t* const* inputs, int8_t* output) {
  for (int64_t r = 0; r < p.outer; ++r)
    for (int k = 0; k < p.num_inputs; ++k) {
      const int64_t w = p.widths[k];
      const int8_t* in = inputs[k] + r * w;
      for (int64_t j = 0; j < w; ++j) *output++ = dpu_saturate(dpu_shift_round(in[j], p.in_fps[k] - p.out_fp));
    }
}

}  // namespace frost::kernels
