// Branch groups (runtime/plan_branches.h): which stretches of a schedule run
// a branch per thread, and its independent sets of steps; then a
// planned graph with two towers run on two threads against the reference
// backend, its profile, and a residual block that must stay one layer at a
// time.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "graph_test_util.h"
#include "op_test_util.h"
#include "runtime/plan_branches.h"
#include "runtime/session.h"

using namespace frost;
using frost::testing::check_close;
using frost::testing::constant;
using frost::testing::placeholder;
using frost::testing::typed;
using frost::testing::uniform_tensor;

namespace {

constexpr double kHeavy = 1e6;  // a step's cost: a mid-sized layer

BranchStep step(std::vector<int> deps, double cost = kHeavy) { return BranchStep{std::move(deps), cost, true}; }

double set_cost(const std::vector<int>& set, const std::vector<BranchStep>& steps) {
  double c = 0;
  for (const int s : set) c += steps[static_cast<size_t>(s)].cost;
  return c;
}

// Every step of a group is in exactly one set, each set in schedule order
// with the deps it has inside the group, the sets heaviest first.
void check_sets(const BranchGroup& g, const std::vector<BranchStep>& steps) {
  std::map<int, size_t> set_of;
  for (size_t k = 0; k < g.sets.size(); ++k) {
    CHECK(std::is_sorted(g.sets[k].begin(), g.sets[k].end()));
    for (const int s : g.sets[k]) CHECK(set_of.emplace(s, k).second);
    if (k > 0) CHECK(set_cost(g.sets[k - 1], steps) >= set_cost(g.sets[k], steps));
  }
  CHECK(set_of.size() == static_cast<size_t>(g.last - g.first + 1));
  for (const auto& [s, k] : set_of)
    for (const int d : steps[static_cast<size_t>(s)].deps)
      if (d >= g.first) CHECK(set_of.at(d) == k);
}

}  // namespace

TEST_CASE("branch groups: two equal towers after a fork are one group, a set per tower") {
  // 0 -> {1 -> 2 -> 3}, {4 -> 5 -> 6} -> 7 (a join); the towers' steps interleaved in the schedule.
  const std::vector<BranchStep> steps = {step({}),  step({0}),    step({0}),    step({1}),
                                         step({2}), step({3}),    step({4}),    step({5, 6})};
  const std::vector<BranchGroup> groups = find_branch_groups(steps);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].first == 1);
  CHECK(groups[0].last == 6);
  check_sets(groups[0], steps);
  REQUIRE(groups[0].sets.size() == 2);
  CHECK(groups[0].sets[0] == std::vector<int>{1, 3, 5});
  CHECK(groups[0].sets[1] == std::vector<int>{2, 4, 6});
}

TEST_CASE("branch groups: Inception-like towers of unequal weight, heaviest first") {
  // Four towers from step 0 (costs as a 17x17 Inception module's, in units of
  // 100k multiply-adds): 1x1 (15); 1x1, 1x7, 7x1 (10, 12, 17); five convs
  // (10, 12, 12, 12, 17); pool + 1x1 (2, 15). Then the concat.
  const double u = 1e5;
  std::vector<BranchStep> steps = {step({})};
  steps.push_back(step({0}, 15 * u));                                        // 1
  steps.push_back(step({0}, 10 * u));                                        // 2
  steps.push_back(step({2}, 12 * u));                                        // 3
  steps.push_back(step({3}, 17 * u));                                        // 4
  steps.push_back(step({0}, 10 * u));                                        // 5
  for (int i = 6; i < 9; ++i) steps.push_back(step({i - 1}, 12 * u));       // 6-8
  steps.push_back(step({8}, 17 * u));                                        // 9
  steps.push_back(step({0}, 2 * u));                                         // 10
  steps.push_back(step({10}, 15 * u));                                       // 11
  steps.push_back(step({1, 4, 9, 11}, 1 * u));                               // 12: the concat
  const std::vector<BranchGroup> groups = find_branch_groups(steps);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].first == 1);
  CHECK(groups[0].last == 11);
  check_sets(groups[0], steps);
  // The towers: five convs (63), the 7x1 tower (39), pool + 1x1 (17), 1x1 (15).
  REQUIRE(groups[0].sets.size() == 4);
  CHECK(groups[0].sets[0] == std::vector<int>{5, 6, 7, 8, 9});
  CHECK(groups[0].sets[1] == std::vector<int>{2, 3, 4});
  CHECK(groups[0].sets[2] == std::vector<int>{10, 11});
  CHECK(groups[0].sets[3] == std::vector<int>{1});
}

