// conv2d_direct_f32's AVX-512F tiles (16 lanes), one translation unit each
// (conv_direct_f32_avx512_<MR>x<NR>.cc): 24 of the 32 zmm registers hold
// accumulators in the shapes 24 pixels × 16 channels, 12 × 32 and 6 × 64,
// the rest the filter vectors; input values are broadcast from memory into
// the FMA. 16 × 16 serves stem rows of 16 or 32 pixels, 7 × 48 MobileNet-
// style and 7 × 64 ResNet-style layers (see their files). The order is the
// tile index the plans use (conv2d_direct_tile).
#include "kernels/simd/conv_direct_kernel_table.h"

namespace frost::kernels::simd {

const DirectConvKernelTable& conv_direct_table_avx512() {
  static const DirectConvKernelTable table{"avx512",
                                           16,
                                           7,
                                           {conv_direct_tile_avx512_24x16(), conv_direct_tile_avx512_12x32(),
                                            conv_direct_tile_avx512_6x64(), conv_direct_tile_avx512_16x16(),
                                            conv_direct_tile_avx512_7x48(), conv_direct_tile_avx512_7x64(),
                                            conv_direct_tile_avx512_28x16()}};
  return table;
}

}  // namespace frost::kernels::simd
