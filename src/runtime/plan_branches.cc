#include "runtime/plan_branches.h"

#include <algorithm>
#include <utility>

namespace frost {

namespace {

// The longest stretch searched for a group (steps). An Inception module is
// 10-20 steps once BatchNorm and ReLU are fused into the convolutions.
constexpr int kMaxSpan = 96;
// What splitting each layer on the two threads gives: the large CNNs' 2T/1T
// on the quiet 2-core VM is 1.66-1.79 (docs/bench/peers_corpus.md). A group
// must beat it: the busier thread must take less than total / this.
constexpr double kSplitSpeedup = 1.7;
// Below this (multiply-adds; ~10 us on one core) handing a group to the
// worker costs more than the group can save.
constexpr double kMinGroupCost = 1e6;
// What handing a group to the worker and joining it costs (~1 us, in
// multiply-adds): so one group is chosen over several that save as much.
constexpr double kHandOverCost = 1e5;
// An element moved by a memory-bound op (pool, concat, pad, add), in
// multiply-adds: ~2.5 G elements/s against ~100 GFLOP/s on one Zen 4 core.
constexpr double kMovedElementCost = 8;

// Union-find over the steps of one stretch (indices relative to its start),
// with each set's summed cost at its root.
class StepSets {
 public:
  explicit StepSets(int capacity) : parent_(static_cast<size_t>(capacity)), cost_(static_cast<size_t>(capacity)) {}

  void add(int i, double cost) {
    parent_[static_cast<size_t>(i)] = i;
    cost_[static_cast<size_t>(i)] = cost;
  }
  int find(int i) {
    while (parent_[static_cast<size_t>(i)] != i) {
      parent_[static_cast<size_t>(i)] = parent_[static_cast<size_t>(parent_[static_cast<size_t>(i)])];
      i = parent_[static_cast<size_t>(i)];
    }
    return i;
  }
  void join(int a, int b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    parent_[static_cast<size_t>(b)] = a;
    cost_[static_cast<size_t>(a)] += cost_[static_cast<size_t>(b)];
  }
  double cost(int root) const { return cost_[static_cast<size_t>(root)]; }

