// The direct convolution's 6x16 tile for AVX2 + FMA (8 lanes):
// 6 pixels × 16 channels: 12 accumulators, two filter vectors. (A 4 × 24
// tile leaves no register for its third filter vector: GCC then reloads the
// filter for every FMA, and it ran at half speed on ResNet's 7×7×512 layers.)
// Built with -mavx2 -mfma; only called after a CPU + OS check (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

DirectConvTile conv_direct_tile_avx2_6x16() {
  return make_direct_tile<DirectTraits<xsimd::fma3<xsimd::avx2>, 6, 2>>("conv2d_direct_f32_6x16_avx2",
                                                                  "conv2d_direct_stem_f32_6x16_avx2");
}

}  // namespace frost::kernels::simd
