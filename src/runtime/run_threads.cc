#include "runtime/run_threads.h"

#include <algorithm>

namespace frost {

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int RunThreads::next(int threads) {
  if (threads <= 1) return 1;
  if (threads != threads_) {  // a new setting: learn again from the start
    threads_ = threads;
    phase_ = Phase::kWarm;
    runs_ = 0;
    many_.clear();
    one_.clear();
  }
  switch (phase_) {
    case Phase::kWarm:
    case Phase::kNoTrials:
      return threads;
    case Phase::kTrial:
      // All the threads first, then one: a run just after a switch is not
      // timed, since it finds the data the last run left in the other core's
      // cache (measured: fashion_cnn on 1 thread took 73 µs after runs on 1
      // thread, 110-200 µs after runs on 2).
      return runs_ < kSettleRuns + kTrialRuns ? threads : 1;
    case Phase::kChosen:
      return chosen_;
  }
  return threads;
}

void RunThreads::record(int used, double seconds) {
  if (threads_ <= 1) return;
  ++runs_;
  switch (phase_) {
    case Phase::kWarm:
      // The last warm run tells whether runs are short enough to try one thread on.
      if (runs_ >= kWarmRuns) {
        phase_ = seconds > kMaxTrialSeconds ? Phase::kNoTrials : Phase::kTrial;
        runs_ = 0;
      }
      return;
    case Phase::kNoTrials:
      return;
    case Phase::kTrial:
      if ((runs_ - 1) % (kSettleRuns + kTrialRuns) >= kSettleRuns) (used > 1 ? many_ : one_).push_back(seconds);
      if (static_cast<int>(many_.size()) >= kTrialRuns && static_cast<int>(one_.size()) >= kTrialRuns) decide();
      return;
    case Phase::kChosen:
      if (runs_ >= kRunsBetweenTrials) {
        phase_ = Phase::kTrial;
        runs_ = 0;
      }
      return;
  }
}

void RunThreads::decide() {
  const double many = median(many_), one = median(one_);
  chosen_ = many < (1.0 - kMinGain) * one ? threads_ : 1;
  many_.clear();
  one_.clear();
  phase_ = Phase::kChosen;
  runs_ = 0;
}

}  // namespace frost
