// chain_f32_avx2: the fused element-wise chain for AVX2 (8 lanes); only called
// after a CPU + OS check (chain_f32.cc).
#include "kernels/simd/chain_impl.h"
#include "kernels/simd/chain_kernel_table.h"

namespace frost::kernels::simd {

ChainRangeFn chain_f32_range_avx2() { return chain_f32_range<xsimd::fma3<xsimd::avx2>>; }

}  // namespace frost::kernels::simd
