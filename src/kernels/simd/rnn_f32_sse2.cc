// rnn_f32_sse2: recurrent-cell gate math (rnn_impl.h) for the baseline x86-64 (SSE2, 4 lanes).
#include "kernels/simd/rnn_impl.h"

namespace frost::kernels::simd {

const RnnKernelTable& rnn_table_sse2() { return make_rnn_table<xsimd::sse2>("rnn_f32_sse2"); }

}  // namespace frost::kernels::simd
