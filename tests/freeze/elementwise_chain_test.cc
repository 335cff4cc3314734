// fuse_elementwise_chain: chains of element-wise ops -> one _FusedElementwise
// (numbers before/after on the reference, and what must stay unfused).
#include "freeze/passes.h"
#include "freeze_test_util.h"
#include "runtime/ops/fused_elementwise.h"

using namespace frost;
using namespace frost::testing;

namespace {

OptimizeResult optimize_for_frost(const Graph& g, const std::vector<std::string>& outputs, bool runtime = true) {
  OptimizeOptions o;
  o.inputs = {"x"};
  o.outputs = outputs;
  o.runtime_fusions = runtime;
  return optimize_graph(g, o);
}

std::vector<std::string> step_ops(const Node& n) {
  std::vector<std::string> out;
  for (const ElementwiseStep& s : read_elementwise_steps(n)) out.push_back(s.op);
  return out;
}

}  // namespace

TEST_CASE("fuse_elementwise_chain: Mul -> Add -> Relu6, swish, hard-swish become one node each") {
  GraphBuilder b;
  b.placeholder("x", {PartialShape::kUnknown, 4, 4, 3});
  b.floats("s", {0.5f, -1.0f, 2.0f}, Shape{3});
  b.floats("t", {0.25f}, Shape{});
  b.op("scaled", "Mul", {"x", "s"});
  b.op("shifted", "AddV2", {"scaled", "t"});
  b.op("bn_act", "Relu6", {"shifted"});
  // x·tanh(x) on the result: x read twice. (Written with Sigmoid it would be
  // swish, which fuse_swish makes one _MklSwish op first.)
  b.op("sig", "Tanh", {"bn_act"});
  b.op("swish", "Mul", {"bn_act", "sig"});
  // hard-swish written out on another branch of x.
  b.floats("three", {3.0f}, Shape{});
  b.floats("sixth", {1.0f / 6.0f}, Shape{});
  b.op("plus3", "AddV2", {"x", "three"});
  b.op("r6", "Relu6", {"plus3"});
  b.op("div6", "Mul", {"r6", "sixth"});
  b.op("hswish", "Mul", {"x", "div6"});
  const OptimizeResult r = optimize_for_frost(b.g, {"swish", "hswish"});
  // bn_act is read twice (Tanh and Mul): the first chain ends there.
  CHECK(r.graph.at("bn_act").op == "_FusedElementwise");
  CHECK(step_ops(r.graph.at("bn_act")) == std::vector<std::string>{"Mul", "AddV2", "Relu6"});
  CHECK(r.graph.at("swish").op == "_FusedElementwise");
  CHECK(step_ops(r.graph.at("swish")) == std::vector<std::string>{"Tanh", "Mul"});
  CHECK(read_elementwise_steps(r.graph.at("swish"))[1].operand == 0);
  CHECK(r.graph.at("hswish").op == "_FusedElementwise");
  CHECK(step_ops(r.graph.at("hswish")) == std::vector<std::string>{"AddV2", "Relu6", "Mul", "Mul"});
  CHECK(read_elementwise_steps(r.graph.at("hswish"))[3].operand_first);
  CHECK(r.graph.find("sig") == nullptr);
  CHECK(r.graph.find("r6") == nullptr);
  CHECK(r.report.total("elementwise_chains") == 3);
  check_same_numbers(b.g, r.graph, {"x"}, {"swish", "hswish"});
}

TEST_CASE("fuse_elementwise_chain: a same-shape tensor operand and Sub with the operand first") {
  GraphBuilder b;
  b.placeholder("x", {2, 5, 7});
  b.op("e", "Exp", {"x"});
  b.op("other", "Tanh", {"x"});
  b.op("diff", "Sub", {"other", "e"});
  b.op("sq", "Square", {"diff"});
  const OptimizeResult r = optimize_for_frost(b.g, {"sq"});
  CHECK(r.graph.at("sq").op == "_FusedElementwise");
  check_same_numbers(b.g, r.graph, {"x"}, {"sq"});
}

TEST_CASE("fuse_elementwise_chain: must not fire") {
  SUBCASE("for TensorFlow (no runtime fusions)") {
    GraphBuilder b;
    b.placeholder("x", {2, 3});
    b.op("a", "Relu", {"x"});
    b.op("n", "Neg", {"a"});
    const OptimizeResult r = optimize_for_frost(b.g, {"n"}, false);
    CHECK(r.graph.at("n").op == "Neg");
  }
  SUBCASE("an intermediate is fetched, or read twice") {
    GraphBuilder b;
    b.placeholder("x", {2, 3});
    b.op("a", "Relu", {"x"});
    b.op("n", "Neg", {"a"});
    const OptimizeResult r = optimize_for_frost(b.g, {"n", "a"});
    CHECK(r.graph.at("n").op == "Neg");
    CHECK(r.graph.at("a").op == "Relu");
    check_same_numbers(b.g, r.graph, {"x"}, {"n", "a"});
  }
  SUBCASE("a step that broadcasts x to a larger shape, or an operand that is not per channel") {
    GraphBuilder b;
    b.placeholder("x", {1, 3});
    b.floats("rows", {1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f}, Shape{2, 3});
    b.op("a", "Relu", {"x"});
    b.op("wide", "Mul", {"a", "rows"});  // [1,3] * [2,3] -> [2,3]
    const OptimizeResult r = optimize_for_frost(b.g, {"wide"});
    CHECK(r.graph.at("wide").op == "Mul");
    check_same_numbers(b.g, r.graph, {"x"}, {"wide"});

    GraphBuilder b2;
    b2.placeholder("x", {4, 3});
    b2.floats("col", {1.0f, 2.0f, 3.0f, 4.0f}, Shape{4, 1});
    b2.op("a", "Relu", {"x"});
    b2.op("per_row", "AddV2", {"a", "col"});  // one value per row, not per channel
    const OptimizeResult r2 = optimize_for_frost(b2.g, {"per_row"});
    CHECK(r2.graph.at("per_row").op == "AddV2");
    check_same_numbers(b2.g, r2.graph, {"x"}, {"per_row"});
  }
  SUBCASE("the producer is a convolution's BiasAdd: the epilogue fusions take it") {
    GraphBuilder b;
    b.placeholder("x", {1, 4, 4, 2});
    b.floats("w", varied_values(3 * 3 * 2 * 2, 0.2f), Shape{3, 3, 2, 2});
    b.op("conv", "Conv2D", {"x", "w"},
         {{"strides", std::vector<int64_t>{1, 1, 1, 1}}, {"padding", std::string("SAME")},
          {"data_format", std::string("NHWC")}, {"dilations", std::vector<int64_t>{1, 1, 1, 1}}});
    b.floats("bias", {0.1f, -0.2f}, Shape{2});
    b.op("ba", "BiasAdd", {"conv", "bias"}, {{"data_format", std::string("NHWC")}});
    b.op("act", "Relu", {"ba"});
    b.floats("s", {0.5f, 2.0f}, Shape{2});
    b.op("out", "Mul", {"act", "s"});
    const OptimizeResult r = optimize_for_frost(b.g, {"out"});
    CHECK(r.graph.at("out").op == "_FusedConv2D");
    CHECK(r.report.total("elementwise_chains") == 0);
    check_same_numbers(b.g, r.graph, {"x"}, {"out"});
  }
}
