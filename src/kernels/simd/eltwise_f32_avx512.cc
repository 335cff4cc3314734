// eltwise_f32_avx512: pooling, broadcast binary ops, activations and softmax for
// AVX-512F (16 lanes). Built with -mavx512f; only called
// after a CPU + OS check (eltwise_f32.cc).
#include "kernels/simd/eltwise_impl.h"

namespace frost::kernels::simd {

const EltwiseKernelTable& eltwise_table_avx512() { return make_eltwise_table<xsimd::avx512f>("eltwise_f32_avx512"); }

}  // namespace frost::kernels::simd
