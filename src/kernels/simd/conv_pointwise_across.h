// A pointwise convolution (1×1, stride 1, no padding: an n·h·w × in_c by
// in_c × out_c product) with so few output channels that a vector of them
// is mostly empty (out_c ≤ kAcrossMaxOutC, a U-Net's 1×1 head to 1–4
// classes), computed with output pixels across the vector lanes instead:
// 16 pixels' channel j in one AVX-512 vector, each input value read once
// per pixel and not broadcast per channel vector, and the sums interleaved
// back to NHWC in registers before the store. The direct kernel's channel
// tiles spend a whole vector's FMA per pixel and input channel on 1–4
// useful lanes (conv_pointwise_across_f32_avx512.cc has the numbers).
// Kernel only: the direct convolution's plan picks it (conv_direct_f32.cc).
#pragma once

#include <cstdint>

#include "kernels/gemm.h"

namespace frost::kernels::simd {

// The most output channels the kernel takes: it interleaves out_c vectors
// with out_c² masked permutes per 16 pixels, against 16·out_c/16 lanes of
// channel-tile FMAs saved per input channel.
inline constexpr int64_t kAcrossMaxOutC = 4;

// output[m·out_c + j] = epilogue(Σ_k input[m·in_c + k] · filter[k·ldw + j])
// for m < pixels, j < out_c (1 ≤ out_c ≤ kAcrossMaxOutC ≤ ldw); the
// epilogue as GemmEpilogue says (its residual with row stride ep.ldr,
// accumulate adds output's previous contents). filter: in_c rows of ldw
// floats (the direct convolution's packed panel). `threads` share the
// pixels; the caller has chosen the count. AVX-512F only: call only after
// the CPU check.
void conv_pointwise_across_f32_avx512(int64_t pixels, int64_t in_c, int64_t out_c, const float* input,
                                      const float* filter, int64_t ldw, float* output, const GemmEpilogue& ep,
                                      int threads);

}  // namespace frost::kernels::simd
