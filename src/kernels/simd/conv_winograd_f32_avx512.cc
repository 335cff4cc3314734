// conv2d_winograd_f32_4x4_3x3_avx512: the Winograd transforms on 16 channels
// per zmm vector, the 36 products on gemm_f32_12x32_avx512. Built with
// -mavx512f; only called after a CPU + OS check (conv_winograd_f32.cc).
#include "kernels/simd/winograd_impl.h"

namespace frost::kernels::simd {

const WinogradKernelTable& winograd_table_avx512() {
  return make_winograd_table<xsimd::avx512f>("conv2d_winograd_f32_4x4_3x3_avx512", gemm_table_12x32_avx512());
}

}  // namespace frost::kernels::simd
