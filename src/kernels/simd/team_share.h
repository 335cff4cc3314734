// One plan's choice, run by run, between the worker team and one thread
// (the policy: team_share_policy.h), with the measuring it needs: windows of
// the plan's team runs, read from the threads' counters (team_clock.h) at
// the start and end of each window and at its checkpoints.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <mutex>

#include "kernels/simd/team_clock.h"
#include "kernels/simd/team_misses.h"
#include "kernels/simd/team_share_policy.h"

namespace frost::kernels::simd {

class TeamShare {
 public:
  struct Run {
    bool solo = false;     // run this one on one thread
    bool counted = false;  // end() records it
    int64_t start_ns = 0;
  };
  // Before a run that may use `threads` threads (resolve_threads).
  Run begin(int threads);
  // After it; used_team: it ran parallel regions (a run without any says
  // nothing about the team).
  void end(const Run& run, bool used_team);

  // Runs begun so far that the team could have split, and those of them
  // held to one thread by a back-off: what `frost bench` reports, so that a
  // 2-thread time that equals the 1-thread one says why.
  struct Counts {
    int64_t runs = 0;
    int64_t solo = 0;
  };
  Counts counts() const;

 private:
  std::mutex mutex_;
  ShareState state_;
  // The open window: its first sample, on which thread, and its runs so far.
  bool open_ = false;
  TeamClockSample start_;
  int64_t start_ns_ = 0;
  TeamMisses start_misses_;  // team_misses() at the window's start
  pid_t caller_ = 0;
  int threads_ = 0;
  int64_t wall_ns_ = 0;
  int64_t runs_ = 0;
  int64_t checked_ns_ = 0;  // wall_ns_ at the window's last checkpoint
  bool restarted_ = false;  // the window restarted once its workers had started (a full window clears it)
  std::atomic<int64_t> runs_begun_{0};
  std::atomic<int64_t> solo_begun_{0};
};

}  // namespace frost::kernels::simd
