// conv2d_winograd_f32_4x4_3x3_avx2: the Winograd transforms on 8 channels
// per ymm vector, the 36 products on gemm_f32_6x16_avx2. Built with -mavx2
// -mfma; only called after a CPU + OS check (conv_winograd_f32.cc).
#include "kernels/simd/winograd_impl.h"

namespace frost::kernels::simd {

const WinogradKernelTable& winograd_table_avx2() {
  return make_winograd_table<xsimd::fma3<xsimd::avx2>>("conv2d_winograd_f32_4x4_3x3_avx2", gemm_table_6x16_avx2());
}

}  // namespace frost::kernels::simd
