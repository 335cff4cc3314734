// chain_f32_avx512: the fused element-wise chain for AVX-512F (16 lanes); only called
// after a CPU + OS check (chain_f32.cc).
#include "kernels/simd/chain_impl.h"
#include "kernels/simd/chain_kernel_table.h"

namespace frost::kernels::simd {

ChainRangeFn chain_f32_range_avx512() { return chain_f32_range<xsimd::avx512f>; }

}  // namespace frost::kernels::simd
