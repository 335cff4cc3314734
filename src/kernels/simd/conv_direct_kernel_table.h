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

struct DirectConvKernelTable {
  static constexpr int kMaxTiles = 4;
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
