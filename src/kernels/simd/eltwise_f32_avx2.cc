// eltwise_f32_avx2: pooling, broadcast binary ops, activations and softmax for
// AVX2 + FMA3 (8 lanes). Built with -mavx2 -mfma;
// only called after a CPU check (eltwise_f32.cc).
#include "kernels/simd/eltwise_impl.h"

namespace frost::kernels::simd {

const EltwiseKernelTable& eltwise_table_avx2() { return make_eltwise_table<xsimd::fma3<xsimd::avx2>>("eltwise_f32_avx2"); }

}  // namespace frost::kernels::simd
