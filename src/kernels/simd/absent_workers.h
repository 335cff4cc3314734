// Whether a region of the worker team (worker_team.h) wakes the workers
// that sleep, given whether they came to the last regions.
//
// Why: with another program keeping the other core busy, a woken worker
// waits for that core, and the regions whose work the threads share
// dynamically (Join::kStartedWorkers) end before it comes: the caller does
// all the work, as on one thread. But each region still paid the futex
// wake-up, and the woken worker, often placed on the caller's core, took
// time from the caller there: teachable_handwriting ran 10-15% slower on 2
// threads than on 1 with a busy loop on the other core. So once no worker
// entered kAbsentRegions regions in a row that lasted kAbsentNs together
// (a spinning worker enters within a microsecond, a sleeping one on an idle
// VM within 20-70 µs), the workers are absent: regions are still published
// (a worker that is awake joins, and that ends the absence), but sleepers
// are woken only now and then (a probe), first after kFirstProbeNs, the
// interval doubling up to kMaxProbeNs while they stay away. The kernels run
// work with fixed shares or barriers (parallel_run: every thread must take
// part) on the caller alone meanwhile: it would wait for the absent worker.
//
// Unlike a back-off to one thread (thread_policy.h: stalls), nothing here
// keeps an awake worker out: on a machine whose other core is only briefly
// taken (another helper's compiler now and then), a worker back on its core
// joins the next region. Times in ns on the steady clock. Changed only by
// the thread that runs the team's current region (relaxed atomics: hold()
// reads absent() from any thread).
#pragma once

#include <atomic>
#include <cstdint>

namespace frost::kernels::simd {

class AbsentWorkers {
 public:
  static constexpr int64_t kAbsentRegions = 4;
  static constexpr int64_t kAbsentNs = 100'000;
  static constexpr int64_t kFirstProbeNs = 1'000'000;
  static constexpr int64_t kMaxProbeNs = 64'000'000;

  bool absent() const {
    return streak_.load(std::memory_order_relaxed) >= kAbsentRegions &&
           streak_ns_.load(std::memory_order_relaxed) >= kAbsentNs;
  }

  // Whether a region published at `now` wakes the sleeping workers: always,
  // unless they are absent; then only the first region after each probe
  // interval, which starts the next, twice as long.
  bool wake(int64_t now) {
    if (!absent()) return true;
    if (now < next_probe_.load(std::memory_order_relaxed)) return false;
    const int64_t doubled = 2 * interval_.load(std::memory_order_relaxed);
    const int64_t interval = doubled < kMaxProbeNs ? doubled : kMaxProbeNs;
    interval_.store(interval, std::memory_order_relaxed);
    next_probe_.store(now + interval, std::memory_order_relaxed);
    return true;
  }

  // After a region that the workers could skip: whether any entered, how
  // long it lasted, and when it ended.
  void region_done(bool entered, int64_t region_ns, int64_t now) {
    if (entered) {
      streak_.store(0, std::memory_order_relaxed);
      streak_ns_.store(0, std::memory_order_relaxed);
      interval_.store(kFirstProbeNs, std::memory_order_relaxed);
      return;
    }
    const bool was_absent = absent();
    streak_.store(streak_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    streak_ns_.store(streak_ns_.load(std::memory_order_relaxed) + region_ns, std::memory_order_relaxed);
    if (!was_absent && absent()) next_probe_.store(now + interval_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  }

 private:
  std::atomic<int64_t> streak_{0};     // regions in a row that no worker entered
  std::atomic<int64_t> streak_ns_{0};  // their summed duration
  std::atomic<int64_t> next_probe_{0};
  std::atomic<int64_t> interval_{kFirstProbeNs};
};

}  // namespace frost::kernels::simd
