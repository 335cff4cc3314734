// The direct convolution's 12x32 tile for AVX-512F (16 lanes):
// 12 pixels × 32 channels: 24 accumulators, two filter vectors.
// Built with -mavx512f; only called after a CPU + OS check (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

DirectConvTile conv_direct_tile_avx512_12x32() {
  return make_direct_tile<DirectTraits<xsimd::avx512f, 12, 2>>("conv2d_direct_f32_12x32_avx512",
                                                                  "conv2d_direct_stem_f32_12x32_avx512");
}

}  // namespace frost::kernels::simd
