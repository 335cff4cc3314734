// The seam between the direct-convolution front end (conv_direct_f32.cc)
// and its per-ISA translation units (conv_direct_f32_<isa>.cc); see
// gemm_kernel_table.h for why only plain function pointers cross it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "kernels/conv.h"
#include "kernels/gemm.h"

namespace frost::kernels::simd {

// Everything a tile's run needs besides the operands: how the threads share
// the output (set by the front end).
struct DirectConvRun {
  int threads = 1;
  float* scratch = nullptr;  // DirectConvKernelTable::scratch_floats(...) floats
  bool stem = false;         // the stem mode (conv_direct_stem_impl.h); the front end checks it fits
  bool paired = false;       // its paired variant where it fits (conv_direct_stem_paired_impl.h)
};

// A pointwise layer: 1×1, stride 1, no padding. Its input pixels are then
// rows of one matrix (n·h·w × in_c) and the stem mode runs it as one long
// output row (stem tiles then also cross output rows and images).
inline bool direct_pointwise(const Conv2DParams& p) {
  return p.filter_h == 1 && p.filter_w == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 &&
         p.pad_left == 0 && p.out_h == p.in_h && p.out_w == p.in_w;
}

// The steps between neighbouring pixels' inputs (in_c · stride_w floats)
// the stem kernels are instantiated for: 1..8 (few-channel layers of any
// shape), and for pointwise layers also the channel counts of MobileNet-style
// expansions and projections (16–144): with one base pointer and constant
// displacements they ran 4–15% faster than the plain mode's pointer per
// pixel (bench_conv, AVX-512, 1 thread: 1×1 56²×96→24 177 µs vs 197 with 95
// channels in, 56²×48→8 31 vs 35, 112²×16→96 394 vs 447).
inline bool direct_stem_step(int64_t step, bool pointwise) {
  if (step >= 1 && step <= 8) return true;
  if (!pointwise) return false;
  for (int64_t s : {16, 24, 32, 48, 96, 144})
    if (step == s) return true;
  return false;
}

// The floats of one run of a stem tile's reduction: a filter row (fw·in_c
// floats side by side in the input), or one tap (in_c) where the filter's
// columns are dilated.
inline int64_t direct_stem_run_length(const Conv2DParams& p) {
  return p.dilation_w == 1 || p.filter_w == 1 ? p.filter_w * p.in_c : p.in_c;
}

// Whether the stem mode's paired variant (conv_direct_stem_paired_impl.h)
// fits p on vectors of `lanes` floats: at most half a vector of outputs,
// runs of an even length (a pair of reduction steps never straddles two).
inline bool direct_stem_paired_fits(const Conv2DParams& p, int lanes) {
  return p.out_c >= 1 && 2 * p.out_c <= lanes && direct_stem_run_length(p) % 2 == 0;
}

// Whether the plain mode of a tile of `mr` pixels × `nv` vectors of `lanes`
// floats broadcasts a pixel's input value into a register once for its nv
// FMAs, rather than as each FMA's {1to16} memory operand
// (broadcast_fma_impl.h): where nv ≥ 2 and the accumulators, the filter
// vectors and the broadcast fit the registers (32 on AVX-512, 16
// otherwise). The memory operand loads the value once per FMA: a 7 × 48
// tile ran 24 loads per 21 FMAs, and on the Zen 5 VM (2 full-width FMAs a
// cycle) it ran MobileNetV2's 1×1 layers at ~83% of XNNPACK's speed (which
// broadcasts once per pixel and step); in a register, 15% faster (see
// conv2d_direct_plan for the numbers). 7 × 64 (28 accumulators + 4 filter
// vectors) has no register left for it.
constexpr bool direct_register_broadcast(int mr, int nv, int lanes) {
  return nv >= 2 && mr * nv + nv + 1 <= (lanes >= 16 ? 32 : 16);
}

// One register tile (MR pixels × NR channels) of one ISA with its own entry
// points, so that each tile family is its own translation unit
// (conv_direct_f32_<isa>_<MR>x<NR>.cc): the templates of one tile, with its
// stem mode's steps × activations, took minutes to compile, and all of an
// ISA's tiles in one file 5–20 minutes for any change.
struct DirectConvTile {
  const char* name;       // "conv2d_direct_f32_<MR>x<NR>_<isa>"
  const char* stem_name;  // "conv2d_direct_stem_f32_<MR>x<NR>_<isa>", null: no stem mode
  const char* paired_name;  // "conv2d_direct_stem_paired_f32_<MR>x<NR>_<isa>", null: no paired variant
  int mr, nr;
  // Floats of scratch for `threads` threads: per thread one pointer table
  // (MR·fh·fw pointers) and one run of zeros (fw·in_c floats), aligned; in
  // the stem mode the run offsets and a window buffer per thread.
  size_t (*scratch_floats)(const Conv2DParams& p, int threads, bool stem);
  void (*run)(const Conv2DParams& p, const float* input, const float* packed_filter, float* output,
              const GemmEpilogue& ep, const DirectConvRun& r);
  // The plan takes it only for RGB stems in the stem mode, on CPUs with
  // full-width 512-bit FMAs (fma_rate.h, conv2d_direct_plan); tests and
  // benchmarks run it in both modes.
  bool full_rate_stem_only = false;
};

// A stem row that is not whole tiles ends in a tile of its last pixels
// rounded up to a multiple of this (accumulate_stem_part_for in
// conv_direct_stem_impl.h), for the input steps of few-channel layers
// (≤ 8) and tiles of more than this many pixels.
constexpr int kDirectStemTailStep = 4;

struct DirectConvKernelTable {
  static constexpr int kMaxTiles = 7;
  const char* isa_name;
  int lanes;  // floats per vector
  int num_tiles;
  DirectConvTile tiles[kMaxTiles];
};

const DirectConvKernelTable& conv_direct_table_avx2();
const DirectConvKernelTable& conv_direct_table_avx512();

// The tiles, one translation unit each (built with that ISA's flags).
DirectConvTile conv_direct_tile_avx2_12x8();
DirectConvTile conv_direct_tile_avx2_6x16();
DirectConvTile conv_direct_tile_avx2_8x8();
DirectConvTile conv_direct_tile_avx512_24x16();
DirectConvTile conv_direct_tile_avx512_12x32();
DirectConvTile conv_direct_tile_avx512_6x64();
DirectConvTile conv_direct_tile_avx512_16x16();
DirectConvTile conv_direct_tile_avx512_7x48();
DirectConvTile conv_direct_tile_avx512_7x64();
DirectConvTile conv_direct_tile_avx512_28x16();

}  // namespace frost::kernels::simd
