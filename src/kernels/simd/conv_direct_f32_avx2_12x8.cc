// The direct convolution's 12x8 tile for AVX2 + FMA (8 lanes):
// 12 pixels × 8 channels: 12 of the 16 ymm hold accumulators, the rest the
// filter vector and one broadcast input value.
// Built with -mavx2 -mfma; only called after a CPU + OS check (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

DirectConvTile conv_direct_tile_avx2_12x8() {
  return make_direct_tile<DirectTraits<xsimd::fma3<xsimd::avx2>, 12, 1>>("conv2d_direct_f32_12x8_avx2",
                                                                  "conv2d_direct_stem_f32_12x8_avx2");
}

}  // namespace frost::kernels::simd
