// Plan-time evaluation (runtime/plan_constants.h): what depends only on
// constants and on the feeds' shapes is computed when a plan is built, for
// each batch size its own plan; what depends on fed values, on data-dependent
// shapes or on random ops still runs every time. The profile tells which
// nodes ran a kernel in a run; the numbers are checked against the
// reference and against the unplanned dataflow executor (no folding).
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <set>

#include "graph_test_util.h"
#include "runtime/plan_constants.h"
#include "runtime/session.h"

using namespace frost;
using frost::testing::node;
using frost::testing::constant;
using frost::testing::placeholder;
using frost::testing::typed;
using frost::testing::uniform_tensor;

namespace {

TensorId id(const char* name) { return TensorId::parse(name); }

// dims[0] of `shape_of` as a scalar, as Keras freezes it: Shape -> StridedSlice(shrink).
void add_batch_size(Graph& g, const std::string& prefix, const std::string& shape_of) {
  g.add(typed(prefix + "/shape", "Shape", {shape_of}));
  g.add(constant(prefix + "/b", Tensor::from_vector<int32_t>({0})));
  g.add(constant(prefix + "/e", Tensor::from_vector<int32_t>({1})));
  g.add(constant(prefix + "/s", Tensor::from_vector<int32_t>({1})));
  Node slice = typed(prefix, "StridedSlice", {prefix + "/shape", prefix + "/b", prefix + "/e", prefix + "/s"}, DType::Int32);
  slice.attrs["Index"] = DType::Int32;
  slice.attrs["shrink_axis_mask"] = int64_t{1};
  g.add(slice);
}

Node pack(const std::string& name, std::vector<std::string> inputs) {
  Node p = typed(name, "Pack", inputs, DType::Int32);
  p.attrs["N"] = static_cast<int64_t>(inputs.size());
  return p;
}

// The Keras LSTM set-up: zero states [batch, 8] from Shape(x), a Reshape to
// [batch, -1] from Shape(x) too, and the data path through them.
Graph keras_state_graph() {
  Graph g;
  g.add(placeholder("x", DType::Float, PartialShape{-1, 4}));
  add_batch_size(g, "batch", "x");
  g.add(constant("units", Tensor::scalar<int32_t>(8)));
  g.add(constant("minus1", Tensor::scalar<int32_t>(-1)));
  g.add(constant("zero", Tensor::scalar<float>(0.0f)));
  g.add(pack("zeros/packed", {"batch", "units"}));
  g.add(typed("zeros", "Fill", {"zeros/packed", "zero"}));
  g.add(constant("w", uniform_tensor(Shape{4, 8}, 3)));
  g.add(typed("mm", "MatMul", {"x", "w"}));
  g.add(typed("h", "AddV2", {"mm", "zeros"}));
  g.add(pack("target", {"batch", "minus1"}));
  Node r = typed("r", "Reshape", {"h", "target"});
  r.attrs["Tshape"] = DType::Int32;
  g.add(r);
  g.add(typed("out", "Tanh", {"r"}));
  return g;
}

// The names of the nodes that ran a kernel in one (planned) run.
std::set<std::string> nodes_run(const Session& m, const FeedMap& feeds, const std::vector<TensorId>& fetches) {
  std::map<std::string, NodeTime> profile;
  RunOptions options;
  options.profile = &profile;
  m.run(feeds, fetches, Backend::Cpu, options);
  std::set<std::string> names;
  for (const auto& [name, t] : profile) names.insert(name);
  return names;
}

void check_equal(const Tensor& got, const Tensor& want) {
  REQUIRE(got.shape() == want.shape());
  REQUIRE(got.dtype() == want.dtype());
  for (int64_t i = 0; i < got.num_elements(); ++i) {
    INFO("element " << i << " of " << want.shape().to_string());
    CHECK(std::fabs(got.as_double(i) - want.as_double(i)) <= 1e-5 * std::max(1.0, std::fabs(want.as_double(i))));
  }
}

// Plans (first run), then runs the plan: both as the reference, and the
// planned run as the unplanned executor's (which folds nothing).
void check_runs(const Session& m, const FeedMap& feeds, const std::vector<TensorId>& fetches) {
  const std::vector<Tensor> want = run_reference(m.graph(), feeds, fetches);
  RunOptions unplanned;
  unplanned.use_plan = false;
  const std::vector<Tensor> before = m.run(feeds, fetches, Backend::Cpu, unplanned);
  for (int run = 0; run < 3; ++run) {
    const std::vector<Tensor> got = m.run(feeds, fetches);
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      check_equal(got[i], want[i]);
      check_equal(got[i], before[i]);
    }
  }
}

}  // namespace

