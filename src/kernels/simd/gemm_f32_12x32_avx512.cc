// gemm_f32_12x32_avx512: AVX-512F micro-kernel. 12 rows × 2 vectors of 16 =
// 24 of the 32 zmm registers hold accumulators, enough to cover two FMA
// ports × 4 cycles of latency several times over. Built with -mavx512f;
// only called after a CPU + OS check (gemm_f32.cc).
// Blocking: one B panel (KC·32·4 = 32 KiB) in a 48 KiB L1D, the packed A
// block (MC·KC·4 = 240 KiB) in a 1 MiB L2.
#include "kernels/simd/gemm_impl.h"

namespace frost::kernels::simd {

const GemmKernelTable& gemm_table_12x32_avx512() {
  using T = GemmTraits<xsimd::avx512f, /*MR=*/12, /*NV=*/2, /*KC=*/256, /*MC=*/240, /*NC=*/4096>;
  return make_table<T>("gemm_f32_12x32_avx512");
}

}  // namespace frost::kernels::simd
