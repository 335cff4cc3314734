// Small helpers shared by the convolution front ends (conv_f32.cc,
// conv_transpose_f32.cc): thread counts, scratch alignment and the fallback
// scratch of callers without a planner.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {

// Scratch sub-buffers start on 64-byte boundaries; sizes are padded by this
// many floats so that the alignment always fits.
inline constexpr int64_t kAlignFloats = 16;

inline int64_t div_up(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t round_up(int64_t a, int64_t b) { return div_up(a, b) * b; }

inline float* align_up(float* p) {
  const auto v = reinterpret_cast<uintptr_t>(p);
  return reinterpret_cast<float*>((v + 63) & ~uintptr_t{63});
}

// As in the GEMM (thread_policy.h: small work, or any work on a machine
// whose cores are busy, uses fewer threads), unless the caller forces the
// count (tests of the threaded paths). `rate`: the least a thread gets.
inline int threads_for_flops(double flops, int threads, bool force, WorkRate rate = kFlops) {
  threads = resolve_threads(threads);
  if (force) return threads;
  return choose_threads(flops, threads, rate);
}

// For callers that pass no scratch: one grow-only buffer per thread, shared
// by the convolution kernels (none of them calls another while using it).
inline float* own_scratch(size_t floats) {
  thread_local std::vector<float> own;
  if (own.size() < floats) own.resize(floats);
  return own.data();
}

}  // namespace frost::kernels::simd
