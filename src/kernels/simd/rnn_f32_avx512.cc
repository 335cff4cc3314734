// rnn_f32_avx512: recurrent-cell gate math (rnn_impl.h) for AVX-512F (16 lanes); built with -mavx512f,
// only called after a CPU + OS check (rnn_f32.cc).
#include "kernels/simd/rnn_impl.h"

namespace frost::kernels::simd {

const RnnKernelTable& rnn_table_avx512() { return make_rnn_table<xsimd::avx512f>("rnn_f32_avx512"); }

}  // namespace frost::kernels::simd
