#include "kernels/simd/thread_policy.h"

#include <algorithm>

namespace frost::kernels::simd {
namespace {

// A thread's share must be worth this many region overheads.
constexpr double kOverheadMargin = 2.0;
// The mean moves 1/8 of the way to each new sample.
constexpr double kSampleWeight = 0.125;
constexpr unsigned kProbeInterval = 64;

std::atomic<double> g_overhead{0.0};  // starts optimistic: the first regions measure it
std::atomic<unsigned> g_skipped{0};

}  // namespace

int threads_for_work(double work, int threads, double overhead_seconds, WorkRate rate) {
  const double per_thread =
      std::max(rate.min_units_per_thread, kOverheadMargin * overhead_seconds * rate.units_per_second);
  const double useful = work / per_thread;
  return useful < threads ? (useful < 1.0 ? 1 : static_cast<int>(useful)) : threads;
}

double parallel_overhead() { return g_overhead.load(std::memory_order_relaxed); }

void note_parallel_overhead(double seconds) {
  // Racing updates may lose a sample; the estimate only needs to be rough.
  const double old = g_overhead.load(std::memory_order_relaxed);
  g_overhead.store(old + kSampleWeight * (seconds - old), std::memory_order_relaxed);
}

int choose_threads(double work, int threads, WorkRate rate) {
  const int chosen = threads_for_work(work, threads, parallel_overhead(), rate);
  const int idle = threads_for_work(work, threads, 0.0, rate);
  if (chosen < idle && g_skipped.fetch_add(1, std::memory_order_relaxed) % kProbeInterval == kProbeInterval - 1)
    return idle;
  return chosen;
}

}  // namespace frost::kernels::simd
