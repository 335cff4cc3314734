// Topological order, pruning with feeds, validation errors, signature detection.
#include <doctest/doctest.h>

#include "graph/signature.h"
#include "graph/topology.h"
#include "graph/validate.h"
#include "graph_test_util.h"

using namespace frost;

namespace {
Node node(std::string name, std::string op, std::vector<std::string> inputs = {}) {
  Node n = testing::node(std::move(name), std::move(op), std::move(inputs));
  if (n.op == "Placeholder") n.attrs["dtype"] = DType::Float;
  if (n.op == "Const") n.attrs["value"] = Tensor::scalar(1.0f);
  return n;
}

std::vector<std::string> names(const std::vector<const Node*>& nodes) {
  std::vector<std::string> out;
  for (const Node* n : nodes) out.push_back(n->name);
  return out;
}
}  // namespace

TEST_CASE("topological order keeps producers first and graph order among ready nodes") {
  Graph g;
  g.add(node("c", "Identity", {"b"}));
  g.add(node("a", "Placeholder"));
  g.add(node("b", "Identity", {"a", "^k"}));
  g.add(node("k", "Const"));
  CHECK(names(topological_order(g)) == std::vector<std::string>{"a", "k", "b", "c"});
}

TEST_CASE("a cycle is an error naming a node on it; a NextIteration back edge is not") {
  Graph g;
  g.add(node("x", "Identity", {"y"}));
  g.add(node("y", "Identity", {"x"}));
  g.source = "loop.pb";
  try {
    topological_order(g);
    FAIL("expected a cycle error");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK(what.find("cycle") != std::string::npos);
    CHECK(what.find("loop.pb") != std::string::npos);
    CHECK(what.find("Identity") != std::string::npos);
  }

  Graph loop;
  loop.add(node("init", "Const"));
  loop.add(node("merge", "Merge", {"init", "next"}));
  loop.add(node("body", "Identity", {"merge"}));
  loop.add(node("next", "NextIteration", {"body"}));
  CHECK(names(topological_order(loop)) == std::vector<std::string>{"init", "merge", "body", "next"});
}

TEST_CASE("a dangling input is an error naming node and input") {
  Graph g;
  g.add(node("b", "Identity", {"missing:1"}));
  try {
    validate_graph(g);
    FAIL("expected an error");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK(what.find("missing:1") != std::string::npos);
    CHECK(what.find("'b'") != std::string::npos);
  }
}

TEST_CASE("validation: output index out of range, control before data, wrong attr kind") {
  Graph g1;
  g1.add(node("a", "Placeholder"));
  g1.add(node("b", "Identity", {"a:1"}));
  CHECK_THROWS_WITH_AS(validate_graph(g1), doctest::Contains("has 1"), Error);

  Graph g2;
  g2.add(node("a", "Placeholder"));
  g2.add(node("b", "Identity", {"^a", "a"}));
  CHECK_THROWS_WITH_AS(validate_graph(g2), doctest::Contains("after a control input"), Error);

  Graph g3;
  Node p = node("a", "Placeholder");
  p.attrs["dtype"] = std::string("float");
  g3.add(p);
  CHECK_THROWS_WITH_AS(validate_graph(g3), doctest::Contains("attr 'dtype' is string, expected type"), Error);

  Graph ok;
  ok.add(node("a", "Placeholder"));
  ok.add(node("b", "SomeOpFrostDoesNotKnow", {"a"}));  // unknown ops are not a load error
  ok.add(node("c", "Identity", {"b:3"}));               // nor are outputs of them
  CHECK_NOTHROW(validate_graph(ok));
}

TEST_CASE("needed nodes: feeding a tensor cuts everything above it") {
  Graph g;
  g.add(node("x", "Placeholder"));
  g.add(node("h1", "Identity", {"x"}));
  g.add(node("h2", "Identity", {"h1"}));
  g.add(node("out", "Identity", {"h2"}));
  g.add(node("side", "Identity", {"x"}));
  CHECK(needed_nodes(g, {TensorId::parse("out")}, {}) == std::set<std::string>{"x", "h1", "h2", "out"});
  CHECK(needed_nodes(g, {TensorId::parse("out")}, {TensorId::parse("h1")}) == std::set<std::string>{"h2", "out"});
  CHECK_THROWS_AS(needed_nodes(g, {TensorId::parse("nope")}, {}), Error);

  Graph pruned = g;
  prune_to(pruned, {TensorId::parse("out")});
  CHECK(pruned.size() == 4);
  CHECK(pruned.find("side") == nullptr);
}

TEST_CASE("signature: consumed placeholders are inputs, unconsumed non-training nodes are outputs") {
  Graph g;
  Node x = node("x", "Placeholder");
  x.attrs["shape"] = PartialShape{-1, 4};
  g.add(x);
  g.add(node("unused", "Placeholder"));
  Node lp = node("keras_learning_phase", "PlaceholderWithDefault", {"f"});
  lp.attrs["dtype"] = DType::Bool;
  g.add(node("f", "Const"));
  g.add(lp);
  g.add(node("probs", "Softmax", {"x", "^keras_learning_phase"}));
  g.add(node("gradients/probs_grad", "SoftmaxGrad", {"probs"}));
  g.add(node("save/restore_all", "NoOp"));
  g.add(node("w", "VariableV2"));
  g.add(node("w/Assign", "Assign", {"w", "f"}));

  const auto inputs = detect_inputs(g);
  REQUIRE(inputs.size() == 2);
  CHECK(inputs[0].name == "x");
  CHECK(inputs[0].shape == PartialShape{-1, 4});
  CHECK(inputs[1].name == "keras_learning_phase");
  CHECK(inputs[1].has_default);
  CHECK(inputs[1].dtype == DType::Bool);
  CHECK(unused_placeholders(g) == std::vector<std::string>{"unused"});

  const auto outputs = detect_outputs(g);
  REQUIRE(outputs.size() == 1);
  CHECK(outputs[0].name == "probs");
  CHECK(outputs[0].reason.find("Softmax") != std::string::npos);
}
