// conv_transpose_direct_f32_sse2: the direct transposed convolution for the
// baseline x86-64 (SSE2, 4 lanes; fma is a multiply then an add). Built with
// the project's flags.
#include "kernels/simd/conv_transpose_direct_impl.h"

namespace frost::kernels::simd {

const ConvTransposeDirectTable& conv_transpose_direct_table_sse2() {
  return make_td_table<TdTraits<xsimd::sse2>>("conv_transpose_direct_f32_sse2");
}

}  // namespace frost::kernels::simd
