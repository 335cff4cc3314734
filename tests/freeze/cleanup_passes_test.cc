// Identity/NoOp removal, unused-node removal, duplicate constants, trivial
// arithmetic, and the driver's contract (keep names, report, verify).
#include "freeze/passes.h"
#include "freeze_test_util.h"
#include "runtime/executor.h"

using namespace frost;
using namespace frost::testing;

TEST_CASE("remove_identity: identity family goes, consumers rewired, numbers unchanged") {
  GraphBuilder b;
  b.placeholder("x", {2, 3});
  b.op("id1", "Identity", {"x"});
  b.op("sg", "StopGradient", {"id1"});
  b.op("snap", "Snapshot", {"sg"});
  b.op("check", "CheckNumerics", {"snap"}, {{"message", "bad"}});
  b.floats("c", {2.0f}, Shape{});
  b.op("mul", "Mul", {"check", "c"});
  b.op("output", "Identity", {"mul"});  // fetched: must survive

  const OptimizeResult r = optimize_with(b.g, {"x"}, {"output"});
  const Graph& g = r.graph;
  CHECK(g.find("id1") == nullptr);
  CHECK(g.find("sg") == nullptr);
  CHECK(g.find("snap") == nullptr);
  CHECK(g.find("check") == nullptr);
  REQUIRE(g.find("output") != nullptr);
  CHECK(g.at("output").op == "Identity");
  CHECK(g.at("mul").inputs[0] == "x");
  CHECK(r.report.total("identities_removed") == 4);
  check_same_numbers(b.g, g, {"x"}, {"output"});
}

TEST_CASE("remove_identity: a fetched intermediate Identity is kept (must not fire)") {
  GraphBuilder b;
  b.placeholder("x", {4});
  b.op("features", "Identity", {"x"});
  b.op("relu", "Relu", {"features"});
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"relu", "features"});
  REQUIRE(r.graph.find("features") != nullptr);
  CHECK(r.graph.at("features").op == "Identity");
  CHECK(r.graph.at("relu").inputs[0] == "features");
  check_same_numbers(b.g, r.graph, {"x"}, {"relu", "features"});
}

TEST_CASE("remove_identity: IdentityN outputs forward by index; NoOp control edges hand on") {
  GraphBuilder b;
  b.placeholder("x", {3});
  b.placeholder("y", {3});
  b.op("idn", "IdentityN", {"x", "y"}, {{"T", std::vector<DType>{DType::Float, DType::Float}}});
  b.op("side", "Neg", {"x"});
  b.op("deps", "NoOp", {"^side"});
  b.op("sub", "Sub", {"idn:1", "idn", "^deps"});

  const OptimizeResult r = optimize_with(b.g, {"x", "y"}, {"sub"});
  const Node& sub = r.graph.at("sub");
  CHECK(r.graph.find("idn") == nullptr);
  CHECK(r.graph.find("deps") == nullptr);
  REQUIRE(sub.inputs.size() == 3);
  CHECK(sub.inputs[0] == "y");
  CHECK(sub.inputs[1] == "x");
  CHECK(sub.inputs[2] == "^side");  // the NoOp's own control input is inherited
  check_same_numbers(b.g, r.graph, {"x", "y"}, {"sub"});
}

TEST_CASE("remove_unused: control edges from Consts are dropped once no control flow is left") {
  GraphBuilder b;
  b.placeholder("x", {2});
  b.floats("read_var", {1, 2}, Shape{2});
  b.op("out", "Relu", {"x", "^read_var"});
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"out"});
  CHECK(r.graph.at("out").inputs == std::vector<std::string>{"x"});
  CHECK(r.graph.find("read_var") == nullptr);
}

TEST_CASE("remove_unused: nodes the outputs do not need go; fed placeholders stay") {
  GraphBuilder b;
  b.placeholder("x", {2});
  b.placeholder("unused_input", {2});
  b.op("relu", "Relu", {"x"});
  b.op("side", "Neg", {"x"});  // a branch no output reads
  b.op("side2", "Exp", {"side"});
  const OptimizeResult r = optimize_with(b.g, {"x", "unused_input"}, {"relu"});
  CHECK(r.graph.find("side") == nullptr);
  CHECK(r.graph.find("side2") == nullptr);
  CHECK(r.graph.find("unused_input") != nullptr);
  CHECK(r.graph.size() == 3);
  check_same_numbers(b.g, r.graph, {"x"}, {"relu"});
}

