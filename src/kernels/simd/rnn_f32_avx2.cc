// rnn_f32_avx2: recurrent-cell gate math (rnn_impl.h) for AVX2 + FMA (8 lanes); built with -mavx2 -mfma,
// only called after a CPU + OS check (rnn_f32.cc).
#include "kernels/simd/rnn_impl.h"

namespace frost::kernels::simd {

const RnnKernelTable& rnn_table_avx2() { return make_rnn_table<xsimd::fma3<xsimd::avx2>>("rnn_f32_avx2"); }

}  // namespace frost::kernels::simd
