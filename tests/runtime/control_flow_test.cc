// TF1 control flow in the reference executor: a lowered while loop and a
// cond built by hand, as tf.while_loop / tf.cond lower them.
#include <doctest/doctest.h>

#include "runtime/executor.h"
#include "while_loop_graph.h"

using namespace frost;
using namespace frost::testing;

namespace {

// i = 0; acc = 0.0; while i < n: acc += float(i); i += 1
Graph counting_loop() {
  Graph g;
  g.add(constant("acc0", Tensor::scalar<float>(0)));
  add_loop_head(g, "acc0");
  g.add(node("while/add_acc", "AddV2", {"while/Identity_acc", "while/Cast"}));
  add_loop_tail(g, "while/add_acc");
  g.add(node("result", "Identity", {"while/Exit_acc"}));
  return g;
}

// out = pred ? x * 2 : -x, as tf.cond lowers it (Switch, two branches, Merge).
Graph cond() {
  Graph g;
  g.add(placeholder("x"));
  g.add(placeholder("pred", DType::Bool));
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
