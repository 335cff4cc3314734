// The direct convolution's 16x16 tile for AVX-512F (16 lanes):
// 16 pixels × 16 channels (16 accumulators, still twice the FMA latency ×
// ports) is for rows of 16 or 32 pixels in the stem mode, whose tiles do not
// cross output rows (out_w = 32: 24 × 16 would compute 48).
// Built with -mavx512f; only called after a CPU + OS check (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

DirectConvTile conv_direct_tile_avx512_16x16() {
  return make_direct_tile<DirectTraits<xsimd::avx512f, 16, 1>>("conv2d_direct_f32_16x16_avx512",
                                                                  "conv2d_direct_stem_f32_16x16_avx512",
                                                                  "conv2d_direct_stem_paired_f32_16x16_avx512");
}

}  // namespace frost::kernels::simd
