// fold_scale_into_next_conv: a per-channel affine (a BatchNorm after the
// activation, an input normalisation) folded forward into the convolutions
// and matmuls that read it, where padding keeps it exact.
#include "freeze/passes.h"
#include "freeze_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {

// x [1,5,5,3] -> Relu -> Mul(s) -> Add(t) = "bn" -> consumer `op` (3x3 or
// 1x1 filter, `padding`) -> BiasAdd (if `bias`) -> "out".
GraphBuilder affine_then(const std::string& op, const std::string& padding, int64_t k, bool bias) {
  GraphBuilder b;
  b.placeholder("x", {1, 5, 5, 3});
  b.op("act", "Relu", {"x"});
  b.floats("s", {0.5f, -2.0f, 1.5f}, Shape{3});
  b.floats("t", {0.25f, 1.0f, -0.75f}, Shape{1, 1, 1, 3});
  b.op("scaled", "Mul", {"act", "s"});
  b.op("bn", "AddV2", {"scaled", "t"});
  const int64_t out_c = op == "Conv2D" ? 4 : 6;
  if (op == "Conv2D") b.floats("w", varied_values(k * k * 3 * 4, 0.1f, 0.05f), Shape{k, k, 3, 4});
  else b.floats("w", varied_values(k * k * 3 * 2, 0.1f, 0.05f), Shape{k, k, 3, 2});
  b.op(bias ? "lin" : "out", op, {"bn", "w"}, conv2d_attrs(padding));
  if (bias) {
    b.floats("b", varied_values(out_c, 0.2f), Shape{out_c});
    b.op("out", "BiasAdd", {"lin", "b"}, {{"data_format", "NHWC"}});
  }
  return b;
}

}  // namespace

TEST_CASE("fold_scale_into_next_conv: Mul + Add before a VALID / 1x1 conv, depthwise conv, matmul fold into it") {
  for (const std::string op : {"Conv2D", "DepthwiseConv2dNative"})
    for (const auto& [padding, k] : {std::pair<std::string, int64_t>{"VALID", 3}, {"SAME", 1}, {"VALID", 1}})
      for (bool bias : {true, false}) {
        CAPTURE(op);
        const std::string padding_name = padding;  // copies: clang 14 cannot capture structured bindings
        const int64_t window = k;
        CAPTURE(padding_name);
        CAPTURE(window);
        CAPTURE(bias);
        GraphBuilder b = affine_then(op, padding, k, bias);
        const OptimizeResult r = optimize_with(b.g, {"x"}, {"out"}, {"fold_scale_into_next_conv"});
        CHECK(r.report.total("affines_folded_into_next") == 1);
        CHECK(r.graph.find("bn") == nullptr);
        CHECK(r.graph.find("scaled") == nullptr);
        // The conv now reads the activation; the bias carries the shift.
        const Node& lin = r.graph.at(bias ? "lin" : r.graph.at("out").inputs[0]);
        CHECK(lin.op == op);
        CHECK(lin.inputs[0] == "act");
        CHECK(r.graph.at("out").op == "BiasAdd");
        check_same_numbers(b.g, r.graph, {"x"}, {"out"});
      }
  // MatMul (and transpose_b), two readers.
  for (bool tb : {false, true}) {
    GraphBuilder b;
    b.placeholder("x", {2, 3});
    b.op("act", "Relu6", {"x"});
    b.floats("s", {0.5f, -2.0f, 1.5f}, Shape{1, 3});
    b.floats("t", {0.25f}, Shape{});
    b.op("scaled", "Mul", {"s", "act"});
    b.op("bn", "Sub", {"scaled", "t"});
    b.floats("w", varied_values(12, 0.1f, 0.05f), tb ? Shape{4, 3} : Shape{3, 4});
    b.op("out", "MatMul", {"bn", "w"}, {{"transpose_a", false}, {"transpose_b", tb}});
    b.op("out2", "MatMul", {"bn", "w"}, {{"transpose_a", false}, {"transpose_b", tb}});
    const OptimizeResult r = optimize_with(b.g, {"x"}, {"out", "out2"}, {"fold_scale_into_next_conv"});
    CHECK(r.report.total("consumers_rewritten") == 2);
    CHECK(r.graph.find("bn") == nullptr);
    check_same_numbers(b.g, r.graph, {"x"}, {"out", "out2"});
  }
  // A scale alone folds through SAME padding (the border stays 0).
  GraphBuilder b = affine_then("Conv2D", "SAME", 3, true);
  b.g.remove({"bn", "t"});
  b.g.at("lin").inputs[0] = "scaled";
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"out"}, {"fold_scale_into_next_conv"});
  CHECK(r.report.total("affines_folded_into_next") == 1);
  CHECK(r.graph.at("lin").inputs[0] == "act");
  check_same_numbers(b.g, r.graph, {"x"}, {"out"});
}

TEST_CASE("fold_scale_into_next_conv: must not fire") {
  SUBCASE("a shift before a 3x3 SAME conv (the zero border would see it)") {
    GraphBuilder b = affine_then("Conv2D", "SAME", 3, true);
    const OptimizeResult r = optimize_with(b.g, {"x"}, {"out"}, {"fold_scale_into_next_conv"});
    CHECK(r.report.total("affines_folded_into_next") == 0);
    CHECK(r.graph.at("lin").inputs[0] == "bn");
    check_same_numbers(b.g, r.graph, {"x"}, {"out"});
  }
  SUBCASE("the affine is also read by something else, or fetched") {
    GraphBuilder b = affine_then("Conv2D", "VALID", 3, true);
    b.op("other", "Relu", {"bn"});
    const OptimizeResult r = optimize_with(b.g, {"x"}, {"out", "other"}, {"fold_scale_into_next_conv"});
    CHECK(r.report.total("affines_folded_into_next") == 0);
    check_same_numbers(b.g, r.graph, {"x"}, {"out", "other"});
    GraphBuilder b2 = affine_then("Conv2D", "VALID", 3, true);
    const OptimizeResult r2 = optimize_with(b2.g, {"x"}, {"out", "bn"}, {"fold_scale_into_next_conv"});
    CHECK(r2.report.total("affines_folded_into_next") == 0);
  }
  SUBCASE("the operand is not per input channel") {
    GraphBuilder b = affine_then("Conv2D", "VALID", 3, true);
    b.g.remove({"t"});
    b.floats("t", varied_values(75, 0.1f), Shape{1, 5, 5, 3});
    const OptimizeResult r = optimize_with(b.g, {"x"}, {"out"}, {"fold_scale_into_next_conv"});
    CHECK(r.report.total("affines_folded_into_next") == 0);
    check_same_numbers(b.g, r.graph, {"x"}, {"out"});
  }
}