TEST_CASE("plan constants: the Keras zero-state set-up is computed once per batch size, outputs unchanged") {
  const Session m(keras_state_graph());
  const std::vector<TensorId> fetches{id("out")};
  for (const int64_t batch : {1, 3, 7, 3, 1}) {
    CAPTURE(batch);
    const FeedMap feeds{{id("x"), uniform_tensor(Shape{batch, 4}, static_cast<uint32_t>(batch))}};
    check_runs(m, feeds, fetches);
    CHECK(m.run(feeds, fetches)[0].shape() == Shape{batch, 8});
    // Only the data path runs: Shape, StridedSlice, Pack, Fill and the Consts were computed when planning.
    CHECK(nodes_run(m, feeds, fetches) == std::set<std::string>{"mm", "h", "r", "out"});
    const std::optional<PlanStats> s = m.plan_stats(feeds, fetches);
    REQUIRE(s);
    CHECK(s->steps == 4);
    CHECK(s->constant_nodes == 12);  // 7 Consts, Shape, StridedSlice, 2 Packs, Fill
    CHECK(s->constant_bytes > 0);
    CHECK(s->constant_bytes < 1024);
  }
  CHECK(m.cached_plans() == 3);
}

TEST_CASE("plan constants: a fetched constant is a copy; on_node sees the constant nodes") {
  const Session m(keras_state_graph());
  const FeedMap feeds{{id("x"), uniform_tensor(Shape{2, 4}, 5)}};
  const std::vector<TensorId> fetches{id("zeros"), id("out")};
  m.run(feeds, fetches);  // plan
  std::vector<Tensor> got = m.run(feeds, fetches);
  got[0].data<float>()[0] = 42.0f;  // the caller's copy, not the plan's
  std::map<std::string, Tensor> seen;
  RunOptions options;
  options.on_node = [&](const Node& n, const std::vector<Tensor>& values) { seen[n.name] = values[0]; };
  const std::vector<Tensor> again = m.run(feeds, fetches, Backend::Cpu, options);
  CHECK(again[0].data<float>()[0] == 0.0f);
  check_equal(again[1], run_reference(m.graph(), feeds, {id("out")})[0]);
  REQUIRE(seen.count("zeros"));
  REQUIRE(seen.count("batch"));
  CHECK(seen["batch"].as_int64(0) == 2);
  CHECK(seen.count("mm"));
}

