// The threads a data-movement kernel (strided_copy.cc, concat.cc) gives a
// copy of some bytes: work in bytes, at the rate of the slowest copy loops
// (short rows: ~2 GB/s per core), so that a thread moves at least 256 KiB
// (tens of µs) and the region's cost stays small beside it.
#pragma once

#include "kernels/gemm.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {

inline constexpr WorkRate kCopyRate{2e9, 262144.0};

inline int copy_threads(double bytes, const GemmRun& run) {
  const int threads = resolve_threads(run.threads);
  return run.force_threads ? threads : choose_threads(bytes, threads, kCopyRate);
}

}  // namespace frost::kernels::simd
