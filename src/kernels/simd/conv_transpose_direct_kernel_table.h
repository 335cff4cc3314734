// The seam between the direct transposed convolution's front end
// (conv_transpose_direct_f32.cc) and its per-ISA translation units
// (conv_transpose_direct_f32_<isa>.cc); see gemm_kernel_table.h.
#pragma once

#include <cstddef>

#include "kernels/conv.h"

namespace frost::kernels::simd {

struct ConvTransposeDirectTable {
  const char* name;  // "conv_transpose_direct_f32_<isa>"
  bool (*supported)(const Conv2DParams& p);
  size_t (*packed_floats)(const Conv2DParams& p);
  void (*pack)(const Conv2DParams& p, const float* filter, float* packed);
  size_t (*scratch_floats)(const Conv2DParams& p);
  void (*run)(const Conv2DParams& p, const float* dy, const float* packed, float* dx, int threads, float* scratch);
};

const ConvTransposeDirectTable& conv_transpose_direct_table_sse2();
const ConvTransposeDirectTable& conv_transpose_direct_table_avx2();
const ConvTransposeDirectTable& conv_transpose_direct_table_avx512();

}  // namespace frost::kernels::simd
