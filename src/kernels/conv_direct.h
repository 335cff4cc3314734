// Direct (implicit-GEMM) convolution on NHWC, the twin of conv2d_reference
// for groups == 1 (src/kernels/simd/conv_direct_f32.cc and its per-ISA
// translation units). Unlike conv2d_f32 (im2col + GEMM), nothing is copied:
// a register tile of MR output pixels × NR output channels is computed over
// the whole reduction fh·fw·in_c in one pass, reading the input in place
// through a small table of row pointers, and the fused epilogue (bias,
// residual, activation, post-activation scale and shift) is applied while the
// tile is still in registers.
//
// The pointer table of a tile has one entry per (segment, pixel): a segment
// is a run of the reduction that is contiguous in the input. When every
// pixel's window lies inside the input horizontally (and dilation_w == 1),
// one filter row's taps fw·in_c are one run (so a 3-channel stem reduces over
// runs of 9, not 3); at the borders each tap is its own run of in_c. Taps in
// the padding point at a buffer of zeros, so padding costs no copy.
//
// Tiles: per ISA a few shapes with the same number of accumulators (AVX-512:
// 24 of 32 zmm, AVX2: 12 of 16 ymm), differing in NR (AVX-512: 1, 2, 4
// vectors; AVX2: 1, 2), one narrower in MR for the stem mode, and on
// AVX-512 7 × 48 and 7 × 64 (28 accumulators, plain mode only) for pixel
// counts that are multiples of 7 (7², 14², 28², 56²). The plan
// picks one per layer at prepare time from out_c and the pixel count
// (conv2d_direct_plan says how); the filter is packed for that tile.
//
// The stem mode (plan.stem) is for layers whose neighbouring input pixels
// are at most 8 floats apart (in_c · stride_w ≤ 8: RGB and grayscale first
// layers, thin layers) and for pointwise layers (1×1, stride 1, no padding:
// one row of n·h·w pixels) with 16–144 channels in (those the kernels are
// instantiated for): a tile is MR pixels of one output row, read at a
// constant step known at compile time, in place where its window lies inside
// the input and from a zero-padded copy of its window where it does not, so
// neither border runs of in_c floats nor pointer tables cost more than the
// few FMAs per pixel such layers have
// (src/kernels/simd/conv_direct_stem_impl.h). Same packed filter, same
// epilogue; chosen by the plan whenever it fits.
//
// On Zen 5 (AVX-512, fma_rate.h) a pointwise layer whose tile is 12 × 32,
// 7 × 48 or 6 × 64 runs in the panel kernel instead (plan.panel,
// src/kernels/simd/conv_pointwise_panel.h): the input is one matrix, so a
// call multiplies a long run of pixel tiles by one filter panel with the
// row stride in a register, and pays the per-tile setup of the modes above
// once per run. Same packed filter; its epilogue is bias, a residual before
// the activation and ReLU / ReLU6 (the other epilogues take the modes above).
// Its tile is chosen again by its own cost, among taller ones on the same
// panels too (14 × 32: plan.panel_mr).
#pragma once

#include <cstddef>

#include "kernels/conv.h"
#include "kernels/gemm.h"

