// The threads that run the kernels' parallel regions: the calling thread
// plus workers that, between regions, spin for a bounded time and then sleep
// on a futex.
//
// Why not OpenMP's own team: libgomp fixes its waiting policy when the
// program starts (OMP_WAIT_POLICY, GOMP_SPINCOUNT). Passive, a region costs
// a futex wake-up and, on a VM, the wake-up of an idle virtual CPU: 20-25 µs
// measured on the 2-core AVX-512 VM, so most layers of a batch-1 CNN were
// not worth splitting. Spinning (libgomp's default, ~7 ms at 25 ns a PAUSE)
// makes a region cost about 1 µs but keeps a whole core busy between runs,
// and the program had to re-execute itself to choose. Here the spin is
// bounded by time (kSpinSeconds) and can be changed at run time, a region
// costs about a microsecond while the workers spin, and a wake-up is only
// paid after a pause longer than the spin (a new run of a model).
#pragma once

#include <sched.h>

#include <atomic>
#include <cstdint>

namespace frost::kernels::simd {

// How long a waiting thread spins before it sleeps, by default.
inline constexpr double kSpinSeconds = 2e-4;

// How long the waiting threads spin now: the team's setting, unless a
// spinner lately found itself preempted (a gap between two looks at the
// clock). Then the cores are busy, and a spinner takes CPU time from the
// thread doing the work (with group scheduling even from one on another
// core: both draw on the process's share): each preemption halves the spin,
// each spin that ends with the awaited change doubles it back (from 1 µs),
// and kRecoverNs without a preemption restores the setting. Pure but for
// the two atomics; times in ns on the steady clock.
class SpinBudget {
 public:
  static constexpr int64_t kPreemptedNs = 20'000;   // a gap this long between looks
  static constexpr int64_t kRecoverNs = 100'000'000;
  static constexpr int64_t kMinNs = 1'000;

  int64_t allowed(int64_t limit, int64_t now) const {
    if (now - last_preempted_.load(std::memory_order_relaxed) >= kRecoverNs) return limit;
    const int64_t b = budget_.load(std::memory_order_relaxed);
    return b < limit ? b : limit;
  }
  void preempted(int64_t limit, int64_t now) {
    budget_.store(allowed(limit, now) / 2, std::memory_order_relaxed);
    last_preempted_.store(now, std::memory_order_relaxed);
  }
  void succeeded(int64_t limit) {
    const int64_t b = budget_.load(std::memory_order_relaxed);
    if (b < limit) budget_.store(b * 2 > kMinNs ? (b * 2 < limit ? b * 2 : limit) : kMinNs, std::memory_order_relaxed);
  }

 private:
  std::atomic<int64_t> budget_{0};
  std::atomic<int64_t> last_preempted_{-kRecoverNs};
};

class WorkerTeam {
 public:
  using Task = void (*)(void* context, int tid, int nth);

  // Whom the caller waits for once its own task has returned.
  enum class Join {
    kEveryThread,     // all nth threads run the task (fixed shares, barriers)
    kStartedWorkers,  // workers that have not started by then are skipped:
                      // the tasks share the work dynamically, and the
                      // caller's task returns only when none is left
  };

  // What a region cost the team beyond the task, for the caller's cost
  // estimate (thread_policy.h).
  struct RegionReport {
    // A worker was asleep on the futex when the region began (or had just
    // been woken by hold() and not yet run) in a model's run (TeamHold) with
    // the spin budget whole: it had slept through the pause between runs,
    // arrives after a futex wake-up, 20-110 µs on the 2-core VM, and that
    // cost is paid once after the pause, not by the regions that follow
    // while it spins.
    bool woke_after_pause = false;
  };

  // task(context, t, nth) for t in [0, nth), t = 0 on the calling thread,
  // the others on workers (started on first use). Returns false without
  // running anything when another thread is using the team or nth < 2: the
  // caller then runs the work itself. Fills *report when given and true.
  bool run(int nth, Task task, void* context, Join join = Join::kEveryThread, RegionReport* report = nullptr);

