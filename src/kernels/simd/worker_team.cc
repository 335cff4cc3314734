#include "kernels/simd/worker_team.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <csignal>
#include <memory>
#include <vector>

#include "kernels/simd/team_misses.h"

namespace frost::kernels::simd {
namespace {

// The generation word carries the region's thread count in its low byte, so
// that a worker learns it from the value it waited on.
constexpr uint32_t kCountBits = 8;
constexpr int kMaxThreads = (1 << kCountBits) - 1;
constexpr uint32_t kMaxRound = (uint32_t{1} << (32 - kCountBits)) - 1;
// The admission word: the region's round, a closed flag, and how many
// workers entered the region before it closed.
constexpr uint32_t kRoundShift = 16;
constexpr uint64_t kClosed = uint64_t{1} << 15;
constexpr uint64_t kEnteredMask = kClosed - 1;

thread_local bool t_in_region = false;
thread_local WorkerTeam* t_team = nullptr;
thread_local int t_nth = 1;
thread_local int t_model_runs = 0;  // TeamHold scopes open on this thread

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

void futex_wait(std::atomic<uint32_t>& word, uint32_t value) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAIT_PRIVATE, value, nullptr, nullptr, 0);
}

void futex_wake_all(std::atomic<uint32_t>& word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

void wake_sleepers(std::atomic<uint32_t>& word, std::atomic<int>& sleepers) {
  if (sleepers.load() > 0) futex_wake_all(word);
}

// Runs one thread's part with the thread-local state that barrier() and
// in_worker_region() read.
struct RegionScope {
  RegionScope(WorkerTeam* team, int nth) {
    t_in_region = true;
    t_team = team;
    t_nth = nth;
  }
  ~RegionScope() {
    t_in_region = false;
    t_team = nullptr;
    t_nth = 1;
  }
};

// Where new workers first run. Linux places a new thread on its creator's
// CPU at times (seen on the 2-core VM in about one process in six), and
// there it waits, runnable, until the creator's time slice ends,
// milliseconds later: meanwhile every region found no worker and the
// caller did all of the work, so a short benchmark ran 2 threads at
// 1 thread's speed. A worker therefore starts on the other CPUs the
// creator may use, and then takes back the creator's mask (worker_main;
// or the creator gives it back: give_back_mask), so that later the
// scheduler moves it freely.
struct StartPlacement {
  cpu_set_t inherited;        // the creator's mask, which workers take back once running
  cpu_set_t first;            // where they start: that mask without the creator's CPU
  bool avoid_caller = false;  // `first` is not empty
};
StartPlacement start_placement() {
  StartPlacement p;
  CPU_ZERO(&p.inherited);
  if (pthread_getaffinity_np(pthread_self(), sizeof(cpu_set_t), &p.inherited) != 0) return p;
  p.first = p.inherited;
  const int cpu = sched_getcpu();
  if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &p.first)) return p;
  CPU_CLR(cpu, &p.first);
  p.avoid_caller = CPU_COUNT(&p.first) > 0;
  return p;
}

// Workers of this process that have taken back their creator's mask
// (worker_main).
std::atomic<int> g_workers_placed{0};

// How long a creator waits for new workers to take back its mask
// themselves before it gives it back to them (give_back_mask).
constexpr int64_t kPlacementWaitNs = 2'000'000;

// A worker started away from the creator's CPU may not run there at all: a
// real-time task of higher priority can hold that CPU for good (seen with a
// `chrt -f 20` busy loop on CPU 1 and Frost under `chrt -f 10`). It would
// then never take back the creator's mask, and every region waiting for all
// of its threads would wait forever. So once the new workers (`threads`)
// have had kPlacementWaitNs to place themselves (usually tens of µs: this
// costs the first region that much, once per process), the creator gives
// the mask back itself; for a worker that did so already, nothing changes.
void give_back_mask(const std::vector<pthread_t>& threads, int placed_before, const cpu_set_t& mask) {
  if (threads.empty()) return;
  const int want = placed_before + static_cast<int>(threads.size());
  const int64_t deadline = now_ns() + kPlacementWaitNs;
  while (g_workers_placed.load(std::memory_order_acquire) < want && now_ns() < deadline) cpu_relax();
  if (g_workers_placed.load(std::memory_order_acquire) >= want) return;
  for (const pthread_t& t : threads) pthread_setaffinity_np(t, sizeof(cpu_set_t), &mask);
}

// A detached thread running body(arg), on the CPUs of `first_cpus` when
// given; its handle in *thread. False when it could not be started.
bool start_detached(void* (*body)(void*), void* arg, const cpu_set_t* first_cpus, pthread_t* thread) {
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return false;
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (first_cpus != nullptr) pthread_attr_setaffinity_np(&attr, sizeof(cpu_set_t), first_cpus);
  const bool started = pthread_create(thread, &attr, body, arg) == 0;
  pthread_attr_destroy(&attr);
  return started;
}

std::atomic<WorkerTeam*> g_team{nullptr};