TEST_CASE("branch groups: none where a branch per thread would not beat splitting each layer") {
  SUBCASE("a chain") {
    const std::vector<BranchStep> steps = {step({}), step({0}), step({1}), step({2}), step({3})};
    CHECK(find_branch_groups(steps).empty());
  }
  SUBCASE("a residual block: three convolutions beside a light shortcut") {
    const std::vector<BranchStep> steps = {step({}), step({0}), step({1}), step({2}), step({0}, kHeavy / 4),
                                           step({3, 4})};
    CHECK(find_branch_groups(steps).empty());
  }
  SUBCASE("towers too small to pay for the hand-over") {
    const std::vector<BranchStep> steps = {step({}), step({0}, 1e4), step({0}, 1e4), step({1, 2})};
    CHECK(find_branch_groups(steps).empty());
  }
  SUBCASE("a step that may not run beside others splits the stretch") {
    std::vector<BranchStep> steps = {step({}), step({0}), step({0}), step({1, 2})};
    steps[2].eligible = false;
    CHECK(find_branch_groups(steps).empty());
  }
}

TEST_CASE("branch groups: two modules in a row are two groups") {
  // 0 -> {1, 2} -> 3 -> {4, 5} -> 6
  const std::vector<BranchStep> steps = {step({}), step({0}), step({0}), step({1, 2}),
                                         step({3}), step({3}), step({4, 5})};
  const std::vector<BranchGroup> groups = find_branch_groups(steps);
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].first == 1);
  CHECK(groups[0].last == 2);
  CHECK(groups[1].first == 4);
  CHECK(groups[1].last == 5);
  for (const BranchGroup& g : groups) check_sets(g, steps);
}

TEST_CASE("group choice: the first run calibrates, the faster way is kept") {
  for (const bool branches_faster : {true, false}) {
    CAPTURE(branches_faster);
    GroupChoice choice;
    CHECK(choice.next() == GroupChoice::Way::kCalibrate);
    // Another run while the first calibrates: layer by layer.
    CHECK(choice.next() == GroupChoice::Way::kLayers);
    choice.decide(branches_faster ? 90 : 110, 100);
    const GroupChoice::Way want = branches_faster ? GroupChoice::Way::kBranches : GroupChoice::Way::kLayers;
    for (int run = 0; run < 3; ++run) CHECK(choice.next() == want);
  }
}

TEST_CASE("branch eligibility: random ops, which give other outputs when run again, are not grouped") {
  CHECK(branch_eligible("Conv2D"));
  CHECK(branch_eligible("ConcatV2"));
  CHECK_FALSE(branch_eligible("RandomUniform"));
  CHECK_FALSE(branch_eligible("RandomStandardNormal"));
  CHECK_FALSE(branch_eligible("TruncatedNormal"));
}

