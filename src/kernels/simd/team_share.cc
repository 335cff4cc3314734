#include "kernels/simd/team_share.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

namespace frost::kernels::simd {
namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

pid_t this_thread_id() {
  thread_local const pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  return tid;
}

// Seconds the window's threads lacked a core: their summed run-queue wait;
// where that is not known, their CPU time short of the threads' count times
// the time between the samples (which then also counts a worker that slept
// between runs as lacking a core: a program pausing between runs may back
// off needlessly, and its probe, faster on 2 threads, resumes them).
double waited_seconds(const TeamClockSample& a, const TeamClockSample& b, int64_t span_ns) {
  if (a.waits_known && b.waits_known) return 1e-9 * static_cast<double>(std::max<int64_t>(b.waited_ns - a.waited_ns, 0));
  const int64_t lost = static_cast<int64_t>(a.threads) * span_ns - (b.cpu_ns - a.cpu_ns);
  return 1e-9 * static_cast<double>(std::max<int64_t>(lost, 0));
}

}  // namespace

TeamShare::Run TeamShare::begin(int threads) {
  if (threads < 2) return {};
  runs_begun_.fetch_add(1, std::memory_order_relaxed);
  const std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return {};  // another thread is running the plan: left out
  const int64_t now = now_ns();
  if (runs_solo(state_, 1e-9 * static_cast<double>(now))) {
    solo_begun_.fetch_add(1, std::memory_order_relaxed);
    open_ = false;
    return {true, true, now};
  }
  if (open_) {
    if (caller_ != this_thread_id()) return {};
    return {false, true, now};
  }
  start_ = read_team_clock(threads);
  if (!start_.valid()) return {};
  open_ = true;
  start_misses_ = team_misses();
  start_ns_ = now_ns();
  caller_ = this_thread_id();
  threads_ = threads;
  wall_ns_ = 0;
  runs_ = 0;
  checked_ns_ = 0;
  return {false, true, now};
}

TeamShare::Counts TeamShare::counts() const {
  return {runs_begun_.load(std::memory_order_relaxed), solo_begun_.load(std::memory_order_relaxed)};
}

void TeamShare::end(const Run& run, bool used_team) {
  if (!run.counted) return;
  const int64_t now = now_ns();
  const std::lock_guard<std::mutex> lock(mutex_);
  const double run_seconds = 1e-9 * static_cast<double>(now - run.start_ns);
  if (run.solo) {
    state_ = after_solo_run(state_, run_seconds, 1e-9 * static_cast<double>(now));
    return;
  }
  if (used_team) state_ = after_team_run(state_, run_seconds, 1e-9 * static_cast<double>(now));
  if (!open_ || caller_ != this_thread_id()) return;
  if (!used_team) {
    open_ = false;
    return;
  }
  wall_ns_ += now - run.start_ns;
  ++runs_;
  OpenWindow open;
  open.wall_seconds = 1e-9 * static_cast<double>(wall_ns_);
  open.checked_seconds = 1e-9 * static_cast<double>(checked_ns_);
  open.runs = runs_;
  open.sampled_threads = start_.threads;
  open.threads = threads_;
  open.waits_known = start_.waits_known;
  open.restarted = restarted_;
  const TeamMisses misses = team_misses();  // two relaxed loads, every run
  open.joined_at_open = start_misses_.regions > start_misses_.missing;
  open.joined_now = misses.regions > misses.missing;
  open.regions = static_cast<int64_t>(misses.regions - start_misses_.regions);
  open.regions_missing = static_cast<int64_t>(misses.missing - start_misses_.missing);
  const WindowRead read = window_read(open);
  if (read == WindowRead::kNone) return;
  const TeamClockSample end = read_team_clock(threads_);
  const int64_t end_ns = now_ns();
  bool close = read != WindowRead::kCheckpoint;
  if (read != WindowRead::kRestart && end.valid() && end.threads == start_.threads) {
    ShareWindow w;
    w.wall_seconds = open.wall_seconds;
    w.waited_seconds = waited_seconds(start_, end, end_ns - start_ns_);
    w.runs = runs_;
    // The runs' thread count, also when some workers were not yet found:
    // the caller's wait alone may already show a missing core.
    w.threads = threads_;
    w.regions = open.regions;
    w.regions_missing = open.regions_missing;
    if (read == WindowRead::kFull || window_contended_early(w)) {
      state_ = after_window(state_, w, 1e-9 * static_cast<double>(end_ns));
      close = true;
    }
  }
  checked_ns_ = wall_ns_;
  if (!close) return;
  // The next window starts here (a back-off closes it at the next begin()).
  restarted_ = read == WindowRead::kRestart;
  open_ = end.valid();
  start_ = end;
  start_misses_ = misses;
  start_ns_ = end_ns;
  wall_ns_ = 0;
  runs_ = 0;
  checked_ns_ = 0;
}

}  // namespace frost::kernels::simd
