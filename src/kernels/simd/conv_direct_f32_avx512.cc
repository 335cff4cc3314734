// conv2d_direct_f32 tiles for AVX-512F (16 lanes): 24 of the 32 zmm
// registers hold accumulators in each shape (24 pixels × 16 channels,
// 12 × 32, 6 × 64), the rest the filter vectors; input values are broadcast
// from memory into the FMA. Built with -mavx512f; only called after a CPU +
// OS check (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

const DirectConvKernelTable& conv_direct_table_avx512() {
  using A = xsimd::avx512f;
  static const char* const names[] = {"conv2d_direct_f32_24x16_avx512", "conv2d_direct_f32_12x32_avx512",
                                      "conv2d_direct_f32_6x64_avx512"};
  static const DirectConvKernelTable table =
      make_direct_table<DirectTraits<A, 24, 1>, DirectTraits<A, 12, 2>, DirectTraits<A, 6, 4>>("avx512", names);
  return table;
}

}  // namespace frost::kernels::simd
