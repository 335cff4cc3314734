// The direct convolution's 8x8 tile for AVX2 + FMA (8 lanes):
// 8 pixels × 8 channels is for rows of 8, 16 or 32 pixels in the stem mode,
// whose tiles do not cross output rows.
// Built with -mavx2 -mfma; only called after a CPU + OS check (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

DirectConvTile conv_direct_tile_avx2_8x8() {
  return make_direct_tile<DirectTraits<xsimd::fma3<xsimd::avx2>, 8, 1>>("conv2d_direct_f32_8x8_avx2",
                                                                  "conv2d_direct_stem_f32_8x8_avx2");
}

}  // namespace frost::kernels::simd
