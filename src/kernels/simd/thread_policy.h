// How many threads one kernel call uses, and the OpenMP region that runs it.
//
// Waking the OpenMP team and joining it again costs 1–2 µs on an idle
// machine. On the 2-core VM these kernels are measured on, shared with other
// busy processes, an empty 2-thread region measured 20 µs at best and 0.1 ms
// (OMP_WAIT_POLICY=passive) to 1–13 ms (libgomp's default spin-waiting) on
// average: the woken thread waits for a core, and while the master waits at
// the join its spinning partner is the one the scheduler preempts. Whole
// models then ran several times slower on 2 threads than on 1, because each
// of their tens of convolutions paid that cost. A fixed work threshold is
// either far too low for a busy machine or too high for an idle one, so the
// dispatch measures what its own parallel regions cost and splits a call only
// when each thread's share of the work is worth more than that.
#pragma once

#include <omp.h>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace frost::kernels::simd {

// Work measured in some unit: how fast one core does it, and the least a
// thread should get even on an idle machine.
struct WorkRate {
  double units_per_second;
  double min_units_per_thread;
};
// Floating-point operations with the AVX2 kernels (one core's peak is about
// 44 GFLOP/s; 0.25 MFLOP ≈ 6 µs is the least worth a thread when idle).
inline constexpr WorkRate kFlops{3.5e10, 2.5e5};

// Threads for `work` units, at most `threads`: each thread gets at least
// max(rate.min_units_per_thread, overhead_seconds of work). Pure.
int threads_for_work(double work, int threads, double overhead_seconds, WorkRate rate = kFlops);

// Running mean of what one parallel region cost beyond its work (seconds;
// a single outlier counts only partly), decaying with the time since the
// last sample (decayed_overhead, pure) so that a busy spell does not keep
// every later call on one thread.
double decayed_overhead(double estimate, double age_seconds);
double parallel_overhead();
void note_parallel_overhead(double seconds);

// The threads a kernel call may use: `threads`, or omp_get_max_threads() for
// 0; always 1 inside a parallel region (no nested teams: the caller already
// split the work).
inline int resolve_threads(int threads) {
  if (omp_in_parallel()) return 1;
  if (threads <= 0) threads = omp_get_max_threads();
  return threads < 1 ? 1 : threads;
}

// The dispatch's choice: threads_for_work with the running estimate.
int choose_threads(double work, int threads, WorkRate rate = kFlops);

namespace {  // internal linkage: included by the per-ISA translation units too

// body(tid, nth) on `threads` OpenMP threads (directly when 1). Records what
// the region cost beyond the work: the latest thread start after the fork,
// the join's delay after the last thread finished, and the longest minus the
// shortest thread (the callers give threads equal shares, so that difference
// is mostly a thread the scheduler preempted mid-way).
template <class Body>
void parallel_run(int threads, Body&& body) {
  if (threads <= 1) {
    body(0, 1);
    return;
  }
  using Clock = std::chrono::steady_clock;
  auto ns = [] { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); };
  auto raise = [](std::atomic<int64_t>& a, int64_t v) {
    for (int64_t cur = a.load(std::memory_order_relaxed); cur < v;)
      if (a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) break;
  };
  const int64_t t0 = ns();
  std::atomic<int64_t> last_start{t0}, last_end{t0}, longest{0}, minus_shortest{INT64_MIN};
#pragma omp parallel num_threads(threads)
  {
    const int64_t start = ns();
    raise(last_start, start);
    body(omp_get_thread_num(), omp_get_num_threads());
    const int64_t end = ns();
    raise(last_end, end);
    raise(longest, end - start);
    raise(minus_shortest, start - end);
  }
  const int64_t t1 = ns();
  const int64_t lost = (last_start.load() - t0) + (t1 - last_end.load()) + (longest.load() + minus_shortest.load());
  note_parallel_overhead(1e-9 * static_cast<double>(lost));
}

}  // namespace

}  // namespace frost::kernels::simd
