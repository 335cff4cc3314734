// TF1 control flow in the reference executor: a lowered while loop and a
// cond built by hand, as tf.while_loop / tf.cond lower them.
#include <doctest/doctest.h>

#include "graph_test_util.h"

#include "runtime/executor.h"
#include "graph_test_util.h"

using namespace frost;
using frost::testing::node;

namespace {

Node constant(std::string name, Tensor value, std::vector<std::string> inputs = {}) {
  Node n = node(std::move(name), "Const", std::move(inputs));
  n.attrs["dtype"] = value.dtype();
  n.attrs["value"] = value;
  return n;
}

Node enter(std::string name, std::string input, bool is_constant) {
  Node n = node(std::move(name), "Enter", {std::move(input)});
  n.attrs["frame_name"] = std::string("while/while_context");
  n.attrs["is_constant"] = is_constant;
  return n;
}

// i = 0; acc = 0.0; while i < n: acc += float(i); i += 1
Graph counting_loop() {
  Graph g;
  Node n = node("n", "Placeholder");
  n.attrs["dtype"] = DType::Int32;
  g.add(n);
  g.add(constant("i0", Tensor::scalar<int32_t>(0)));
  g.add(constant("acc0", Tensor::scalar<float>(0)));
  g.add(enter("while/Enter_i", "i0", false));
  g.add(enter("while/Enter_acc", "acc0", false));
  g.add(enter("while/Enter_n", "n", true));
  g.add(node("while/Merge_i", "Merge", {"while/Enter_i", "while/NextIteration_i"}));
  g.add(node("while/Merge_acc", "Merge", {"while/Enter_acc", "while/NextIteration_acc"}));
  g.add(node("while/Less", "Less", {"while/Merge_i", "while/Enter_n"}));
  g.add(node("while/LoopCond", "LoopCond", {"while/Less"}));
  g.add(node("while/Switch_i", "Switch", {"while/Merge_i", "while/LoopCond"}));
  g.add(node("while/Switch_acc", "Switch", {"while/Merge_acc", "while/LoopCond"}));
  g.add(node("while/Identity_i", "Identity", {"while/Switch_i:1"}));
  g.add(node("while/Identity_acc", "Identity", {"while/Switch_acc:1"}));
  g.add(constant("while/one", Tensor::scalar<int32_t>(1), {"^while/Identity_i"}));
  g.add(node("while/add_i", "AddV2", {"while/Identity_i", "while/one"}));
  Node cast = node("while/Cast", "Cast", {"while/Identity_i"});
  cast.attrs["SrcT"] = DType::Int32;
  cast.attrs["DstT"] = DType::Float;
  g.add(cast);
  g.add(node("while/add_acc", "AddV2", {"while/Identity_acc", "while/Cast"}));
  g.add(node("while/NextIteration_i", "NextIteration", {"while/add_i"}));
  g.add(node("while/NextIteration_acc", "NextIteration", {"while/add_acc"}));
  g.add(node("while/Exit_i", "Exit", {"while/Switch_i"}));
  g.add(node("while/Exit_acc", "Exit", {"while/Switch_acc"}));
  g.add(node("result", "Identity", {"while/Exit_acc"}));
  return g;
}

// out = pred ? x * 2 : -x, as tf.cond lowers it (Switch, two branches, Merge).
Graph cond() {
  Graph g;
  Node x = node("x", "Placeholder");
  x.attrs["dtype"] = DType::Float;
  g.add(x);
  Node p = node("pred", "Placeholder");
  p.attrs["dtype"] = DType::Bool;
  g.add(p);
  g.add(node("cond/Switch", "Switch", {"x", "pred"}));
  g.add(node("cond/switch_t", "Identity", {"cond/Switch:1"}));  // the true branch's pivot
  g.add(constant("cond/two", Tensor::scalar<float>(2), {"^cond/switch_t"}));
  g.add(node("cond/true", "Mul", {"cond/Switch:1", "cond/two"}));
  g.add(node("cond/false", "Neg", {"cond/Switch:0"}));
  g.add(node("cond/Merge", "Merge", {"cond/false", "cond/true"}));
  return g;
}

}  // namespace

TEST_CASE("while loop: iterates with frames, constant Enter reaches every iteration") {
  const Graph g = counting_loop();
  for (const int32_t n : {0, 1, 5, 100}) {
    CAPTURE(n);
    const auto r = run_reference(g, {{TensorId::parse("n"), Tensor::scalar<int32_t>(n)}},
                                 {TensorId::parse("result"), TensorId::parse("while/Exit_i")});
    CHECK(r[0].data<float>()[0] == doctest::Approx(n * (n - 1) / 2.0));
    CHECK(r[1].data<int32_t>()[0] == n);
  }
}

TEST_CASE("cond: Switch routes to one branch, Merge takes the live value and its index") {
  const Graph g = cond();
  const Tensor x = Tensor::from_vector<float>({1.5f, -3.0f});
  auto r = run_reference(g, {{TensorId::parse("x"), x}, {TensorId::parse("pred"), Tensor::scalar<bool>(true)}},
                         {TensorId::parse("cond/Merge"), TensorId::parse("cond/Merge:1")});
  CHECK(r[0].data<float>()[0] == 3.0f);
  CHECK(r[0].data<float>()[1] == -6.0f);
  CHECK(r[1].data<int32_t>()[0] == 1);
  r = run_reference(g, {{TensorId::parse("x"), x}, {TensorId::parse("pred"), Tensor::scalar<bool>(false)}},
                    {TensorId::parse("cond/Merge"), TensorId::parse("cond/Merge:1")});
  CHECK(r[0].data<float>()[0] == -1.5f);
  CHECK(r[1].data<int32_t>()[0] == 0);
  CHECK_THROWS_WITH_AS(
      run_reference(g, {{TensorId::parse("x"), x}, {TensorId::parse("pred"), Tensor::scalar<bool>(false)}},
                    {TensorId::parse("cond/true")}),
      doctest::Contains("untaken branch"), Error);
}
