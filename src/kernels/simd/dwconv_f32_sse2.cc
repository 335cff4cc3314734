// dwconv_f32_sse2: depthwise convolution for the baseline x86-64 (SSE2, 4 lanes; fma is a
// multiply then an add). Built with the project's flags.
#include "kernels/simd/dwconv_impl.h"

namespace frost::kernels::simd {

const DwConvKernelTable& dwconv_table_sse2() {
  return make_dw_table<DwTraits<xsimd::sse2, /*OXB=*/2>>("dwconv_f32_sse2");
}

}  // namespace frost::kernels::simd