 private:
  std::vector<int> parent_;
  std::vector<double> cost_;
};

void heaviest_first(std::vector<std::pair<double, int>>& sets) {
  std::stable_sort(sets.begin(), sets.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
}

// How long two threads taking the sets (cost, root) heaviest first, each
// the next when free, take: the busier thread's total.
double two_thread_span(std::vector<std::pair<double, int>> sets) {
  heaviest_first(sets);
  double load[2] = {0, 0};
  for (const auto& set : sets) (load[1] < load[0] ? load[1] : load[0]) += set.first;
  return std::max(load[0], load[1]);
}

// Adds step first + i to the sets of the stretch starting at `first` (deps
// on earlier steps are ignored: they are done before the stretch starts).
void add_step(StepSets& sets, const std::vector<BranchStep>& steps, int first, int i) {
  const BranchStep& s = steps[static_cast<size_t>(first + i)];
  sets.add(i, s.cost);
  for (const int d : s.deps)
    if (d >= first) sets.join(i, d - first);
}

std::vector<std::pair<double, int>> roots_of(StepSets& sets, int count) {
  std::vector<std::pair<double, int>> roots;
  for (int i = 0; i < count; ++i)
    if (sets.find(i) == i) roots.emplace_back(sets.cost(i), i);
  return roots;
}

BranchGroup make_group(const std::vector<BranchStep>& steps, int first, int last) {
  const int count = last - first + 1;
  StepSets sets(count);
  for (int i = 0; i < count; ++i) add_step(sets, steps, first, i);
  std::vector<std::pair<double, int>> roots = roots_of(sets, count);
  heaviest_first(roots);
  std::vector<int> set_of(static_cast<size_t>(count), 0);
  for (size_t k = 0; k < roots.size(); ++k) set_of[static_cast<size_t>(roots[k].second)] = static_cast<int>(k);
  BranchGroup g;
  g.first = first;
  g.last = last;
  g.sets.resize(roots.size());
  for (int i = 0; i < count; ++i)
    g.sets[static_cast<size_t>(set_of[static_cast<size_t>(sets.find(i))])].push_back(first + i);
  return g;
}

}  // namespace

std::vector<BranchGroup> find_branch_groups(const std::vector<BranchStep>& steps) {
  const int n = static_cast<int>(steps.size());
  // Per start, the stretches worth a group: (last step, time saved against
  // splitting each layer, in cost units).
  std::vector<std::vector<std::pair<int, double>>> candidates(static_cast<size_t>(n));
  for (int a = 0; a < n; ++a) {
    const int span = std::min(kMaxSpan, n - a);
    StepSets sets(span);
    double total = 0;
    for (int i = 0; i < span; ++i) {
      const BranchStep& s = steps[static_cast<size_t>(a + i)];
      if (!s.eligible) break;
      add_step(sets, steps, a, i);
      total += s.cost;
      if (i == 0 || total < kMinGroupCost) continue;
      const std::vector<std::pair<double, int>> roots = roots_of(sets, i + 1);
      if (roots.size() < 2) continue;
      const double saved = total / kSplitSpeedup - two_thread_span(roots) - kHandOverCost;
      if (saved > 0) candidates[static_cast<size_t>(a)].emplace_back(a + i, saved);
    }
  }
  // The non-overlapping stretches saving the most in all (weighted interval
  // scheduling, from the end): best[i] is the most steps [i, n) can save.
  std::vector<double> best(static_cast<size_t>(n) + 1, 0);
  std::vector<int> choice(static_cast<size_t>(n), -1);
  for (int i = n - 1; i >= 0; --i) {
    best[static_cast<size_t>(i)] = best[static_cast<size_t>(i) + 1];
    for (const auto& [last, saved] : candidates[static_cast<size_t>(i)]) {
      const double with = saved + best[static_cast<size_t>(last) + 1];
      if (with > best[static_cast<size_t>(i)]) {
        best[static_cast<size_t>(i)] = with;
        choice[static_cast<size_t>(i)] = last;
      }
    }
  }
  std::vector<BranchGroup> groups;
  for (int i = 0; i < n;) {
    const int last = choice[static_cast<size_t>(i)];
    if (last < 0) {
      ++i;
      continue;
    }
    groups.push_back(make_group(steps, i, last));
    i = last + 1;
  }
  return groups;
}

bool branch_eligible(const std::string& op) {
  return op.rfind("Random", 0) != 0 && op != "TruncatedNormal" && op != "Multinomial" &&
         op != "ParameterizedTruncatedNormal";
}

GroupChoice::Way GroupChoice::next() {
  if (const int d = decided_.load(std::memory_order_relaxed)) return static_cast<Way>(d);
  return claimed_.exchange(true, std::memory_order_relaxed) ? Way::kLayers : Way::kCalibrate;
}

void GroupChoice::decide(int64_t branches_ns, int64_t layers_ns) {
  decided_.store(static_cast<int>(branches_ns < layers_ns ? Way::kBranches : Way::kLayers), std::memory_order_relaxed);
}

double step_cost(const NodeTrace& step) {
  const std::string& op = step.node->op;
  double out = 0, moved = 0;
  for (const NodeTrace::Value& v : step.outputs) out += static_cast<double>(v.shape.num_elements());
  moved = out;
  for (const NodeTrace::Value& v : step.inputs) moved += static_cast<double>(v.shape.num_elements());
  const Shape* weights = step.inputs.size() >= 2 ? &step.inputs[1].shape : nullptr;
  if (weights && weights->rank() == 4) {
    const double window = static_cast<double>(weights->dim(0) * weights->dim(1));
    if (op == "Conv2D" || op == "_FusedConv2D") return out * window * static_cast<double>(weights->dim(2));
    if (op == "DepthwiseConv2dNative" || op == "_FusedDepthwiseConv2dNative") return out * window;
    if (op == "Conv2DBackpropInput" && step.inputs.size() >= 3)  // each input pixel scatters a window per channel
      return static_cast<double>(step.inputs[2].shape.num_elements()) * window * static_cast<double>(weights->dim(2));
  }
  if ((op == "MatMul" || op == "_FusedMatMul") && weights && weights->rank() == 2 && step.inputs[0].shape.rank() == 2)
    return out * static_cast<double>(step.node->attr_bool_or("transpose_a", false) ? step.inputs[0].shape.dim(0)
                                                                                   : step.inputs[0].shape.dim(1));
  if (op == "MaxPool" || op == "AvgPool") {
    const std::vector<int64_t> k = step.node->attr_ints_or("ksize", {});
    double window = 1;
    for (const int64_t w : k) window *= static_cast<double>(std::max<int64_t>(w, 1));
    return out * window * 2;
  }
  return moved * kMovedElementCost;
}

}  // namespace frost
