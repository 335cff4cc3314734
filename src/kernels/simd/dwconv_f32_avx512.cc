// dwconv_f32_avx512: depthwise convolution for AVX-512F (16 lanes): the 32 zmm registers
// leave room for 8 output pixels per block. Built with -mavx512f; only
// called after a CPU + OS check (conv_f32.cc).
#include "kernels/simd/dwconv_impl.h"

namespace frost::kernels::simd {

const DwConvKernelTable& dwconv_table_avx512() {
  return make_dw_table<DwTraits<xsimd::avx512f, /*OXB=*/8>>("dwconv_f32_avx512");
}

}  // namespace frost::kernels::simd
