// The direct convolution's 7x64 tile for AVX-512F (16 lanes):
// 7 pixels × 64 channels (28 accumulators + 4 filter vectors: all 32 zmm,
// the input read as embedded broadcasts) is for ResNet-style layers, 7² ...
// 56² pixels and multiples of 64 channels; it has no stem mode (those
// layers never take it, and its instantiations would double this file's
// compile time).
// Built with -mavx512f; only called after a CPU + OS check (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

DirectConvTile conv_direct_tile_avx512_7x64() {
  return make_direct_tile<DirectTraits<xsimd::avx512f, 7, 4, false>>("conv2d_direct_f32_7x64_avx512",
                                                                  nullptr);
}

}  // namespace frost::kernels::simd
