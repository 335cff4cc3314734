// The direct transposed convolution (TensorFlow's Conv2DBackpropInput) on
// NHWC, float32: each in_backprop pixel gathers the out_backprop pixels
// whose taps reach it (phase decomposition by stride, no column buffer, no
// col2im scatter). Same contract as conv2d_backprop_input_f32 (kernels/
// conv_simd.h): `p` is the forward convolution, out_backprop [N, out_h,
// out_w, out_c] is read, in_backprop [N, in_h, in_w, in_c] overwritten.
// One group and no dilation (conv2d_transpose_direct_supported); the HWIO
// filter is packed once per ISA. The loops: kernels/simd/conv_transpose_direct_impl.h.
#pragma once

#include <cstddef>

#include "kernels/conv.h"
#include "kernels/gemm.h"

namespace frost::kernels {

bool conv2d_transpose_direct_supported(const Conv2DParams& p, GemmIsa isa = GemmIsa::kAuto);
size_t conv2d_transpose_direct_packed_filter_floats(const Conv2DParams& p, GemmIsa isa = GemmIsa::kAuto);
void conv2d_transpose_direct_pack_filter(const Conv2DParams& p, const float* filter, float* packed_filter,
                                         GemmIsa isa = GemmIsa::kAuto);
size_t conv2d_transpose_direct_scratch_floats(const Conv2DParams& p, GemmIsa isa = GemmIsa::kAuto);
// run.scratch: conv2d_transpose_direct_scratch_floats floats, or null (a
// buffer per thread is kept).
void conv2d_transpose_direct_f32(const Conv2DParams& p, const float* out_backprop, const float* packed_filter,
                                 float* in_backprop, const GemmRun& run = {});
const char* conv2d_transpose_direct_kernel_name(GemmIsa isa = GemmIsa::kAuto);

}  // namespace frost::kernels
