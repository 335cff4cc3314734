// conv2d_direct_f32's AVX2 + FMA tiles (8 lanes), one translation unit each
// (conv_direct_f32_avx2_<MR>x<NR>.cc): 12 of the 16 ymm registers hold
// accumulators in the shapes 12 pixels × 8 channels and 6 × 16; 8 × 8 serves
// stem rows of 8, 16 or 32 pixels. The order is the tile index the plans use
// (conv2d_direct_tile).
#include "kernels/simd/conv_direct_kernel_table.h"

namespace frost::kernels::simd {

const DirectConvKernelTable& conv_direct_table_avx2() {
  static const DirectConvKernelTable table{
      "avx2",
      8,
      3,
      {conv_direct_tile_avx2_12x8(), conv_direct_tile_avx2_6x16(), conv_direct_tile_avx2_8x8()}};
  return table;
}

}  // namespace frost::kernels::simd
