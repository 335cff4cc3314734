#include "kernels/simd/thread_policy.h"

#include <algorithm>

namespace frost::kernels::simd {
namespace {

// One core's sustained fp32 rate with the AVX2 kernels (peak ≈ 44 GFLOP/s),
// to turn a time into work.
constexpr double kFlopsPerSecond = 3.5e10;
// Below about 6 µs of work per thread more threads never pay, even idle.
constexpr double kMinFlopsPerThread = 2.5e5;
// A thread's share must be worth this many region overheads.
constexpr double kOverheadMargin = 2.0;
// The mean moves 1/8 of the way to each new sample.
constexpr double kSampleWeight = 0.125;
constexpr unsigned kProbeInterval = 64;

std::atomic<double> g_overhead{0.0};  // starts optimistic: the first regions measure it
std::atomic<unsigned> g_skipped{0};

}  // namespace

int threads_for_work(double flops, int threads, double overhead_seconds) {
  const double per_thread = std::max(kMinFlopsPerThread, kOverheadMargin * overhead_seconds * kFlopsPerSecond);
  const double useful = flops / per_thread;
  return useful < threads ? (useful < 1.0 ? 1 : static_cast<int>(useful)) : threads;
}

double parallel_overhead() { return g_overhead.load(std::memory_order_relaxed); }

void note_parallel_overhead(double seconds) {
  // Racing updates may lose a sample; the estimate only needs to be rough.
  const double old = g_overhead.load(std::memory_order_relaxed);
  g_overhead.store(old + kSampleWeight * (seconds - old), std::memory_order_relaxed);
}

int choose_threads(double flops, int threads) {
  const int chosen = threads_for_work(flops, threads, parallel_overhead());
  if (chosen < threads_for_work(flops, threads, 0.0) &&
      g_skipped.fetch_add(1, std::memory_order_relaxed) % kProbeInterval == kProbeInterval - 1)
    return threads_for_work(flops, threads, 0.0);
  return chosen;
}

}  // namespace frost::kernels::simd
