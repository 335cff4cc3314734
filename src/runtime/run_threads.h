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
// enough that trying costs little, it runs a few times on all the threads
// it may use, then a few times on one, compares the medians, and keeps the faster count
// (one thread on a near tie: it leaves the other core to other work),
// trying again now and then since the load changes. Runs too long for that
// (kMaxTrialSeconds) always use all the threads: there the layers are large
// enough for the per-layer policy.
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
  // Runs on `threads` that are not timed first: the first runs of a plan
  // page in its arena and scratch and wake the workers.
  static constexpr int kWarmRuns = 2;
  // Runs on each count per trial: first all the threads, then one; of
  // each, kSettleRuns not timed, then kTrialRuns timed (an odd number: a
  // true median).
  static constexpr int kSettleRuns = 2;
  static constexpr int kTrialRuns = 7;
  // Runs with the chosen count before the next trial.
  static constexpr int64_t kRunsBetweenTrials = 512;
  // Several threads are kept only when their median is at least this much
  // faster than one thread's.
  static constexpr double kMinGain = 0.03;
  // No trials for a plan whose last warm run on all the threads took this long.
  static constexpr double kMaxTrialSeconds = 1e-3;

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
