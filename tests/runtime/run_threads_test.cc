// The whole-plan thread choice (runtime/run_threads.h): fed made-up run
// times, it must keep several threads only when they are clearly faster,
// try again after a while, and never try one thread on long runs.
#include <doctest/doctest.h>

#include "runtime/run_threads.h"

using frost::RunThreads;

namespace {

// Runs `n` runs, each taking many_s on several threads and one_s on one;
// returns how many used one thread.
int feed(RunThreads& r, int threads, int n, double many_s, double one_s) {
  int ones = 0;
  for (int i = 0; i < n; ++i) {
    const int t = r.next(threads);
    CHECK((t == 1 || t == threads));
    if (t == 1) ++ones;
    r.record(t, t == 1 ? one_s : many_s);
  }
  return ones;
}

// Past the warm-up and the first trial.
constexpr int kTrial = 2 * (RunThreads::kSettleRuns + RunThreads::kTrialRuns);
constexpr int kLearn = RunThreads::kWarmRuns + kTrial;

}  // namespace

TEST_CASE("one thread asked for: always one, nothing learned") {
  RunThreads r;
  CHECK(feed(r, 1, 100, 1e-4, 1e-4) == 100);
}

TEST_CASE("several threads clearly faster: kept after the trial") {
  RunThreads r;
  const int trial_ones = feed(r, 2, kLearn, 6e-5, 1e-4);
  CHECK(trial_ones == RunThreads::kSettleRuns + RunThreads::kTrialRuns);
  CHECK_FALSE(r.trying());
  CHECK(feed(r, 2, 100, 6e-5, 1e-4) == 0);
}

TEST_CASE("a near tie or a loss: one thread") {
  for (const double many : {1e-4, 0.99e-4, 1.3e-4}) {
    RunThreads r;
    feed(r, 2, kLearn, many, 1e-4);
    CHECK(feed(r, 2, 100, many, 1e-4) == 100);
  }
}

TEST_CASE("medians, not means: one slow outlier does not decide") {
  RunThreads r;
  for (int i = 0; i < kLearn; ++i) {
    const int t = r.next(2);
    // The first timed run on several threads is preempted (10 ms).
    r.record(t, t == 1 ? 1e-4 : (i == RunThreads::kWarmRuns + RunThreads::kSettleRuns ? 1e-2 : 5e-5));
  }
  CHECK(r.next(2) == 2);
}

TEST_CASE("the choice is tried again: a machine that became busy is noticed") {
  RunThreads r;
  feed(r, 2, kLearn, 5e-5, 1e-4);
  CHECK(feed(r, 2, static_cast<int>(RunThreads::kRunsBetweenTrials), 5e-5, 1e-4) == 0);
  // Now several threads are slower (the other core is busy).
  feed(r, 2, kTrial, 2e-4, 1e-4);
  CHECK(feed(r, 2, 50, 2e-4, 1e-4) == 50);
}

TEST_CASE("the runs just after a switch are not timed") {
  RunThreads r;
  for (int i = 0; i < kLearn; ++i) {
    const int t = r.next(2);
    const bool settling = i >= RunThreads::kWarmRuns &&
                          (i - RunThreads::kWarmRuns) % (RunThreads::kSettleRuns + RunThreads::kTrialRuns) <
                              RunThreads::kSettleRuns;
    // One thread is slower, but runs just after a switch would say the opposite.
    r.record(t, settling ? (t == 1 ? 1e-5 : 1e-2) : (t == 1 ? 1e-4 : 5e-5));
  }
  CHECK(r.next(2) == 2);
}

TEST_CASE("long runs: never tried on one thread") {
  RunThreads r;
  CHECK(feed(r, 2, 200, 2 * RunThreads::kMaxTrialSeconds, 1.5 * RunThreads::kMaxTrialSeconds) == 0);
}

TEST_CASE("a new thread count starts learning again") {
  RunThreads r;
  feed(r, 2, kLearn, 2e-4, 1e-4);
  CHECK(r.next(2) == 1);
  CHECK(r.next(4) == 4);  // warm-up of the new setting
}
