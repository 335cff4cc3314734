// The seam between the depthwise-convolution front end (conv_f32.cc) and its
// per-ISA translation units (dwconv_f32_<isa>.cc); see gemm_kernel_table.h.
#pragma once

#include <cstddef>

#include "kernels/conv.h"
#include "kernels/gemm.h"

namespace frost::kernels::simd {

struct DwConvKernelTable {
  const char* name;  // "dwconv_f32_<isa>"
  size_t (*scratch_floats)(const Conv2DParams& p);
  void (*run)(const Conv2DParams& p, const float* input, const float* filter, float* output, const GemmEpilogue& ep,
              int threads, float* scratch);
};

const DwConvKernelTable& dwconv_table_sse2();
const DwConvKernelTable& dwconv_table_avx2();
const DwConvKernelTable& dwconv_table_avx512();

}  // namespace frost::kernels::simd
