// The CPU backend's convolutions on NHWC (src/kernels/simd/conv_f32.cc,
// conv_transpose_f32.cc), the optimised twins of conv2d_reference,
// depthwise_conv2d_reference and conv2d_backprop_input_reference in
// kernels/conv.h, with the same Conv2DParams. Declared here rather than in
// conv.h because that header belongs to the reference kernels.
//
// conv2d_f32 is a GEMM per group: M = output pixels (N·out_h·out_w),
// N = output channels of the group, K = fh·fw·(input channels of the group).
//  - 1×1, stride 1, no padding: the NHWC input *is* the A matrix (lda = in_c)
//    and the output the C matrix (ldc = out_c); nothing is copied.
//  - otherwise: tiles of output pixels are gathered (im2col) into a buffer of
//    at most ~1 MiB per thread, never a full-size im2col matrix.
// The filter (HWIO, [fh, fw, in_c/groups, out_c]) is packed once into the
// GEMM's B layout when the model is planned.
//
// The epilogue is a GemmEpilogue over the output viewed as pixels × channels:
// bias has out_c floats, residual is NHWC like the output with row stride ldr
// (normally out_c), then the activation; `accumulate` adds to the output.
#pragma once

#include <cstddef>

#include "kernels/conv.h"
#include "kernels/gemm.h"

namespace frost::kernels {

size_t conv2d_packed_filter_floats(const Conv2DParams& p, GemmIsa isa = GemmIsa::kAuto);
void conv2d_pack_filter(const Conv2DParams& p, const float* filter, float* packed_filter,
                        GemmIsa isa = GemmIsa::kAuto);
// Working memory of one conv2d_f32 call (threads as in GemmRun).
size_t conv2d_scratch_floats(const Conv2DParams& p, int threads = 0, GemmIsa isa = GemmIsa::kAuto);
void conv2d_f32(const Conv2DParams& p, const float* input, const float* packed_filter, float* output,
                const GemmEpilogue& ep = {}, const GemmRun& run = {});

// Depthwise (filter [fh, fw, in_c, multiplier], unpacked), vectorised over
// channels; 3×3 and 5×5 with stride 1 or 2 and multiplier 1 have register-
// blocked fast paths, everything else a per-pixel path.
size_t depthwise_conv2d_scratch_floats(const Conv2DParams& p, GemmIsa isa = GemmIsa::kAuto);
void depthwise_conv2d_f32(const Conv2DParams& p, const float* input, const float* filter, float* output,
                          const GemmEpilogue& ep = {}, const GemmRun& run = {});
const char* depthwise_conv2d_kernel_name(GemmIsa isa = GemmIsa::kAuto);

// The transposed convolution (TensorFlow's Conv2DBackpropInput), twin of
// conv2d_backprop_input_reference (src/kernels/simd/conv_transpose_f32.cc):
// `p` describes the forward convolution, out_backprop is [N, out_h, out_w,
// out_c], in_backprop [N, in_h, in_w, in_c] is overwritten. Any stride,
// padding, dilation and group count. A GEMM of out_backprop pixels by the
// filter read transposed gives each pixel's fh·fw·in_c contributions, which
// a col2im pass adds into in_backprop; bands of out_backprop rows keep the
// column buffer at ~256 KiB. The HWIO filter is packed once (at plan time).
size_t conv2d_backprop_input_packed_filter_floats(const Conv2DParams& p, GemmIsa isa = GemmIsa::kAuto);
void conv2d_backprop_input_pack_filter(const Conv2DParams& p, const float* filter, float* packed_filter,
                                       GemmIsa isa = GemmIsa::kAuto);
size_t conv2d_backprop_input_scratch_floats(const Conv2DParams& p, int threads = 0, GemmIsa isa = GemmIsa::kAuto);
void conv2d_backprop_input_f32(const Conv2DParams& p, const float* out_backprop, const float* packed_filter,
                               float* in_backprop, const GemmRun& run = {});

}  // namespace frost::kernels
