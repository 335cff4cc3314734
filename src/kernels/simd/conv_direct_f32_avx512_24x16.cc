// The direct convolution's 24x16 tile for AVX-512F (16 lanes):
// 24 pixels × 16 channels: 24 accumulators, the rest of the 32 zmm the
// filter vector; the widest tile in pixels, for layers of 16 channels or
// fewer.
// Built with -mavx512f; only called after a CPU + OS check (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

DirectConvTile conv_direct_tile_avx512_24x16() {
  return make_direct_tile<DirectTraits<xsimd::avx512f, 24, 1>>("conv2d_direct_f32_24x16_avx512",
                                                                  "conv2d_direct_stem_f32_24x16_avx512",
                                                                  "conv2d_direct_stem_paired_f32_24x16_avx512");
}

}  // namespace frost::kernels::simd