TEST_CASE("merge_duplicate_constants: equal Consts merge, different ones do not") {
  GraphBuilder b;
  b.placeholder("x", {2, 2});
  b.floats("w1", {1, 2, 3, 4}, Shape{2, 2});
  b.floats("w2", {1, 2, 3, 4}, Shape{2, 2});
  b.floats("w3", {1, 2, 3, 5}, Shape{2, 2});     // one value differs
  b.floats("w4", {1, 2, 3, 4}, Shape{4});        // same bytes, other shape
  b.op("m1", "Mul", {"x", "w1"});
  b.op("m2", "Mul", {"m1", "w2"});
  b.op("m3", "Mul", {"m2", "w3"});
  b.ints("shape", {4});
  b.op("flat", "Reshape", {"m3", "shape"}, {{"Tshape", DType::Int32}});
  b.op("out", "Add", {"flat", "w4"});
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"out"}, {"merge_duplicate_constants", "remove_unused"});
  CHECK(r.graph.find("w2") == nullptr);
  CHECK(r.graph.at("m2").inputs[1] == "w1");
  CHECK(r.graph.find("w3") != nullptr);
  CHECK(r.graph.find("w4") != nullptr);
  CHECK(r.report.total("constants_merged") == 1);
  check_same_numbers(b.g, r.graph, {"x"}, {"out"});
}

TEST_CASE("trivial_arithmetic: x*1, x/1, x+0, x-0 with scalar constants vanish; [1,1] constants stay") {
  GraphBuilder b;
  b.placeholder("x", {2, 3});
  b.floats("one", {1.0f}, Shape{});
  b.floats("zero", {0.0f}, Shape{});
  b.floats("one_11", {1.0f}, Shape{1, 1, 1});
  b.op("a", "Mul", {"one", "x"});
  b.op("d", "RealDiv", {"a", "one"});
  b.op("p", "AddV2", {"d", "zero"});
  b.op("s", "Sub", {"p", "zero"});
  b.op("r", "Relu", {"s"});
  b.op("broadcasting", "Mul", {"r", "one_11"});  // changes rank 2 -> 3: must stay
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"broadcasting"});
  CHECK(r.graph.find("a") == nullptr);
  CHECK(r.graph.find("d") == nullptr);
  CHECK(r.graph.find("p") == nullptr);
  CHECK(r.graph.find("s") == nullptr);
  CHECK(r.graph.at("r").inputs[0] == "x");
  CHECK(r.graph.at("broadcasting").op == "Mul");
  check_same_numbers(b.g, r.graph, {"x"}, {"broadcasting"});
}

TEST_CASE("driver: unknown pass and unknown output are errors naming them") {
  GraphBuilder b;
  b.placeholder("x", {2});
  b.op("relu", "Relu", {"x"});
  CHECK_THROWS_WITH_AS(optimize_with(b.g, {"x"}, {"relu"}, {"no_such_pass"}),
                       doctest::Contains("no_such_pass"), Error);
  CHECK_THROWS_AS(optimize_with(b.g, {"x"}, {"rleu"}), Error);
}

TEST_CASE("driver: report counts, fixed point, verification with tolerance, detected outputs") {
  GraphBuilder b;
  b.placeholder("x", {2, 3});
  b.floats("c1", {1, 2, 3}, Shape{3});
  b.floats("c2", {0.5f, 0.5f, 0.5f}, Shape{3});
  b.op("scale", "Mul", {"c1", "c2"});
  b.op("id", "Identity", {"x"});
  b.op("y", "Mul", {"id", "scale"});
  b.op("prob", "Softmax", {"y"});
  OptimizeOptions o;  // inputs and outputs detected
  o.verify = true;
  o.seed = 42;
  const OptimizeResult r = optimize_graph(b.g, o);
  REQUIRE(r.report.outputs == std::vector<std::string>{"prob"});
  CHECK(r.report.inputs == std::vector<std::string>{"x"});
  CHECK(r.report.nodes_before == 7);
  CHECK(r.report.nodes_after == 4);  // x, scale (folded), y, prob
  CHECK(r.report.reached_fixed_point);
  CHECK(r.report.total("constants_folded") == 1);
  CHECK(r.graph.at("scale").op == "Const");
  const Verification& v = r.report.verification;
  CHECK(v.ran);
  CHECK(v.passed);
  CHECK(v.tolerance == 1e-5);
  CHECK(v.seed == 42);
  MESSAGE("report:\n" << r.report.to_string());
  CHECK(r.report.to_string().find("constant_folding") != std::string::npos);

  // optimize_for_inference gives the same graph.
  CHECK(optimize_for_inference(b.g, o).size() == 4);
}
