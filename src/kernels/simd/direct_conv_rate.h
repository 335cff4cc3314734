// The least work worth a thread in a direct convolution (the WorkRate that
// thread_policy.h's choose_threads weighs a call's FLOPs with), by layer.
//
// The general rate (kFlops: 0.25 MFLOP a thread at least) kept the small 1×1
// expansions and projections of a MobileNetV2 at low resolution on one
// thread, while the depthwise layers between them split at a tenth of that
// (conv_f32.cc: kDepthwiseFlops). At 2 threads every such 1×1 layer then
// read the half of its input that the other core had written, from that
// core's cache, and the depthwise layer after it the half that this one
// wrote (cross-core reads run at 21-25 GB/s on the 2-core VM against 58 GB/s
// local, and slower for a few KiB): models/mobilenet_v2 (96², 1.4 MFLOP
// 1×1 layers) ran 2 threads no faster than 1. Split too, by pixel tiles
// (the grid cuts rows first, grid_split.h, and the threads take the chunks
// from either end, thread_policy.h), each thread mostly reads the pixels it
// wrote, as in the depthwise layer. A layer of one pixel tile could only cut
// its output channels, which every next layer reads across the cores: it
// keeps the general rate.
#pragma once

#include <cstdint>

#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {

// FLOP/s of the AVX-512 direct kernels on 1×1 layers on the Zen 4 VM
// (teachable_handwriting's 7²×112→1280 layer: 14 MFLOP in 130 µs; its stem
// 10.8 MFLOP in 119 µs), against kFlops' AVX2 figure: the region overhead a
// split must beat (choose_threads) is worth that much more work.
inline constexpr double kDirectAvx512FlopsPerSecond = 1e11;

// The rate for a direct convolution: pointwise (1×1, stride 1, unpadded),
// `pixels` output pixels in tiles of `mr`, on up to `threads` threads, with
// kernels of `lanes` floats a vector. Pure.
inline WorkRate direct_conv_rate(bool pointwise, int64_t pixels, int mr, int threads, int lanes) {
  const int64_t tiles = mr > 0 ? (pixels + mr - 1) / mr : 0;
  if (!pointwise || threads < 2 || tiles < threads) return kFlops;
  return {lanes >= 16 ? kDirectAvx512FlopsPerSecond : kFlops.units_per_second, kFlops.min_units_per_thread / 10};
}

}  // namespace frost::kernels::simd