namespace {

Node conv(const std::string& name, const std::string& in, const std::string& filter) {
  Node c = typed(name, "Conv2D", {in, filter});
  c.attrs["strides"] = std::vector<int64_t>{1, 1, 1, 1};
  c.attrs["padding"] = std::string("SAME");
  c.attrs["data_format"] = std::string("NHWC");
  return c;
}

// x [1,24,24,16] -> two towers of two 3x3 convolutions (16 -> 16, ReLU
// between) -> ConcatV2 on channels -> Relu. With `shortcut`, the second
// tower is a single 1x1 convolution instead (a residual block's shape).
Graph towers_graph(bool shortcut) {
  Graph g;
  g.add(placeholder("x", DType::Float, PartialShape{1, 24, 24, 16}));
  for (int i = 0; i < 4; ++i)
    g.add(constant("w" + std::to_string(i), uniform_tensor(Shape{3, 3, 16, 16}, 40 + static_cast<uint32_t>(i))));
  g.add(constant("w1x1", uniform_tensor(Shape{1, 1, 16, 16}, 50)));
  g.add(constant("axis", Tensor::scalar<int32_t>(3)));
  g.add(conv("a1", "x", "w0"));
  g.add(typed("a1r", "Relu", {"a1"}));
  g.add(conv("a2", "a1r", "w1"));
  if (shortcut) {
    g.add(conv("b2", "x", "w1x1"));
  } else {
    g.add(conv("b1", "x", "w2"));
    g.add(typed("b1r", "Relu", {"b1"}));
    g.add(conv("b2", "b1r", "w3"));
  }
  Node cat = typed("cat", "ConcatV2", {"a2", "b2", "axis"});
  cat.attrs["N"] = int64_t{2};
  cat.attrs["Tidx"] = DType::Int32;
  g.add(cat);
  g.add(typed("out", "Relu", {"cat"}));
  return g;
}

// The towers graph in a session, fed, with the reference's output.
struct TowersCase {
  explicit TowersCase(bool shortcut) : m(towers_graph(shortcut)) {}
  Tensor run(const RunOptions& options) const { return m.run(feeds, fetches, Backend::Cpu, options)[0]; }

  const Session m;
  const FeedMap feeds{{TensorId::parse("x"), uniform_tensor(Shape{1, 24, 24, 16}, 9)}};
  const std::vector<TensorId> fetches{TensorId::parse("out")};
  const Tensor want = run_reference(m.graph(), feeds, fetches)[0];
};

// Outputs reach ~50: float sums of 144 products, compared to 1e-3.
constexpr double kTolerance = 1e-3;

}  // namespace

TEST_CASE("plan: two towers run a tower per thread on two threads, as the reference computes") {
  const TowersCase c(false);
  RunOptions two;
  two.threads = 2;
  std::map<std::string, NodeTime> profile;
  // Run 1 traces, run 2 times the group both ways (GroupChoice), runs 3-4 go the chosen way.
  for (int run = 0; run < 4; ++run) {
    RunOptions options = two;
    if (run == 3) options.profile = &profile;  // a worker times into its own map, merged after
    check_close(c.run(options), c.want, kTolerance);
  }
  const std::optional<PlanStats> s = c.m.plan_stats(c.feeds, c.fetches);
  REQUIRE(s);
  CHECK(s->branch_groups == 1);
  CHECK(s->branch_steps == 6);  // the two towers: conv, relu, conv each
  CHECK_FALSE(s->arena_given_up);
  for (const char* name : {"a1", "a2", "b1", "b2", "cat"}) {
    CAPTURE(name);
    REQUIRE(profile.count(name));
    CHECK(profile.at(name).calls == 1);
  }
  // The planned runs on two threads could use the team; a busy core may
  // have held some to one thread, which the count says (frost bench prints it).
  CHECK(s->team_runs >= 2);
  CHECK(s->solo_runs <= s->team_runs);
  // On one thread the same plan runs its steps in order, and the runs are
  // not counted as the team's.
  RunOptions one;
  one.threads = 1;
  check_close(c.run(one), c.want, kTolerance);
  CHECK(c.m.plan_stats(c.feeds, c.fetches)->team_runs == s->team_runs);
}

TEST_CASE("plan: a residual-shaped block (a light shortcut beside the tower) is not a branch group") {
  const TowersCase c(true);
  RunOptions two;
  two.threads = 2;
  for (int run = 0; run < 2; ++run) check_close(c.run(two), c.want, kTolerance);
  const std::optional<PlanStats> s = c.m.plan_stats(c.feeds, c.fetches);
  REQUIRE(s);
  CHECK(s->branch_groups == 0);
}
