// chain_f32_sse2: the fused element-wise chain for SSE2 (4 lanes); only called
// after a CPU + OS check (chain_f32.cc).
#include "kernels/simd/chain_impl.h"
#include "kernels/simd/chain_kernel_table.h"

namespace frost::kernels::simd {

ChainRangeFn chain_f32_range_sse2() { return chain_f32_range<xsimd::sse2>; }

}  // namespace frost::kernels::simd
