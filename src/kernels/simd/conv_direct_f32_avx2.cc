// conv2d_direct_f32 tiles for AVX2 + FMA (8 lanes): 12 of the 16 ymm
// registers hold accumulators in the shapes 12 pixels × 8 channels and
// 6 × 16, the rest the filter vectors and one broadcast input value. (A
// 4 × 24 tile leaves no register for its third filter vector: GCC then
// reloads the filter for every FMA, and it ran at half speed on ResNet's
// 7×7×512 layers.) 8 × 8 is for rows of 8, 16 or 32 pixels in the stem mode,
// whose tiles do not cross output rows. Built with -mavx2 -mfma; only called
// after a CPU + OS check (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

const DirectConvKernelTable& conv_direct_table_avx2() {
  using A = xsimd::fma3<xsimd::avx2>;
  static const char* const names[] = {"conv2d_direct_f32_12x8_avx2", "conv2d_direct_f32_6x16_avx2",
                                      "conv2d_direct_f32_8x8_avx2"};
  static const char* const stem_names[] = {"conv2d_direct_stem_f32_12x8_avx2", "conv2d_direct_stem_f32_6x16_avx2",
                                           "conv2d_direct_stem_f32_8x8_avx2"};
  static const DirectConvKernelTable table =
      make_direct_table<DirectTraits<A, 12, 1>, DirectTraits<A, 6, 2>, DirectTraits<A, 8, 1>>("avx2", names,
                                                                                               stem_names);
  return table;
}

}  // namespace frost::kernels::simd
