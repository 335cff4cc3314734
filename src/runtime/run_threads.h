// How many threads a plan's runs use: the whole-plan half of the thread
// policy (the per-layer half is kernels/simd/thread_policy.h).
//
// Why: each layer decides alone whether splitting pays for its region, but
// a small model (0.01-1 ms) pays costs no single region sees: the worker
// spinning through the whole run (on a shared machine it draws on the
// process's CPU share, slowing the caller too), its wake-up at the start of
// a run, and the data a layer split one way leaves in the other core's
// cache for the next layer split another way. Measured on the 2-core Zen 4
// VM (AVX-512), resnet_small and mobilenet_v2 ran 5-10% slower on 2 threads
// than on 1 in some processes and faster in others, depending on the load.
// No model of those costs is reliable, so the plan measures: for runs short
// enough that trying costs little, it runs a few times on one thread, then
// a few times on all the threads it may use, compares the medians, and keeps the faster count
// (one thread on a near tie: it leaves the other core to other work),
// trying again now and then since the load changes. Runs too long for that
// (kMaxTrialSeconds on one thread) use all the threads after their first
// run: there the layers are large enough for the per-layer policy.
//
// Pure state machine, fed each run's wall time; SharedRunThreads guards it
// for a plan run by several threads at once (chosen_threads.h runs a call
// with it).
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

namespace frost {

class RunThreads {
 public:
  // Runs on one thread first: the last one's time decides whether runs
  // are short enough for trials. One thread, since a process's first runs
  // on several are its slowest (see kTrial in run_threads.cc) and the run
  // after one on several threads finds its data in the other core's cache.
  static constexpr int kWarmRuns = 1;
  // Runs on each count per trial: first one thread, then all; of
  // each, kSettleRuns not timed, then kTrialRuns timed (an odd number: a
  // true median).
  static constexpr int kSettleRuns = 2;
  static constexpr int kTrialRuns = 7;
  // Runs with the chosen count before the next trial: kFirstGap after the
  // first trial, doubling after each up to kMaxGap. The first trials run
  // while the process starts, when the load is often not what it will be
  // (a benchmark's previous process still spinning its threads down; caches
  // cold), so a first choice is checked again soon.
  static constexpr int64_t kFirstGap = 16;
  static constexpr int64_t kMaxGap = 512;
  // Several threads are kept only when their median is at least this much
  // faster than one thread's.
  static constexpr double kMinGain = 0.03;
  // No trials for a plan whose warm run on one thread took this long.
  static constexpr double kMaxTrialSeconds = 1e-3;
  // Runs in a row under kMaxTrialSeconds that bring trials back.
  static constexpr int kShortRuns = 8;

  // The thread count for the next run when the caller may use `threads`.
  int next(int threads);
  // The wall time of the run that next() was last asked for, on `used` threads.
  void record(int used, double seconds);

  // Whether a trial is under way (for tests).
  bool trying() const { return phase_ == Phase::kTrial; }

 private:
  enum class Phase { kWarm, kTrial, kChosen, kNoTrials };
  void decide();

  Phase phase_ = Phase::kWarm;
  int threads_ = 0;  // the count the caller may use, as last asked
  int chosen_ = 0;   // in kChosen
  int64_t runs_ = 0; // runs in this phase
  int64_t gap_ = kFirstGap;  // runs of the chosen count before the next trial
  std::vector<double> many_, one_;
};

class SharedRunThreads {
 public:
  int next(int threads) {
    const std::lock_guard<std::mutex> lock(mutex_);
    return choice_.next(threads);
  }
  void record(int used, double seconds) {
    const std::lock_guard<std::mutex> lock(mutex_);
    choice_.record(used, seconds);
  }

 private:
  std::mutex mutex_;
  RunThreads choice_;
};

}  // namespace frost
