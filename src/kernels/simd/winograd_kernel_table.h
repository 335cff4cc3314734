// The seam between the Winograd front end (conv_winograd_f32.cc: blocking,
// threads, the 36 GEMMs) and its per-ISA translation units
// (conv_winograd_f32_<isa>.cc: the input and output transforms, vectorised
// over channels); see gemm_kernel_table.h for why only plain function
// pointers cross it.
//
// A block is `tiles` consecutive tiles starting at tile0, numbering the tiles
// of the whole batch image by image, row by row (tile t: image t / (th·tw),
// ty = t / tw % th, tx = t % tw, with th·tw tiles of 4×4 outputs per image).
// Its transformed data is kept as 36 matrices, one per point ξ = 6·i + j of
// the 6×6 transform: element (tile, channel) of matrix ξ at
//   base + ξ·xi_stride + (t − tile0)·ld + channel.
#pragma once

#include <cstdint>

#include "kernels/conv.h"
#include "kernels/gemm.h"
#include "kernels/simd/gemm_kernel_table.h"

namespace frost::kernels::simd {

inline constexpr int kWinogradTile = 4;    // outputs per tile side: F(4×4, 3×3)
inline constexpr int kWinogradPatch = 6;   // input patch side = 4 + 3 − 1
inline constexpr int kWinogradPoints = 36;  // 6×6 points ξ, one GEMM each

struct WinogradBlock {
  int64_t tile0 = 0, tiles = 0;
  int64_t tiles_h = 0, tiles_w = 0;  // tiles per image
};

struct WinogradKernelTable {
  const char* name;  // "conv2d_winograd_f32_4x4_3x3_<isa>"
  int lanes;         // floats per vector; ld of V and M must be multiples of it
  const GemmKernelTable& gemm;  // the GEMM of the 36 products, and its B packing
  // V = Bᵀ d B of the block's tiles for input channels [0, in_c); columns
  // [in_c, ld) of V are written too (with transforms of zeros).
  void (*input_transform)(const Conv2DParams& p, const float* input, const WinogradBlock& b, float* v,
                          int64_t ld, int64_t xi_stride);
  // output[.., c0:c1] = epilogue(Aᵀ M A): M holds output channels [c0, c1)
  // in its columns [0, c1 − c0) (ld ≥ c1 − c0 rounded up to lanes; the
  // columns past c1 − c0 are read but not used). ep as for the whole output.
  void (*output_transform)(const Conv2DParams& p, const float* m, int64_t ld, int64_t xi_stride,
                           const WinogradBlock& b, int64_t c0, int64_t c1, float* output, const GemmEpilogue& ep);
};

const WinogradKernelTable& winograd_table_avx2();
const WinogradKernelTable& winograd_table_avx512();

}  // namespace frost::kernels::simd
