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
// is done with its last. A stretch is a group only where that (estimated
// from the step costs, step_cost) beats splitting each layer. Pure: the
// plan (plan.cc) gives the steps and runs the sets.
#pragma once

#include <vector>

#include "runtime/executor.h"

namespace frost {

struct BranchStep {
  std::vector<int> deps;  // steps whose outputs it reads (earlier than itself)
  double cost = 0;        // step_cost
  bool eligible = true;   // may run beside other steps (numeric values only)
};

struct BranchGroup {
  int first = 0, last = 0;             // the steps [first, last] of the schedule
  std::vector<std::vector<int>> sets;  // independent sets of steps, heaviest first; each in schedule order
};

// The groups worth running a branch per thread, in schedule order, not overlapping.
std::vector<BranchGroup> find_branch_groups(const std::vector<BranchStep>& steps);

// A step's work in multiply-adds (convolutions, matrix products), or its
// elements moved weighted as several (everything else): only the ratios
// between steps matter.
double step_cost(const NodeTrace& step);

}  // namespace frost
