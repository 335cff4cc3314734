// gemm_f32_6x8_sse2: the baseline x86-64 micro-kernel (SSE2, no FMA: fma is
// a multiply then an add). 6 rows × 2 vectors of 4 = 12 of the 16 xmm
// registers hold accumulators. Built with the project's flags.
#include "kernels/simd/gemm_impl.h"

namespace frost::kernels::simd {

const GemmKernelTable& gemm_table_6x8_sse2() {
  using T = GemmTraits<xsimd::sse2, /*MR=*/6, /*NV=*/2, /*KC=*/256, /*MC=*/96, /*NC=*/2048>;
  return make_table<T>("gemm_f32_6x8_sse2");
}

}  // namespace frost::kernels::simd
