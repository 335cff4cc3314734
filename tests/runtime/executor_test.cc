// The reference executor: feeds, fetches, freeing, and its errors.
#include <doctest/doctest.h>

#include "graph/shape_inference.h"
#include "runtime/executor.h"
#include "graph_test_util.h"

using namespace frost;
using frost::testing::node;

namespace {
Graph small_graph() {
  Graph g;
  Node x = node("x", "Placeholder");
  x.attrs["dtype"] = DType::Float;
  x.attrs["shape"] = PartialShape{-1, 2};
  g.add(x);
  Node c = node("c", "Const");
  c.attrs["value"] = Tensor::from_vector<float>({5, 6}, Shape{1, 2});
  c.attrs["dtype"] = DType::Float;
  g.add(c);
  g.add(node("id", "Identity", {"x"}));
  g.add(node("pair", "IdentityN", {"id", "c"}));
  g.add(node("out", "Identity", {"pair:1", "^id"}));
  return g;
}
}  // namespace

TEST_CASE("run: fetch any tensor, including a second output and a feed") {
  const Graph g = small_graph();
  const Tensor x = Tensor::from_vector<float>({1, 2, 3, 4}, Shape{2, 2});
  const auto results = run_reference(g, {{TensorId::parse("x"), x}},
                                     {TensorId::parse("pair:0"), TensorId::parse("out"), TensorId::parse("x")});
  REQUIRE(results.size() == 3);
  CHECK(results[0].shape() == Shape{2, 2});
  CHECK(results[0].data<float>()[3] == 4.0f);
  CHECK(results[1].data<float>()[1] == 6.0f);
  CHECK(results[2].data<float>()[0] == 1.0f);
}

TEST_CASE("run: feeding an intermediate tensor means its inputs need no feed") {
  const Graph g = small_graph();
  const Tensor v = Tensor::from_vector<float>({9, 9}, Shape{1, 2});
  const auto r = run_reference(g, {{TensorId::parse("id"), v}}, {TensorId::parse("pair")});
  CHECK(r[0].data<float>()[0] == 9.0f);
}

TEST_CASE("run: missing feed, wrong dtype, wrong shape, unknown op are one-line errors") {
  const Graph g = small_graph();
  CHECK_THROWS_WITH_AS(run_reference(g, {}, {TensorId::parse("out")}), doctest::Contains("feed it"), Error);
  CHECK_THROWS_WITH_AS(run_reference(g, {{TensorId::parse("x"), Tensor::from_vector<int32_t>({1, 2})}},
                                     {TensorId::parse("out")}),
                       doctest::Contains("int32 but the placeholder takes float"), Error);
  CHECK_THROWS_WITH_AS(run_reference(g, {{TensorId::parse("x"), Tensor::from_vector<float>({1, 2, 3})}},
                                     {TensorId::parse("out")}),
                       doctest::Contains("shape [3] but the placeholder takes [?,2]"), Error);

  Graph bad = small_graph();
  bad.add(node("weird", "FrobnicateV7", {"x"}));
  bad.source = "bad.pb";
  try {
    run_reference(bad, {{TensorId::parse("x"), Tensor(DType::Float, Shape{1, 2})}}, {TensorId::parse("weird")});
    FAIL("expected an unknown-op error");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK(what.find("bad.pb") != std::string::npos);
    CHECK(what.find("'weird'") != std::string::npos);
    CHECK(what.find("FrobnicateV7") != std::string::npos);
    CHECK(what.find("ops are supported") != std::string::npos);
  }
}

TEST_CASE("run: on_node sees every executed node once, fed nodes are not run") {
  const Graph g = small_graph();
  std::vector<std::string> seen;
  RunOptions options;
  options.on_node = [&](const Node& n, const std::vector<Tensor>&) { seen.push_back(n.name); };
  run_reference(g, {{TensorId::parse("x"), Tensor(DType::Float, Shape{1, 2})}}, {TensorId::parse("out")}, options);
  CHECK(seen == std::vector<std::string>{"c", "id", "pair", "out"});  // x is fed, not run
}

TEST_CASE("shape inference: placeholder shapes flow, overrides pin the batch") {
  const Graph g = small_graph();
  auto shapes = infer_shapes(g);
  CHECK(shapes[TensorId::parse("id")].shape == PartialShape{-1, 2});
  CHECK(shapes[TensorId::parse("id")].dtype == DType::Float);
  CHECK(shapes[TensorId::parse("out")].shape == PartialShape{1, 2});
  shapes = infer_shapes(g, {{"x", PartialShape{8, 2}}});
  CHECK(shapes[TensorId::parse("pair:0")].shape == PartialShape{8, 2});
}
