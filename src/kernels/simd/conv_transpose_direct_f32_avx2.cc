// conv_transpose_direct_f32_avx2: the direct transposed convolution for AVX2 + FMA (8 lanes,
// 16 registers).
// Only called after a CPU + OS check (conv_transpose_direct_f32.cc).
#include "kernels/simd/conv_transpose_direct_impl.h"

namespace frost::kernels::simd {

const ConvTransposeDirectTable& conv_transpose_direct_table_avx2() {
  return make_td_table<TdTraits<xsimd::fma3<xsimd::avx2>>>("conv_transpose_direct_f32_avx2");
}

}  // namespace frost::kernels::simd