// team_misses(): regions run, and those a worker had not joined by the end
// of the caller's part. Relaxed: the per-run choice reads them a few times
// per window, and a count off by one does not matter.
std::atomic<uint64_t> g_regions{0};
std::atomic<uint64_t> g_regions_missing{0};

void new_team_after_fork() {
  // The child has only the forking thread; the parent's workers do not
  // exist here (the old team is leaked: its state may be mid-region).
  g_team.store(new WorkerTeam);
}

}  // namespace

WorkerTeam& worker_team() {
  static const bool init = [] {
    g_team.store(new WorkerTeam);  // never destroyed: workers may be asleep on it at exit
    pthread_atfork(nullptr, nullptr, &new_team_after_fork);
    return true;
  }();
  (void)init;
  return *g_team.load();
}

bool in_worker_region() { return t_in_region; }

TeamMisses team_misses() {
  return {g_regions.load(std::memory_order_relaxed), g_regions_missing.load(std::memory_order_relaxed)};
}

void enter_model_run() { ++t_model_runs; }
void leave_model_run() { --t_model_runs; }

// Spins until done() (true) or for what the budget allows (false); while
// the team is held and the budget is whole, for as long as the hold lasts
// and a full spin after it.
template <class Done>
bool WorkerTeam::spin_until(Done done) {
  const int64_t limit = spin_ns_.load(std::memory_order_relaxed);
  int64_t last = now_ns();
  int64_t deadline = last + spin_budget_.allowed(limit, last);
  for (int i = 1; last < deadline; ++i) {
    cpu_relax();
    if (done()) {
      spin_budget_.succeeded(limit);
      return true;
    }
    if ((i & 31) == 0) {  // ~1 µs of pauses between looks at the clock
      const int64_t now = now_ns();
      if (now - last >= SpinBudget::kPreemptedNs) {
        spin_budget_.preempted(limit, now);
        return false;
      }
      last = now;
      if (held_.load(std::memory_order_relaxed) > 0 && spin_budget_.allowed(limit, now) >= limit)
        deadline = now + limit;
    }
  }
  return false;
}

// Waits until done(), which reads `word`: spins (spin_until), then sleeps on
// the futex; woken without done() (hold() wakes sleepers), spins again. The
// sleepers count and the waker's "change word, then read sleepers" are both
// sequentially consistent, so either the waker sees a sleeper and wakes it,
// or the sleeper sees the new word and does not sleep.
template <class Done>
void WorkerTeam::wait_until(std::atomic<uint32_t>& word, std::atomic<int>& sleepers, Done done) {
  if (done()) return;
  for (;;) {
    if (spin_until(done)) return;
    sleepers.fetch_add(1);
    const uint32_t value = word.load();
    if (done()) {
      sleepers.fetch_sub(1);
      return;
    }
    futex_wait(word, value);
    sleepers.fetch_sub(1);
    if (done()) return;
  }
}

void WorkerTeam::hold() {
  held_.fetch_add(1);
  // A spurious wake-up of the futex word: the sleepers find no new region
  // and spin (wait_until).
  wake_sleepers(generation_, generation_sleepers_);
}

void WorkerTeam::release() { held_.fetch_sub(1); }

uint32_t WorkerTeam::regions() const { return generation_.load(std::memory_order_relaxed) >> kCountBits; }