TEST_CASE("plan constants: must not fold values of fed tensors, data-dependent shapes or random ops") {
  Graph g;
  g.add(placeholder("x", DType::Float, PartialShape{-1, 4}));
  g.add(placeholder("n", DType::Int32, PartialShape(std::vector<int64_t>{})));
  // Fill sized by a fed value (same shape every run, other values).
  g.add(constant("two", Tensor::scalar<int32_t>(2)));
  g.add(constant("one", Tensor::scalar<float>(1.0f)));
  g.add(pack("by_value/dims", {"n", "two"}));
  g.add(typed("by_value", "Fill", {"by_value/dims", "one"}));
  // Shape of Where(x > 0): how many elements are positive depends on x's values.
  g.add(constant("zero", Tensor::scalar<float>(0.0f)));
  g.add(typed("positive", "Greater", {"x", "zero"}));
  Node where = typed("where", "Where", {"positive"}, DType::Bool);
  g.add(where);
  add_batch_size(g, "count", "where");
  g.add(pack("by_data/dims", {"count", "two"}));
  g.add(typed("by_data", "Fill", {"by_data/dims", "one"}));
  // Random values of a static shape.
  add_batch_size(g, "batch", "x");
  g.add(constant("four", Tensor::scalar<int32_t>(4)));
  g.add(pack("noise/shape", {"batch", "four"}));
  Node noise = typed("noise", "RandomUniform", {"noise/shape"}, DType::Int32);
  noise.attrs["dtype"] = DType::Float;
  noise.attrs["seed"] = int64_t{7};
  g.add(noise);
  g.add(typed("noisy", "Mul", {"x", "noise"}));
  const Session m(g);
  const std::vector<TensorId> fetches{id("by_value"), id("by_data"), id("noisy")};

  for (int trial = 0; trial < 4; ++trial) {
    CAPTURE(trial);
    Tensor x = uniform_tensor(Shape{3, 4}, 100 + static_cast<uint32_t>(trial));
    const FeedMap feeds{{id("x"), x}, {id("n"), Tensor::scalar<int32_t>(trial + 1)}};
    check_runs(m, feeds, fetches);
    const std::vector<Tensor> got = m.run(feeds, fetches);
    CHECK(got[0].shape() == Shape{trial + 1, 2});
    int64_t positive = 0;
    for (int64_t i = 0; i < x.num_elements(); ++i) positive += x.data<float>()[i] > 0;
    CHECK(got[1].shape() == Shape{positive, 2});
    const std::set<std::string> ran = nodes_run(m, feeds, fetches);
    for (const char* name : {"by_value/dims", "by_value", "where", "count/shape", "count", "by_data", "noise", "noisy"}) {
      INFO(name);
      CHECK(ran.count(name));
    }
    // What does follow from x's shape alone is still computed once.
    for (const char* name : {"batch/shape", "batch", "noise/shape", "two", "one"}) {
      INFO(name);
      CHECK_FALSE(ran.count(name));
    }
  }
  CHECK(m.cached_plans() == 1);
}

TEST_CASE("plan constants: a value over the byte budget stays a per-run step") {
  Graph g;
  g.add(placeholder("x", DType::Float, PartialShape{-1, 4}));
  add_batch_size(g, "batch", "x");
  g.add(constant("wide", Tensor::scalar<int32_t>(300000)));  // 1.2 MB per batch row
  g.add(constant("one", Tensor::scalar<float>(1.0f)));
  g.add(pack("dims", {"batch", "wide"}));
  g.add(typed("big", "Fill", {"dims", "one"}));
  g.add(constant("narrow", Tensor::scalar<int32_t>(3)));
  g.add(pack("small_dims", {"batch", "narrow"}));
  g.add(typed("small", "Fill", {"small_dims", "one"}));
  const Session m(g);
  const FeedMap feeds{{id("x"), uniform_tensor(Shape{1, 4}, 1)}};
  const std::vector<TensorId> fetches{id("big"), id("small")};
  check_runs(m, feeds, fetches);
  const std::set<std::string> ran = nodes_run(m, feeds, fetches);
  CHECK(ran.count("big"));
  CHECK_FALSE(ran.count("small"));
  CHECK(m.plan_stats(feeds, fetches)->constant_bytes <= PlanConstants::kDefaultBudgetBytes);
}

TEST_CASE("plan constants: a plan refuses feeds of other shapes than it was built for") {
  const Graph g = keras_state_graph();
  const FeedMap feeds{{id("x"), uniform_tensor(Shape{2, 4}, 1)}};
  const std::vector<TensorId> fetches{id("out")};
  std::vector<NodeTrace> trace;
  RunOptions traced;
  traced.trace = &trace;
  run_reference(g, feeds, fetches, traced);
  const std::unique_ptr<Plan> plan = Plan::build(feeds, fetches, trace);
  REQUIRE(plan);
  check_equal(plan->run(g, feeds, {})[0], run_reference(g, feeds, fetches)[0]);
  const FeedMap other{{id("x"), uniform_tensor(Shape{5, 4}, 2)}};
  CHECK_THROWS_WITH_AS(plan->run(g, other, {}), doctest::Contains("the plan was built for float [2,4]"), Error);
}
