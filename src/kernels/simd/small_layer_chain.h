// Which small convolution layers of a multi-threaded run stay on one thread
// (issue 14: a small model on 2 threads must beat 1).
//
// A region of the worker team costs about a microsecond beyond its work
// (thread_policy.h), and a layer split by pixels reads the part of its
// input that the other core wrote from that core's cache (~20 GB/s on the
// 2-core VM against ~58 GB/s local). The low-resolution layers of
// models/mobilenet_v2 (96², alpha 0.35: 1×1 and depthwise layers of
// 50-700 kFLOP, 1-4 µs each) gained nothing split, and the depthwise ones
// lost (AVX-512, Zen 5, every run on the team, per-layer profile: 1×1
// 442 kFLOP 2.4 → 2.4 µs, depthwise 249 kFLOP 2.4 → 3.1, 124 kFLOP 1.4 →
// 2.5); the whole run spent ~25 µs more on them than on one thread. But a
// small layer must not be left on one thread right after a split one whose
// output is large: it then reads half of that output across the cores
// (thread_policy's depthwise rate: teachable_handwriting's 7×7×336
// depthwise layers, 7 µs alone, took 17-28 µs so).
//
// So the layers form chains: after a layer that split, a small layer splits
// too (the general rule permitting) unless its input is small enough that
// reading half of it across the cores costs less than a region; after a
// layer on one thread, a small layer stays on one thread, its input being
// in this core's cache. A large layer splits (the general rule permitting)
// wherever it is. The state is the calling thread's: a model's run calls
// its layers in order on one thread (plan.cc).
#pragma once

#include "kernels/activation.h"
#include "kernels/conv.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {

// A layer of less work than this (FLOPs) is small. The smallest layers of
// the large models (MobileNetV2 224's 7×7×960 depthwise, 0.85 MFLOP) are
// not.
inline constexpr double kSmallLayerFlops = 7e5;
// A small layer after a split one stays on one thread when its input is at
// most this large: half of it read across the cores takes ~0.8 µs, less
// than the region it saves.
inline constexpr double kChainLeaveInputBytes = 32 * 1024;

// A transcendental epilogue (swish, sigmoid, tanh, elu) counts this many
// FLOPs per output element towards a layer's size: efficientnet_block's
// 16²×16→64 swish expansions (0.52 MFLOP) take 4.9 µs on one thread,
// twice a ReLU6 layer of that size (~25 FLOPs of time per output), and its
// 8²×24→144 swish expansion (0.44 MFLOP) with the depthwise and projection
// layers after it gained from the split (AVX-512, Zen 5, 2T, interleaved,
// batch minima: 0.034-0.035 ms split against 0.037-0.040 with the three
// solo, at 20 FLOPs an output).
inline constexpr double kTranscendentalFlopsPerOutput = 40;

// The size small_layer_stays_solo judges: `flops` plus the epilogue's share
// for `outputs` elements.
inline double chain_work(double flops, double outputs, bool transcendental_epilogue) {
  return transcendental_epilogue ? flops + kTranscendentalFlopsPerOutput * outputs : flops;
}

// Whether a layer of `flops` reading `input_bytes`, after a layer that split
// (`previous_split`) or not, stays on one thread whatever the general rule
// says. Pure.
bool small_layer_stays_solo(double flops, double input_bytes, bool previous_split);

// The threads a convolution layer uses: `chosen` (the general rule's count,
// thread_policy.h's choose_threads) or 1 where small_layer_stays_solo; and
// records whether it splits for the next layer on this thread; a layer on
// one thread by the general rule (too little work) is recorded only when
// its input is larger than kChainLeaveInputBytes: a squeeze-excite's 1×1
// layers on one pooled pixel move no activations between the cores and do
// not end a chain. `forced`
// (tests of the threaded paths) keeps `chosen` and records nothing.
int chain_threads(int chosen, double flops, double input_bytes, bool forced);

// The threads a convolution layer over p of `flops` with `activation` in
// its epilogue uses: the general rule's count (threads_for_flops at `rate`,
// conv_util.h), then chain_threads. The one rule of every convolution path.
int conv_layer_threads(const Conv2DParams& p, double flops, Activation activation, int threads, bool force,
                       WorkRate rate);

// Whether the last layer on this thread split (for tests).
bool last_layer_split();
void set_last_layer_split(bool split);

}  // namespace frost::kernels::simd