void WorkerTeam::start_workers(int count) {
  // Workers never handle signals: a signal meant for the program goes to
  // one of its own threads.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  const StartPlacement placement = start_placement();
  const uint32_t seen = generation_.load();
  const int placed_before = g_workers_placed.load(std::memory_order_acquire);
  std::vector<pthread_t> started_away;  // started on placement.first
  for (int tid = workers_ + 1; tid <= count; ++tid) {
    auto* start = new WorkerStart{this, tid, seen, placement.inherited};
    pthread_t thread;
    if (!start_detached(&worker_main, start, placement.avoid_caller ? &placement.first : nullptr, &thread)) {
      delete start;
      break;  // run() uses the workers there are
    }
    // Named here as well as by the worker itself: one started on a busy
    // CPU may not run for milliseconds, and until it is named the per-run
    // measuring (team_clock.h, which finds workers by name) cannot see it
    // wait.
    pthread_setname_np(thread, "frost-worker");
    if (placement.avoid_caller) started_away.push_back(thread);
    workers_ = tid;
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  give_back_mask(started_away, placed_before, placement.inherited);
}

void* WorkerTeam::worker_main(void* arg) {
  const std::unique_ptr<WorkerStart> start(static_cast<WorkerStart*>(arg));
  // Started away from the caller's CPU (start_placement); from now on the
  // scheduler places this thread as it would any other.
  pthread_setaffinity_np(pthread_self(), sizeof(cpu_set_t), &start->inherited);
  g_workers_placed.fetch_add(1, std::memory_order_release);
  start->team->worker_loop(start->tid, start->seen);
  return nullptr;
}

void WorkerTeam::worker_loop(int tid, uint32_t seen) {
  pthread_setname_np(pthread_self(), "frost-worker");
  for (;;) {
    wait_until(generation_, generation_sleepers_, [&] { return generation_.load(std::memory_order_acquire) != seen; });
    seen = generation_.load(std::memory_order_acquire);
    const int nth = static_cast<int>(seen & kMaxThreads);
    if (tid >= nth || !admit(seen >> kCountBits)) continue;  // not needed, or too late: the caller does not wait
    {
      const RegionScope scope(this, nth);
      task_(context_, tid, nth);
    }
    done_.fetch_add(1);
    wake_sleepers(done_, done_sleepers_);
  }
}

bool WorkerTeam::admit(uint64_t round) {
  uint64_t a = admission_.load(std::memory_order_acquire);
  do {
    if ((a >> kRoundShift) != round || (a & kClosed) != 0) return false;
  } while (!admission_.compare_exchange_weak(a, a + 1, std::memory_order_acq_rel));
  return true;
}

bool WorkerTeam::run(int nth, Task task, void* context, Join join, RegionReport* report) {
  if (nth < 2 || t_in_region) return false;
  bool expected = false;
  if (!busy_.compare_exchange_strong(expected, true, std::memory_order_acquire)) return false;
  nth = std::min(nth, kMaxThreads);
  if (workers_ < nth - 1) start_workers(nth - 1);
  nth = std::min(nth, workers_ + 1);
  if (nth < 2) {
    busy_.store(false, std::memory_order_release);
    return false;
  }
  task_ = task;
  context_ = context;
  done_.store(0, std::memory_order_relaxed);
  barrier_arrived_.store(0, std::memory_order_relaxed);
  const uint32_t round = ((generation_.load(std::memory_order_relaxed) >> kCountBits) + 1) & (kMaxRound);
  admission_.store(static_cast<uint64_t>(round) << kRoundShift, std::memory_order_relaxed);
  generation_.store((round << kCountBits) | static_cast<uint32_t>(nth));
  // A sleeper counts until its futex_wait has returned, so one that hold()
  // woke a moment ago and that has not run yet counts too.
  const bool woke = generation_sleepers_.load() > 0;
  if (woke) futex_wake_all(generation_);
  if (report != nullptr) {
    // Outside a model's run (a loop program, a kernel called directly)
    // nothing wakes the workers ahead of a region or keeps them spinning
    // after it: each such call pays the wake-up, a cost the estimate must
    // learn. With the spin budget cut (a spinner was lately preempted: the
    // cores are busy), workers sleep between close regions too, and a
    // wake-up is a cost of every region; with it whole, a sleeper slept
    // through a pause.
    const int64_t limit = spin_ns_.load(std::memory_order_relaxed);
    report->woke_after_pause = woke && t_model_runs > 0 && spin_budget_.allowed(limit, now_ns()) >= limit;
  }
  auto wait_for_workers = [&] {
    // Workers that have not started by now never will: close the region to
    // them unless every thread must take part (barriers, fixed shares).
    uint32_t workers = static_cast<uint32_t>(nth - 1);
    if (join == Join::kStartedWorkers)
      workers = static_cast<uint32_t>(admission_.fetch_or(kClosed, std::memory_order_acq_rel) & kEnteredMask);
    wait_until(done_, done_sleepers_, [&] { return done_.load(std::memory_order_acquire) == workers; });
    busy_.store(false, std::memory_order_release);
  };
  try {
    const RegionScope scope(this, nth);
    task(context, 0, nth);
  } catch (...) {
    wait_for_workers();  // the workers use the caller's context until they finish
    throw;
  }
  // Every region counts, also one whose worker slept through a pause and
  // arrives 20-110 µs late: a worker queued behind another program looks
  // the same from here (its futex wait has not returned, and its spin
  // budget is whole, since it has not run to see itself preempted), and
  // leaving such regions out hid every region of a busy core's short runs.
  // A plan whose worker wakes too late for its runs loses little on one
  // thread, and its probe resumes the team where that is faster
  // (team_share_policy.h).
  g_regions.fetch_add(1, std::memory_order_relaxed);
  if ((admission_.load(std::memory_order_acquire) & kEnteredMask) < static_cast<uint64_t>(nth - 1))
    g_regions_missing.fetch_add(1, std::memory_order_relaxed);
  wait_for_workers();
  return true;
}

void WorkerTeam::barrier() {
  const int nth = t_nth;
  if (nth <= 1) return;
  const uint32_t generation = barrier_generation_.load(std::memory_order_acquire);
  if (barrier_arrived_.fetch_add(1) + 1 == static_cast<uint32_t>(nth)) {
    barrier_arrived_.store(0, std::memory_order_relaxed);
    barrier_generation_.fetch_add(1);
    wake_sleepers(barrier_generation_, barrier_sleepers_);
    return;
  }
  wait_until(barrier_generation_, barrier_sleepers_,
             [&] { return barrier_generation_.load(std::memory_order_acquire) != generation; });
}

void team_barrier() {
  if (t_team != nullptr) t_team->barrier();
}

}  // namespace frost::kernels::simd
