// Independent branches of a plan run at once on two threads (an Inception
// module's four towers, a detector's heads): each thread runs whole
// branches, one layer at a time on one core, instead of both threads
// splitting every layer. Splitting a layer pays a join per layer and reads
// the half of the input the other core wrote (cross-core reads run at
// 21-25 GB/s on the 2-core VM against 58 GB/s local); small layers (an
// 8x8 module's convolutions) barely gain from it. A branch on one core pays
// neither.
//
// A group is a contiguous stretch of the schedule whose steps fall into two
// or more sets that do not read each other's outputs (a step's inputs come
// from earlier steps, so a set only waits on steps before the stretch). The
// two threads take the sets heaviest first, each the next one left when it
// is done with its last. A stretch is a candidate where that, estimated
// from the step costs (step_cost), beats splitting each layer; the estimate
// misjudges layers that run far below the machine's peak (a detector's
// narrow heads), so each group's first runs time both ways and keep the
// faster (GroupChoice). Pure but for GroupChoice's atomics: the plan
// (plan.cc) gives the steps and runs the sets.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/executor.h"

namespace frost {

struct BranchStep {
  std::vector<int> deps;  // steps whose outputs it reads (earlier than itself)
  double cost = 0;        // step_cost
  bool eligible = true;   // may run beside other steps, and twice (branch_eligible)
};

struct BranchGroup {
  int first = 0, last = 0;             // the steps [first, last] of the schedule
  std::vector<std::vector<int>> sets;  // independent sets of steps, heaviest first; each in schedule order
};

// The groups worth running a branch per thread, in schedule order, not overlapping.
std::vector<BranchGroup> find_branch_groups(const std::vector<BranchStep>& steps);

// Whether a node of `op` may be in a group: it may run beside other steps,
// and when a group is timed both ways it runs twice, so it must give the
// same outputs again (not a random op). Values of numeric dtypes only is
// the plan's part.
bool branch_eligible(const std::string& op);

// Whether a group runs a branch per thread or layer after layer. The
// group's first run on two threads calibrates: it runs the group
// kCalibrationPasses times, layer by layer and a branch per thread by
// turns, and the faster way by the minimum is kept (the first pass, whose
// inputs come from farther back in the caches, is not counted). One run
// pays for it, so a short benchmark's warm-up absorbs it. Thread-safe: runs
// of the plan on other threads meanwhile go layer by layer.
class GroupChoice {
 public:
  enum class Way { kCalibrate, kBranches, kLayers };
  static constexpr int kCalibrationPasses = 4;  // layers, branches, layers, branches

  Way next();
  // The calibration's fastest pass each way, in ns.
  void decide(int64_t branches_ns, int64_t layers_ns);

 private:
  std::atomic<bool> claimed_{false};  // a run has begun calibrating
  std::atomic<int> decided_{0};       // 0 (not yet), else a Way
};

// A step's work in multiply-adds (convolutions, matrix products), or its
// elements moved weighted as several (everything else): only the ratios
// between steps matter.
double step_cost(const NodeTrace& step);

}  // namespace frost
