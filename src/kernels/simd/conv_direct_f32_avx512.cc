// conv2d_direct_f32 tiles for AVX-512F (16 lanes): 24 of the 32 zmm
// registers hold accumulators in the shapes 24 pixels × 16 channels,
// 12 × 32 and 6 × 64, the rest the filter vectors; input values are broadcast
// from memory into the FMA. 16 × 16 (16 accumulators, still twice the FMA
// latency × ports) is for rows of 16 or 32 pixels in the stem mode, whose
// tiles do not cross output rows (out_w = 32: 24 × 16 would compute 48).
// 7 × 48 (21 accumulators) is for MobileNet-style layers, whose pixel
// counts (7², 14², ...) are multiples of 7 and channel counts often of 48.
// 7 × 64 (28 accumulators + 4 filter vectors: all 32 zmm, the input read as
// embedded broadcasts) is for ResNet-style layers, 7² ... 56² pixels and
// multiples of 64 channels; it has no stem mode (those layers never take
// it, and its instantiations would add a third to this file's compile time).
// Built with -mavx512f; only called after a CPU + OS check
// (conv_direct_f32.cc).
#include "kernels/simd/conv_direct_impl.h"

namespace frost::kernels::simd {

const DirectConvKernelTable& conv_direct_table_avx512() {
  using A = xsimd::avx512f;
  static const char* const names[] = {"conv2d_direct_f32_24x16_avx512", "conv2d_direct_f32_12x32_avx512",
                                      "conv2d_direct_f32_6x64_avx512", "conv2d_direct_f32_16x16_avx512",
                                      "conv2d_direct_f32_7x48_avx512", "conv2d_direct_f32_7x64_avx512"};
  static const char* const stem_names[] = {"conv2d_direct_stem_f32_24x16_avx512", "conv2d_direct_stem_f32_12x32_avx512",
                                           "conv2d_direct_stem_f32_6x64_avx512", "conv2d_direct_stem_f32_16x16_avx512",
                                           "conv2d_direct_stem_f32_7x48_avx512", nullptr};
  static const DirectConvKernelTable table =
      make_direct_table<DirectTraits<A, 24, 1>, DirectTraits<A, 12, 2>, DirectTraits<A, 6, 4>, DirectTraits<A, 16, 1>,
                        DirectTraits<A, 7, 3>, DirectTraits<A, 7, 4, false>>("avx512", names, stem_names);
  return table;
}

}  // namespace frost::kernels::simd
