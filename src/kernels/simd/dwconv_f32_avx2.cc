// dwconv_f32_avx2: depthwise convolution for AVX2 + FMA3 (8 lanes): for 3×3, 9 filter +
// 4 accumulator + 1 input vectors of the 16 ymm registers. Built with
// -mavx2 -mfma; only called after a CPU check (conv_f32.cc).
#include "kernels/simd/dwconv_impl.h"

namespace frost::kernels::simd {

const DwConvKernelTable& dwconv_table_avx2() {
  return make_dw_table<DwTraits<xsimd::fma3<xsimd::avx2>, /*OXB=*/4>>("dwconv_f32_avx2");
}

}  // namespace frost::kernels::simd
