// gemm_f32_6x16_avx2: AVX2 + FMA3 micro-kernel. 6 rows × 2 vectors of 8 =
// 12 of the 16 ymm registers hold accumulators, 2 hold B, 1 broadcasts A.
// Built with -mavx2 -mfma; only called after a CPU check (gemm_f32.cc).
// Blocking: one B panel (KC·16·4 = 16 KiB) stays in a 32–48 KiB L1D next to
// the A micro-panel; the packed A block (MC·KC·4 = 144 KiB) in L2.
#include "kernels/simd/gemm_impl.h"

namespace frost::kernels::simd {

const GemmKernelTable& gemm_table_6x16_avx2() {
  using T = GemmTraits<xsimd::fma3<xsimd::avx2>, /*MR=*/6, /*NV=*/2, /*KC=*/256, /*MC=*/144, /*NC=*/3072>;
  return make_table<T>("gemm_f32_6x16_avx2");
}

}  // namespace frost::kernels::simd
