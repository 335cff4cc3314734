// The direct convolution's 28x16 tile for AVX-512F (16 lanes):
// 28 pixels × 16 channels (28 accumulators + the filter vector, the input
// read as embedded broadcasts), for the stem mode on Zen 5 only (the plan
// never takes it in the plain mode).
// Built with -mavx512f; only called after a CPU + OS check (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

DirectConvTile conv_direct_tile_avx512_28x16() {
  DirectConvTile tile = make_direct_tile<DirectTraits<xsimd::avx512f, 28, 1>>("conv2d_direct_f32_28x16_avx512",
                                                                             "conv2d_direct_stem_f32_28x16_avx512");
  tile.full_rate_stem_only = true;
  return tile;
}

}  // namespace frost::kernels::simd
