// share_packed: kernels packing the same constant the same way hold one copy;
// anything else (other bytes at the same address, another address, a copy no
// kernel holds any more) keeps its own. And a graph whose nodes share a
// packed constant still computes the reference's numbers.
#include <doctest/doctest.h>

#include <cmath>

#include "graph_test_util.h"
#include "runtime/impl_epilogue.h"
#include "runtime/session.h"

using namespace frost;
using frost::testing::constant;
using frost::testing::placeholder;
using frost::testing::typed;
using frost::testing::uniform_tensor;

namespace {

std::shared_ptr<const WeightBuffer> packing(std::initializer_list<float> values) {
  return std::make_shared<const WeightBuffer>(values);
}

}  // namespace

TEST_CASE("share_packed: one copy per source and packing") {
  const float source[4] = {};
  const auto a = share_packed(source, packing({1, 2, 3}));
  SUBCASE("the same bytes from the same source are shared") {
    const auto b = share_packed(source, packing({1, 2, 3}));
    CHECK(b.get() == a.get());
  }
  SUBCASE("other bytes of the same size at the same address are not") {
    const auto b = share_packed(source, packing({1, 2, 4}));
    CHECK(b.get() != a.get());
    CHECK((*b)[2] == 4);
    CHECK(share_packed(source, packing({1, 2, 4})).get() == b.get());  // both stay findable
    CHECK(share_packed(source, packing({1, 2, 3})).get() == a.get());
  }
  SUBCASE("another size (another packing) is not") {
    const auto b = share_packed(source, packing({1, 2, 3, 0}));
    CHECK(b.get() != a.get());
  }
  SUBCASE("another source with equal bytes is not") {
    const float other[4] = {};
    const auto b = share_packed(other, packing({1, 2, 3}));
    CHECK(b.get() != a.get());
  }
}

TEST_CASE("share_packed: a packing no kernel holds any more is not handed out") {
  const float source[4] = {};
  { const auto gone = share_packed(source, packing({5, 6})); }
  const auto fresh = packing({5, 6});
  const WeightBuffer* mine = fresh.get();
  const auto b = share_packed(source, fresh);
  CHECK(b.get() == mine);
}

// Three MatMuls (an unrolled recurrence) read one constant weight: their
// kernels share its packing, and every step still matches the reference.
TEST_CASE("share_packed: nodes sharing a packed weight compute the reference's numbers") {
  Graph g;
  g.add(placeholder("x", DType::Float, PartialShape{-1, 48}));
  g.add(constant("w", uniform_tensor(Shape{48, 48}, 7)));
  g.add(constant("w2", uniform_tensor(Shape{48, 48}, 8)));
  g.add(typed("s1", "MatMul", {"x", "w"}));
  g.add(typed("t1", "Tanh", {"s1"}));
  g.add(typed("s2", "MatMul", {"t1", "w"}));
  g.add(typed("t2", "Tanh", {"s2"}));
  g.add(typed("u", "MatMul", {"t2", "w2"}));  // same shape, other values: its own packing
  g.add(typed("s3", "MatMul", {"u", "w"}));
  const Session m(std::move(g));
  const FeedMap feeds{{TensorId::parse("x"), uniform_tensor(Shape{13, 48}, 9)}};
  const std::vector<TensorId> fetches{TensorId::parse("s3"), TensorId::parse("t2")};
  const std::vector<Tensor> want = run_reference(m.graph(), feeds, fetches);
  for (int run = 0; run < 3; ++run) {
    const std::vector<Tensor> got = m.run(feeds, fetches);
    REQUIRE(got.size() == want.size());
    for (size_t t = 0; t < got.size(); ++t)
      for (int64_t i = 0; i < got[t].num_elements(); ++i) {
        const float a = got[t].data<float>()[i], e = want[t].data<float>()[i];
        INFO("fetch " << t << " element " << i);
        CHECK(std::fabs(a - e) <= 1e-4f * std::max(1.0f, std::fabs(e)));
      }
  }
}
