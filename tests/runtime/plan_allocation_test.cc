// The fixed cost of a planned run: once a plan has run, a run of it makes no
// heap allocation of its own per step (the tensors it copies between steps
// reuse their slots' shape storage, arena views take the kernel's shape).
// What kernels allocate themselves (the Shape they pass to allocate_output)
// is theirs, so the test compares graphs that differ only in their number of
// steps: each extra element-wise step may cost the one Shape its kernel makes.
// Also: the plan key, made on every run, as the cache expects it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <random>
#include <string>

#include "graph_test_util.h"
#include "runtime/plan.h"
#include "runtime/session.h"

// This test binary counts the calls of the global operator new made by each
// thread (std::vector, std::string and shared_ptr control blocks go through it).
namespace {
thread_local long allocations = 0;
}  // namespace

void* operator new(std::size_t bytes) {
  ++allocations;
  if (void* p = std::malloc(bytes ? bytes : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace frost;
using frost::testing::placeholder;
using frost::testing::typed;
using frost::testing::uniform_tensor;

namespace {

// x -> Relu -> Tanh -> Relu -> Tanh ... (`steps` element-wise ops).
Graph elementwise_chain(int steps) {
  Graph g;
  g.add(placeholder("x", DType::Float, PartialShape{-1, 3, 5}));
  std::string last = "x";
  for (int i = 0; i < steps; ++i) {
    const std::string name = "op" + std::to_string(i);
    g.add(typed(name, i % 2 ? "Tanh" : "Relu", {last}));
    last = name;
  }
  return g;
}

// Operator-new calls of one run of a plan that has already run.
long allocations_per_run(int steps, const FeedMap& feeds) {
  const Session m(elementwise_chain(steps));
  const std::vector<TensorId> fetches{TensorId::parse("op" + std::to_string(steps - 1))};
  for (int run = 0; run < 3; ++run) m.run(feeds, fetches);  // trace, plan, then warm the plan's slots
  REQUIRE(m.plan_stats(feeds, fetches));
  const long before = allocations;
  const std::vector<Tensor> out = m.run(feeds, fetches);
  const long made = allocations - before;
  REQUIRE(out.size() == 1);
  CHECK(out[0].shape() == feeds.begin()->second.shape());
  return made;
}

}  // namespace

TEST_CASE("plan: a run allocates at most the kernels' own output shapes per step") {
  const uint32_t seed = std::random_device{}();
  std::printf("plan allocation test seed %u\n", seed);
  const FeedMap feeds{{TensorId::parse("x"), uniform_tensor(Shape{2, 3, 5}, seed)}};
  const long short_run = allocations_per_run(8, feeds), long_run = allocations_per_run(24, feeds);
  INFO("8 steps: " << short_run << " allocations per run, 24 steps: " << long_run);
  // Before the plan kept its slots, each step also copied its input's and
  // its arena view's shapes: three allocations per step.
  CHECK(long_run - short_run <= 16);
  CHECK(long_run - short_run >= 0);
}

TEST_CASE("plan: kept slots do not mix up runs of other shapes or fetches") {
  const uint32_t seed = std::random_device{}();
  std::printf("plan slots test seed %u\n", seed);
  const Session m(elementwise_chain(6));
  for (int run = 0; run < 4; ++run)
    for (const int64_t batch : {1, 4, 1, 7}) {
      const Tensor x = uniform_tensor(Shape{batch, 3, 5}, seed + static_cast<uint32_t>(batch + run));
      const FeedMap feeds{{TensorId::parse("x"), x}};
      const std::vector<Tensor> out = m.run(feeds, {TensorId::parse("op4"), TensorId::parse("op5")});
      REQUIRE(out.size() == 2);
      REQUIRE(out[1].shape() == x.shape());
      for (int64_t i = 0; i < x.num_elements(); ++i) {
        const float relu = std::max(0.0f, x.data<float>()[i]);
        // After the first Relu every value is non-negative, so the later Relus
        // change nothing: op4 = tanh(tanh(relu(x))), op5 = tanh(op4).
        const float want4 = std::tanh(std::tanh(relu));
        INFO("batch " << batch << " element " << i);
        CHECK(std::abs(out[0].data<float>()[i] - want4) <= 1e-5f);
        CHECK(std::abs(out[1].data<float>()[i] - std::tanh(want4)) <= 1e-5f);
      }
    }
  CHECK(m.cached_plans() == 3);
}

TEST_CASE("plan: the plan key names feeds with dtype and shape, then fetches") {
  const FeedMap feeds{{TensorId::parse("x"), Tensor(DType::Float, Shape{2, 3, 5})},
                      {TensorId::parse("split:1"), Tensor(DType::Int32, Shape{})},
                      {TensorId::parse("len:12"), Tensor(DType::Int64, Shape{0, 1234567890123})}};
  CHECK(plan_key(feeds, {TensorId::parse("op7"), TensorId::parse("split:2")}) ==
        "len:12 int64[0,1234567890123];split:1 int32[];x float[2,3,5];->op7;split:2;");
  CHECK(plan_key({}, {TensorId::parse("a")}) == "->a;");
}