namespace frost::kernels {

// A tile chosen for a layer: the ISA and the index of the tile in its table.
struct ConvDirectPlan {
  GemmIsa isa = GemmIsa::kAuto;
  int tile = -1;     // -1: the direct kernel does not apply
  int mr = 0, nr = 0;  // output pixels × output channels of the register tile
  bool stem = false;   // the stem mode, where it fits the run's geometry (else the plain one)
  // A pointwise layer with at most 4 outputs on AVX-512: output pixels
  // across the lanes (simd/conv_pointwise_across.h) on the same packed
  // filter, where the run's geometry is pointwise (else the tile above).
  bool across = false;
  // With at most 8 outputs on AVX-512 (Zen 5 and later, fma_rate.h): the
  // stem mode's paired variant, two reduction steps per FMA
  // (simd/conv_direct_stem_paired_impl.h), on the same packed filter, where
  // the run fits it (else the plain stem mode).
  bool paired = false;
  // More than 8 outputs on AVX-512 (Zen 5 and later), a pointwise layer
  // with at most 8 inputs or a few-channel layer with fh·fw·in_c ≤ 24: the
  // filter panel held in registers while the pixels stream past
  // (simd/conv_resident.h), on the same packed filter, where the run fits
  // it (else the tile above).
  bool resident = false;
  // A few-channel layer on Zen 5 AVX-512 (fma_rate.h) with one or two
  // inputs, or 8 inputs and at most 16 outputs: the reduction as one loop
  // over a tap table into a padded strip per output row
  // (simd/conv_taps.h), on the same packed filter, where the run fits it
  // (else the tile above).
  bool taps = false;
  // A pointwise layer on Zen 5 AVX-512 (fma_rate.h) whose tile has one: the
  // panel kernel (simd/conv_pointwise_panel.h), a run of pixel tiles per
  // call, on the same packed filter, where the run is pointwise and its
  // epilogue one the kernel takes (else the stem or plain mode above).
  bool panel = false;
  // The panel kernel's pixels per tile (kPanelTiles with nr), 0: mr. The
  // packing depends on nr alone, so the panel kernel may run a taller tile
  // than the direct modes' fallback.
  int panel_mr = 0;
  int panel_rows() const { return panel_mr > 0 ? panel_mr : mr; }
  bool valid() const { return tile >= 0; }
};

// Whether an ISA has direct kernels (AVX2 and AVX-512; SSE2 has none).
bool conv2d_direct_isa_supported(GemmIsa isa = GemmIsa::kAuto);

// Whether the stem mode fits p with a tile of nr channels: one group,
// in_c · stride_w ≤ 8 (or a pointwise layer with 16, 24, 32, 48, 96 or 144
// channels in), and one filter panel (K·NR floats) within 256 KiB.
bool conv2d_direct_stem_fits(const Conv2DParams& p, int nr);

// The tile for p (groups must be 1; p.batch·out_h·out_w may be 0 when the
// input shape is not known at prepare time: then only out_c decides), and
// the stem mode where it fits. Rule: the least padded work (output channels
// rounded up to NR, pixels to MR — per output row in the stem mode) weighted
// by the cost of the input broadcasts, which fall with NR (conv_direct_f32.cc
// has the numbers). With out_c == 8, AVX-512 gives way to the AVX2 tiles
// (a full 8-lane vector; the returned plan names its ISA); a pointwise
// layer with out_c ≤ 4 on AVX-512 runs with pixels across the lanes
// (plan.across) on a 16-channel tile's packing. Invalid when
// groups != 1 or the ISA has no direct kernel.
ConvDirectPlan conv2d_direct_plan(const Conv2DParams& p, GemmIsa isa = GemmIsa::kAuto);
// Every tile of an ISA (tests and benchmarks run each): how many, and the
// plan of tile i (in the stem mode if asked).
int conv2d_direct_tile_count(GemmIsa isa = GemmIsa::kAuto);
ConvDirectPlan conv2d_direct_tile(int tile, GemmIsa isa = GemmIsa::kAuto, bool stem = false);
// "conv2d_direct_f32_<MR>x<NR>_<isa>", "conv2d_direct_stem_f32_<MR>x<NR>_<isa>".
const char* conv2d_direct_kernel_name(const ConvDirectPlan& plan);

// The HWIO filter (a K × out_c matrix, K = fh·fw·in_c) as panels of NR
// columns: panel q holds K rows of NR floats (columns past out_c are 0).
// Depends on the filter shape and the plan only.
size_t conv2d_direct_packed_filter_floats(const ConvDirectPlan& plan, const Conv2DParams& p);
void conv2d_direct_pack_filter(const ConvDirectPlan& plan, const Conv2DParams& p, const float* filter,
                               float* packed_filter);

// Working memory of one call (pointer tables and the zero run; in the stem
// mode the runs' offsets and a window buffer per thread), for up to `threads` threads (0: omp_get_max_threads()).
size_t conv2d_direct_scratch_floats(const ConvDirectPlan& plan, const Conv2DParams& p, int threads = 0);

// output = epilogue(conv(input, filter)); the epilogue as in conv2d_f32
// (bias per channel, residual NHWC with row stride ep.ldr, activation,
// post_scale and post_shift per channel).
// run.isa is ignored (the plan's ISA is used); run.scratch may be null.
void conv2d_direct_f32(const ConvDirectPlan& plan, const Conv2DParams& p, const float* input,
                       const float* packed_filter, float* output, const GemmEpilogue& ep = {},
                       const GemmRun& run = {});

}  // namespace frost::kernels
