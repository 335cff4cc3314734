// The direct convolution's 7x48 tile for AVX-512F (16 lanes):
// 7 pixels × 48 channels (21 accumulators) is for MobileNet-style layers,
// whose pixel counts (7², 14², ...) are multiples of 7 and channel counts
// often of 48.
// Built with -mavx512f; only called after a CPU + OS check (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

DirectConvTile conv_direct_tile_avx512_7x48() {
  return make_direct_tile<DirectTraits<xsimd::avx512f, 7, 3>>("conv2d_direct_f32_7x48_avx512",
                                                                  "conv2d_direct_stem_f32_7x48_avx512");
}

}  // namespace frost::kernels::simd