  // Inside a task: waits until every thread of the region has arrived.
  void barrier();

  // Between hold() and release() (a model's run on several threads: plan.cc)
  // the workers keep spinning between regions instead of going to sleep
  // after the spin (unless a spinner was lately preempted: the cores are
  // busy, and the spin budget rules), and release() starts a last full
  // spin; hold() wakes sleeping workers into that spin. So a run whose
  // parallel layers are apart by more than the spin (a long stretch of
  // single-threaded ops), and the first region of a run after a pause, do
  // not wait for a sleeping worker: waking one costs 20-70 µs on the 2-core
  // VM (an idle virtual CPU), a whole small layer. Holds nest (a counter);
  // workers not started yet are not started by hold().
  void hold();
  void release();
  // Regions run so far (wraps): a caller compares two readings to learn
  // whether a stretch of work used the team.
  uint32_t regions() const;

  // The longest spin (the budget's limit).
  void set_spin_seconds(double seconds) { spin_ns_.store(static_cast<int64_t>(seconds * 1e9)); }
  double spin_seconds() const { return 1e-9 * static_cast<double>(spin_ns_.load()); }

 private:
  struct WorkerStart {
    WorkerTeam* team;
    int tid;
    uint32_t seen;
    cpu_set_t inherited;  // the creator's CPU mask
  };
  void start_workers(int count);  // workers_ becomes count unless a thread cannot start
  static void* worker_main(void* start);  // takes a WorkerStart
  void worker_loop(int tid, uint32_t seen);
  template <class Done>
  void wait_until(std::atomic<uint32_t>& word, std::atomic<int>& sleepers, Done done);
  template <class Done>
  bool spin_until(Done done);
  bool admit(uint64_t round);  // a worker enters the region of `round` unless it has closed

  std::atomic<bool> busy_{false};
  std::atomic<int> held_{0};
  std::atomic<int64_t> spin_ns_{static_cast<int64_t>(kSpinSeconds * 1e9)};
  SpinBudget spin_budget_;
  int workers_ = 0;  // started so far (only the thread holding busy_ changes it)

  // The current region, published by the release increment of generation_.
  Task task_ = nullptr;
  void* context_ = nullptr;
  int nth_ = 0;

  // Futex words (32-bit) and the number of threads asleep on each: a waker
  // makes the system call only when someone sleeps.
  std::atomic<uint32_t> generation_{0};
  std::atomic<int> generation_sleepers_{0};
  std::atomic<uint64_t> admission_{0};
  std::atomic<uint32_t> done_{0};  // workers that finished the region's task
  std::atomic<int> done_sleepers_{0};
  std::atomic<uint32_t> barrier_generation_{0};
  std::atomic<uint32_t> barrier_arrived_{0};
  std::atomic<int> barrier_sleepers_{0};
};

// The process's team (a child process after fork gets a new, empty one).
WorkerTeam& worker_team();

// A model's run on the calling thread (plan.cc) for the scope's lifetime.
// Either way its regions report a wake-up after the pause between runs as
// such (RegionReport: paid once per pause; so also in a run that does not
// hold the team because the last one made no region, or every such run
// would count its wake-up, keep its layers on one thread, and not hold the
// next); when `active`, also hold() of the process's team. Outside a run
// (a loop program's, a kernel called directly) a wake-up counts in full.
void enter_model_run();
void leave_model_run();
class TeamHold {
 public:
  explicit TeamHold(bool active) : active_(active) {
    enter_model_run();
    if (active_) worker_team().hold();
  }
  ~TeamHold() {
    if (active_) worker_team().release();
    leave_model_run();
  }
  TeamHold(const TeamHold&) = delete;
  TeamHold& operator=(const TeamHold&) = delete;

 private:
  bool active_;
};

// True on a thread while it runs a task of a WorkerTeam region.
bool in_worker_region();

// Inside a region: barrier() of the team running it; elsewhere nothing.
void team_barrier();

}  // namespace frost::kernels::simd
