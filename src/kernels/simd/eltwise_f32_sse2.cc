// eltwise_f32_sse2: pooling, broadcast binary ops, activations and softmax for
// the baseline x86-64 (SSE2, 4 lanes). Built with the project's flags.
#include "kernels/simd/eltwise_impl.h"

namespace frost::kernels::simd {

const EltwiseKernelTable& eltwise_table_sse2() { return make_eltwise_table<xsimd::sse2>("eltwise_f32_sse2"); }

}  // namespace frost::kernels::simd
