#include "kernels/simd/thread_policy.h"

#include <algorithm>
#include <cmath>

namespace frost::kernels::simd {
namespace {

// The mean moves 1/8 of the way to each new sample, a sample counting at
// most 4× the estimate + 20 µs: a region the scheduler delayed by a whole
// time slice (milliseconds, now and then even on a fairly quiet machine)
// barely moves it, while a lasting rise (a busy machine) is followed within
// a few tens of regions.
constexpr double kSampleWeight = 0.125;
constexpr double kSampleCapFactor = 4.0;
constexpr double kSampleCapSeconds = 2e-5;
// Without new samples (nothing was split) the estimate halves every 50 ms,
// so splitting resumes and re-measures once the machine has quietened.
constexpr double kHalfLifeSeconds = 0.05;

std::atomic<double> g_overhead{0.0};  // starts optimistic: the first regions measure it
std::atomic<int64_t> g_updated_ns{0};

std::atomic<double> g_stall_until{0.0}, g_stall_backoff{0.0};
std::atomic<int64_t> g_stall_clean{0};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int threads_for_work(double work, int threads, double overhead_seconds, WorkRate rate) {
  // Splitting saves about a thread's share of the time and costs one region.
  const double per_thread = std::max(rate.min_units_per_thread, overhead_seconds * rate.units_per_second);
  const double useful = work / per_thread;
  return useful < threads ? (useful < 1.0 ? 1 : static_cast<int>(useful)) : threads;
}

double decayed_overhead(double estimate, double age_seconds) {
  return age_seconds <= 0 ? estimate : estimate * std::exp2(-age_seconds / kHalfLifeSeconds);
}

double parallel_overhead() {
  const double age = 1e-9 * static_cast<double>(now_ns() - g_updated_ns.load(std::memory_order_relaxed));
  return decayed_overhead(g_overhead.load(std::memory_order_relaxed), age);
}

double next_overhead(double estimate, double sample_seconds, bool woke_after_pause) {
  const double cap = woke_after_pause ? estimate : kSampleCapFactor * estimate + kSampleCapSeconds;
  return estimate + kSampleWeight * (std::min(sample_seconds, cap) - estimate);
}

void note_parallel_overhead(double seconds, bool woke_after_pause) {
  // Racing updates may lose a sample; the estimate only needs to be rough.
  g_overhead.store(next_overhead(parallel_overhead(), seconds, woke_after_pause), std::memory_order_relaxed);
  g_updated_ns.store(now_ns(), std::memory_order_relaxed);
}

StallState after_stall(StallState s, double now) {
  const bool recurs = s.backoff > 0 && (now < s.until + s.backoff || s.clean < kStallForgetRegions);
  s.backoff = recurs ? std::min(2 * s.backoff, kMaxStallBackoffSeconds) : kStallBackoffSeconds;
  s.until = now + s.backoff;
  s.clean = 0;
  return s;
}

StallState after_clean_region(StallState s) {
  ++s.clean;
  return s;
}

bool is_stall(double waited_seconds, double chunk_seconds) {
  return waited_seconds > kStallSeconds && waited_seconds > 2 * chunk_seconds;
}

void note_parallel_stall(bool stalled) {
  // Racing updates may lose one; the back-off only needs to be rough.
  if (!stalled) {
    g_stall_clean.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  StallState s{g_stall_until.load(std::memory_order_relaxed), g_stall_backoff.load(std::memory_order_relaxed),
               g_stall_clean.load(std::memory_order_relaxed)};
  s = after_stall(s, 1e-9 * static_cast<double>(now_ns()));
  g_stall_until.store(s.until, std::memory_order_relaxed);
  g_stall_backoff.store(s.backoff, std::memory_order_relaxed);
  g_stall_clean.store(s.clean, std::memory_order_relaxed);
}

void forget_parallel_stalls() {
  g_stall_until.store(0.0);
  g_stall_backoff.store(0.0);
  g_stall_clean.store(0);
}

bool parallel_stalled() { return 1e-9 * static_cast<double>(now_ns()) < g_stall_until.load(std::memory_order_relaxed); }

int choose_threads(double work, int threads, WorkRate rate) {
  // Work too small to split even on an idle machine: decided without the
  // clock reads below (two per kernel call, a measurable part of a small
  // model's run of short ops: lstm_unrolled, nchw_cnn).
  if (threads <= 1 || work < 2 * rate.min_units_per_thread) return 1;
  if (parallel_stalled()) return 1;
  return threads_for_work(work, threads, parallel_overhead(), rate);
}

}  // namespace frost::kernels::simd
