// The seam between the direct-convolution front end (conv_direct_f32.cc)
// and its per-ISA translation units (conv_direct_f32_<isa>.cc); see
// gemm_kernel_table.h for why only plain function pointers cross it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/conv.h"
#include "kernels/gemm.h"

namespace frost::kernels::simd {

// Everything a per-ISA run needs besides the operands: the tile's place in
// the output and how the threads share it (set by the front end).
struct DirectConvRun {
  int tile = 0;              // index into DirectConvKernelTable::tiles
  int threads = 1;
  float* scratch = nullptr;  // DirectConvKernelTable::scratch_floats(...) floats
  bool stem = false;         // the stem mode (conv_direct_stem_impl.h); the front end checks it fits
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
// shape), and for pointwise layers also the thin channel counts of
// MobileNet-style expansions, whose reduction of 16–32 is too short for
// the plain mode's pointer table per tile.
inline bool direct_stem_step(int64_t step, bool pointwise) {
  return (step >= 1 && step <= 8) || (pointwise && (step == 16 || step == 24 || step == 32));
}

struct DirectConvKernelTable {
  static constexpr int kMaxTiles = 5;
  struct Tile {
    const char* name;       // "conv2d_direct_f32_<MR>x<NR>_<isa>"
    const char* stem_name;  // "conv2d_direct_stem_f32_<MR>x<NR>_<isa>"
    int mr, nr;
  };
  const char* isa_name;
  int lanes;  // floats per vector
  int num_tiles;
  Tile tiles[kMaxTiles];
  // Floats of scratch for `threads` threads: per thread one pointer table
  // (MR·fh·fw pointers) and one run of zeros (fw·in_c floats), aligned; in
  // the stem mode the run offsets and a window buffer per thread.
  size_t (*scratch_floats)(int tile, const Conv2DParams& p, int threads, bool stem);
  void (*run)(const Conv2DParams& p, const float* input, const float* packed_filter, float* output,
              const GemmEpilogue& ep, const DirectConvRun& r);
};

const DirectConvKernelTable& conv_direct_table_avx2();
const DirectConvKernelTable& conv_direct_table_avx512();

}  // namespace frost::kernels::simd
