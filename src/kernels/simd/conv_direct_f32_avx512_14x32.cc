// The direct convolution's 14x32 tile for AVX-512F (16 lanes):
// 14 pixels × 32 channels (28 accumulators + 2 filter vectors, the input
// read as embedded broadcasts), for the stem mode on Zen 5 only (the plan
// never takes it in the plain mode): RGB stems with 32 outputs on rows of
// 112 pixels (8 whole tiles, where 12 × 32 ends each row in a tail of 4).
// Built with -mavx512f; only called after a CPU + OS check (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

DirectConvTile conv_direct_tile_avx512_14x32() {
  DirectConvTile tile = make_direct_tile<DirectTraits<xsimd::avx512f, 14, 2>>("conv2d_direct_f32_14x32_avx512",
                                                                             "conv2d_direct_stem_f32_14x32_avx512");
  tile.full_rate_stem_only = true;
  return tile;
}

}  // namespace frost::kernels::simd
