// Integer kernels of a DPU-style int8 accelerator (Xilinx's deep-learning
// processor as Vitis AI describes it), used by the FPGA backend's emulator.
//
// Number format (Vitis AI's "fix point"): a tensor is int8 q in [-128, 127]
// with a per-tensor power-of-two scale, value = q * 2^-fp where fp is the
// tensor's "fix position". Products of int8 by int8 accumulate in an integer
// whose fix position is fp_in + fp_w (the DPU's accumulator is 32 bits; the
// emulator uses 64 to stay free of undefined behaviour — for the limits in the
// shipped arch file a 32-bit accumulator never overflows either).
//
// Rounding is "round half up": floor(x + 1/2), on integers
// shift_round(v, s) = floor(v / 2^s + 1/2) = (v + 2^(s-1)) >> s (arithmetic
// shift), applied once per output; results saturate to [-128, 127].
//
// Bias follows the Vitis AI convention of an int8 tensor with its own fix
// position; it is shifted to the accumulator's position before the add.
//
// Fused activations act on the accumulator, before the final shift:
//   Relu   max(acc, 0)
//   Relu6  max(acc, 0), then the int8 result is capped at round(6 * 2^fp_out)
//   Leaky  negative acc multiplied by 26 and shifted 8 bits more (alpha = 26/256
//          = 0.1015625, the DPU's fixed LeakyRelu slope), one rounding in all.
//
// Kernels are pure: raw pointers, shapes in a params struct, no allocation.
// Layouts as kernels/conv.h and kernels/pool.h: NHWC activations, HWIO filters,
// depthwise filters [H, W, C, multiplier].
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/conv.h"
#include "kernels/pool.h"

namespace frost::kernels {

// ---- the fixed-point primitives ------------------------------------------

// floor(v * 2^-s + 1/2) for s > 0; v * 2^-s exactly for s <= 0.
inline int64_t dpu_shift_round(int64_t v, int s) {
  if (s <= 0) return v * (int64_t{1} << -s);
  return (v + (int64_t{1} << (s - 1))) >> s;  // >> of a negative is floor (C++20)
}

inline int8_t dpu_saturate(int64_t v) { return static_cast<int8_t>(std::clamp<int64_t>(v, -128, 127)); }

enum class DpuActivation { None, Relu, Relu6, LeakyRelu };

// The DPU's LeakyRelu slope as a fraction of 2^8.
constexpr int kDpuLeakyMultiplier = 26;
constexpr int kDpuLeakyShift = 8;

// acc at fix position acc_fp -> int8 at out_fp with the activation applied.
inline int8_t dpu_requantize(int64_t acc, int acc_fp, int out_fp, DpuActivation act) {
  int shift = acc_fp - out_fp;
  if (act == DpuActivation::Relu || act == DpuActivation::Relu6) acc = std::max<int64_t>(acc, 0);
  if (act == DpuActivation::LeakyRelu && acc < 0) {
    acc *= kDpuLeakyMultiplier;
    shift += kDpuLeakyShift;
  }
  int64_t q = dpu_shift_round(acc, shift);
  if (act == DpuActivation::Relu6) q = std::min(q, dpu_shift_round(6, -out_fp));
  return dpu_saturate(q);
}

// What every accumulating kernel (conv, depthwise, transposed conv, fully
// connected) needs after its sums.
struct DpuOutputParams {
  int in_fp = 0, weight_fp = 0, out_fp = 0;
  const int8_t* bias = nullptr;  // [out_c] or nullptr
  int bias_fp = 0;
  // Optional residual added to the accumulator (a fused element-wise Add),
  // same shape as the output.
  const int8_t* residual = nullptr;
  int residual_fp = 0;
  DpuActivation activation = DpuActivation::None;
};

// ---- kernels (kernels/reference/int8_dpu.cc) ------------------------------

// Conv2D (groups allowed) and its depthwise and transposed forms; `p` is the
// geometry of kernels/conv.h (for the transposed convolution, that of the
// forward convolution whose input gradient is computed: `input` is
// [N, out_h, out_w, out_c] and `output` [N, in_h, in_w, in_c]).
void dpu_conv2d_int8(const Conv2DParams& p, const DpuOutputParams& o, const int8_t* input, const int8_t* filter,
                     int8_t* output);
void dpu_depthwise_conv2d_int8(const Conv2DParams& p, const DpuOutputParams& o, const int8_t* input,
                               const int8_t* filter, int8_t* output);
void dpu_conv2d_transpose_int8(const Conv2DParams& p, const DpuOutputParams& o, const int8_t* input,
                               const int8_t* filter, int8_t* output);

// Fully connected: output[m, n] = sum_k input[m, k] * weights[k, n].
struct DpuFcParams {
  int64_t m = 0, k = 0, n = 0;
};
void dpu_fully_connected_int8(const DpuFcParams& p, const DpuOutputParams& o, const int8_t* input,
                              const int8_t* weights, int8_t* output);

// Pooling with the geometry of kernels/pool.h. Max pooling keeps the fix
// position (in_fp == out_fp is the caller's contract: it only selects).
// Average pooling divides the window sum by the number of input elements in
// the window (TensorFlow's SAME border rule), rounding half up, at out_fp.
void dpu_max_pool_int8(const Pool2DParams& p, const int8_t* input, int8_t* output);
void dpu_avg_pool_int8(const Pool2DParams& p, int in_fp, int out_fp, const int8_t* input, int8_t* output);

// Element-wise on `count` elements. Add aligns both inputs to the finer of
// their fix positions (exact), adds, then shifts to out_fp; Mul multiplies at
// fp_a + fp_b and shifts to out_fp. Both may apply an activation.
struct DpuEltwiseParams {
  int64_t count = 0;
  int a_fp = 0, b_fp = 0, out_fp = 0;
  DpuActivation activation = DpuActivation::None;
};
void dpu_add_int8(const DpuEltwiseParams& p, const int8_t* a, const int8_t* b, int8_t* output);
void dpu_mul_int8(const DpuEltwiseParams& p, const int8_t* a, const int8_t* b, int8_t* output);

// A standalone activation (or a pure requantisation with None): int8 at in_fp
// -> int8 at out_fp.
void dpu_activation_int8(int64_t count, int in_fp, int out_fp, DpuActivation act, const int8_t* input, int8_t* output);

// Concatenation of `num_inputs` tensors viewed as [outer, width_i] (width_i =
// the concatenated axis times everything after it), each moved to out_fp.
struct DpuConcatParams {
  int64_t outer = 0;
  int num_inputs = 0;
  const int64_t* widths = nullptr;  // [num_inputs]
  const int* in_fps = nullptr;      // [num_inputs]
  int out_fp = 0;
};
void dpu_concat_int8(const DpuConcatParams& p, const int8_t* const* inputs, int8_t* output);

}  // namespace frost::kernels
