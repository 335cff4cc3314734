// conv_transpose_direct_f32_avx512: the direct transposed convolution for AVX-512F
// (16 lanes, 32 registers).
// Only called after a CPU + OS check (conv_transpose_direct_f32.cc).
#include "kernels/simd/conv_transpose_direct_impl.h"

namespace frost::kernels::simd {

const ConvTransposeDirectTable& conv_transpose_direct_table_avx512() {
  return make_td_table<TdTraits<xsimd::avx512f>>("conv_transpose_direct_f32_avx512");
}

}  // namespace frost::kernels::simd
