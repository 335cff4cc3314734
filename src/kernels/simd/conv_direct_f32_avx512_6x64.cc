// The direct convolution's 6x64 tile for AVX-512F (16 lanes):
// 6 pixels × 64 channels: 24 accumulators, four filter vectors.
// Built with -mavx512f; only called after a CPU + OS check (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

DirectConvTile conv_direct_tile_avx512_6x64() {
  return make_direct_tile<DirectTraits<xsimd::avx512f, 6, 4>>("conv2d_direct_f32_6x64_avx512",
                                                                  "conv2d_direct_stem_f32_6x64_avx512");
}

}  // namespace frost::kernels::simd
