// gemm_f32_12x32_avx512: AVX-512F micro-kernel. 12 rows × 2 vectors of 16 =
// 24 of the 32 zmm registers hold accumulators, enough to cover two FMA
// ports × 4 cycles of latency several times over. Built with -mavx512f;
// only called after a CPU + OS check (gemm_f32.cc).
// Blocking, measured on Zen 4 (32 KiB L1D, 1 MiB L2): a deep KC = 1024, so
// that most GEMMs make one pass over K and each C tile is loaded and stored
// once. Its B panel (KC·32·4 = 128 KiB) then streams from L2 rather than
// sitting in L1, which costs less than the C traffic of four KC = 256 passes:
// 1024³ on one thread went from 20.2 to 19.0 ms (oneDNN's sgemm: 19.4 ms).
// The packed A block (MC·KC·4 = 384 KiB) shares L2 with that panel; NC keeps
// the unpacked-B buffer (KC·NC·4) at 4 MiB.
#include "kernels/simd/gemm_impl.h"

namespace frost::kernels::simd {

const GemmKernelTable& gemm_table_12x32_avx512() {
  using T = GemmTraits<xsimd::avx512f, /*MR=*/12, /*NV=*/2, /*KC=*/1024, /*MC=*/96, /*NC=*/1024>;
  return make_table<T>("gemm_f32_12x32_avx512");
}

}  // namespace frost::kernels::simd
