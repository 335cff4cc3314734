// BatchNorm folding (fused and decomposed forms), per-channel Mul/Add
// folding and Pad folding: each where it fires (structure + numbers) and
// where it must not.
#include <cmath>

#include "freeze/passes.h"
#include "freeze_test_util.h"
#include "runtime/executor.h"

using namespace frost;
using namespace frost::testing;

namespace {

// Deterministic, varied values (not all equal, some negative).
std::vector<float> ramp(int64_t n, float scale, float offset = 0.0f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = offset + scale * static_cast<float>((i * 7) % 11 - 5);
  return v;
}

std::map<std::string, AttrValue> bn_attrs(bool training = false, const std::string& format = "NHWC") {
  return {{"T", DType::Float}, {"U", DType::Float}, {"epsilon", 0.001f}, {"is_training", training},
          {"data_format", format}};
}

// gamma, beta, mean, variance Consts for C channels, named prefix/...
std::vector<std::string> bn_params(GraphBuilder& b, const std::string& prefix, int64_t c) {
  std::vector<float> var = ramp(c, 0.1f, 1.0f);
  for (float& v : var) v = std::fabs(v) + 0.05f;
  return {b.floats(prefix + "/gamma", ramp(c, 0.3f, 1.0f), Shape{c}),
          b.floats(prefix + "/beta", ramp(c, 0.2f), Shape{c}),
          b.floats(prefix + "/mean", ramp(c, 0.15f, 0.1f), Shape{c}),
          b.floats(prefix + "/variance", var, Shape{c})};
}

// Every pass except the late fusions, so the folded form can be inspected.
const std::vector<std::string> kFoldPasses = {
    "remove_identity",  "constant_folding",      "remove_unused",      "merge_duplicate_constants",
    "fold_batch_norm",  "fold_mul_into_weights", "fold_add_into_bias", "fold_pad_into_conv",
    "trivial_arithmetic"};

int count_batch_norms(const Graph& g) {
  return count_ops(g, "FusedBatchNorm") + count_ops(g, "FusedBatchNormV2") + count_ops(g, "FusedBatchNormV3");
}

}  // namespace

TEST_CASE("fold_batch_norm: Conv2D -> FusedBatchNormV3 folds into the filter and a BiasAdd named as the BN") {
  GraphBuilder b;
  b.placeholder("x", {1, 5, 5, 3});
  b.floats("w", ramp(3 * 3 * 3 * 4, 0.1f), Shape{3, 3, 3, 4});
  b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs("VALID"));
  auto p = bn_params(b, "bn", 4);
  b.op("bn", "FusedBatchNormV3", {"conv", p[0], p[1], p[2], p[3]}, bn_attrs());
  b.op("out", "Relu", {"bn"});
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"out"}, kFoldPasses);
  CHECK(count_batch_norms(r.graph) == 0);
  REQUIRE(r.graph.at("bn").op == "BiasAdd");
  CHECK(r.graph.at("bn").inputs[0] == "conv");
  CHECK(r.graph.at("conv").inputs[1] != "w");
  CHECK(r.graph.find("w") == nullptr);  // the old filter went unused
  CHECK(r.report.total("bn_folded") == 1);
  check_same_numbers(b.g, r.graph, {"x"}, {"out"});
}

TEST_CASE("fold_batch_norm: Conv2D + BiasAdd + FusedBatchNorm folds the bias too") {
  GraphBuilder b;
  b.placeholder("x", {2, 4, 4, 2});
  b.floats("w", ramp(2 * 2 * 2 * 3, 0.2f), Shape{2, 2, 2, 3});
  b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs("SAME"));
  b.floats("b", {0.5f, -1.0f, 2.0f}, Shape{3});
  b.op("bias", "BiasAdd", {"conv", "b"}, {{"data_format", "NHWC"}});
  auto p = bn_params(b, "bn", 3);
  b.op("bn", "FusedBatchNorm", {"bias", p[0], p[1], p[2], p[3]}, bn_attrs());
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"bn"}, kFoldPasses);
  CHECK(count_batch_norms(r.graph) == 0);
  CHECK(r.graph.find("bias") == nullptr);
  REQUIRE(r.graph.at("bn").op == "BiasAdd");
  CHECK(r.graph.at("bn").inputs[0] == "conv");
  check_same_numbers(b.g, r.graph, {"x"}, {"bn"});
}

TEST_CASE("fold_batch_norm: DepthwiseConv2dNative (multiplier 2) -> FusedBatchNormV2") {
  GraphBuilder b;
  b.placeholder("x", {1, 6, 6, 3});
  b.floats("w", ramp(3 * 3 * 3 * 2, 0.1f, 0.05f), Shape{3, 3, 3, 2});
  b.op("dw", "DepthwiseConv2dNative", {"x", "w"}, conv2d_attrs("SAME", 2));
  auto p = bn_params(b, "bn", 6);
  b.op("bn", "FusedBatchNormV2", {"dw", p[0], p[1], p[2], p[3]}, bn_attrs());
  b.op("out", "Relu6", {"bn"});
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"out"}, kFoldPasses);
  CHECK(count_batch_norms(r.graph) == 0);
  CHECK(r.report.total("bn_folded") == 1);
  check_same_numbers(b.g, r.graph, {"x"}, {"out"});
}

TEST_CASE("fold_batch_norm: conv output with a second consumer is not folded (must not fire)") {
  GraphBuilder b;
  b.placeholder("x", {1, 4, 4, 2});
  b.floats("w", ramp(2 * 2 * 2 * 3, 0.2f), Shape{2, 2, 2, 3});
  b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs("VALID"));
  auto p = bn_params(b, "bn", 3);
  b.op("bn", "FusedBatchNormV3", {"conv", p[0], p[1], p[2], p[3]}, bn_attrs());
  b.op("side", "Relu", {"conv"});  // second consumer of the conv output
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"bn", "side"}, kFoldPasses);
  CHECK(r.graph.at("conv").inputs[1] == "w");  // filter untouched
  CHECK(r.report.total("bn_folded") == 0);
  // Still no BN op: it became a per-channel Mul + Add under its name.
  CHECK(count_batch_norms(r.graph) == 0);
  CHECK(r.graph.at("bn").op == "Add");
  CHECK(r.report.total("bn_to_scale_shift") == 1);
  check_same_numbers(b.g, r.graph, {"x"}, {"bn", "side"});
}

TEST_CASE("fold_batch_norm: a non-constant mean, or is_training, leaves the BN (must not fire)") {
  GraphBuilder b;
  b.placeholder("x", {1, 4, 4, 2});
  b.placeholder("mean", {2});
  b.floats("w", ramp(1 * 1 * 2 * 2, 0.3f, 0.1f), Shape{1, 1, 2, 2});
  b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs("VALID"));
  auto p = bn_params(b, "bn", 2);
  b.op("bn", "FusedBatchNormV3", {"conv", p[0], p[1], "mean", p[3]}, bn_attrs());
  const OptimizeResult r = optimize_with(b.g, {"x", "mean"}, {"bn"}, kFoldPasses);
  CHECK(r.graph.at("bn").op == "FusedBatchNormV3");
  CHECK(r.graph.at("conv").inputs[1] == "w");
  CHECK(r.report.total("bn_folded") + r.report.total("bn_to_scale_shift") == 0);
  check_same_numbers(b.g, r.graph, {"x", "mean"}, {"bn"});

  GraphBuilder t;
  t.placeholder("x", {1, 4, 4, 2});
  t.floats("w", ramp(4, 0.3f, 0.1f), Shape{1, 1, 2, 2});
  t.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs("VALID"));
  auto q = bn_params(t, "bn", 2);
  t.op("bn", "FusedBatchNorm", {"conv", q[0], q[1], q[2], q[3]}, bn_attrs(/*training=*/true));
  const OptimizeResult rt = optimize_with(t.g, {"x"}, {"bn"}, kFoldPasses);
  CHECK(rt.graph.at("bn").op == "FusedBatchNorm");
}

TEST_CASE("fold_batch_norm: NCHW BN after an NHWC conv is not folded into the conv (must not fire)") {
  GraphBuilder b;
  b.placeholder("x", {1, 4, 4, 2});
  b.floats("w", ramp(2 * 2 * 2 * 3, 0.2f), Shape{2, 2, 2, 3});
  b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs("VALID"));  // NHWC output [1,3,3,3]
  auto p = bn_params(b, "bn", 3);                   // the NCHW BN sees C = dim 1 = 3
  b.op("bn", "FusedBatchNormV3", {"conv", p[0], p[1], p[2], p[3]}, bn_attrs(false, "NCHW"));
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"bn"}, kFoldPasses);
  CHECK(r.graph.at("conv").inputs[1] == "w");
  CHECK(r.report.total("bn_folded") == 0);
  // The fallback scale/shift is shaped for NCHW ([C,1,1]) and keeps the numbers.
  check_same_numbers(b.g, r.graph, {"x"}, {"bn"});
}

TEST_CASE("decomposed BN: conv + BiasAdd + x*(rsqrt(var+eps)*gamma) + (beta - mean*inv) folds into conv + bias") {
  GraphBuilder b;
  b.placeholder("x", {1, 5, 5, 2});
  b.floats("w", ramp(3 * 3 * 2 * 4, 0.1f), Shape{3, 3, 2, 4});
  b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs("SAME"));
  b.floats("b", {0.1f, 0.2f, -0.3f, 0.4f}, Shape{4});
  b.op("bias", "BiasAdd", {"conv", "b"}, {{"data_format", "NHWC"}});
  auto p = bn_params(b, "bn", 4);
  b.floats("bn/eps", {0.001f}, Shape{});
  b.op("bn/add", "AddV2", {p[3], "bn/eps"});
  b.op("bn/rsqrt", "Rsqrt", {"bn/add"});
  b.op("bn/inv", "Mul", {"bn/rsqrt", p[0]});
  b.op("bn/mul_1", "Mul", {"bias", "bn/inv"});
  b.op("bn/mul_2", "Mul", {p[2], "bn/inv"});
  b.op("bn/sub", "Sub", {p[1], "bn/mul_2"});
  b.op("bn/add_1", "AddV2", {"bn/mul_1", "bn/sub"});
  b.op("out", "Relu", {"bn/add_1"});
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"out"}, kFoldPasses);
  CHECK(count_ops(r.graph, "Mul") == 0);
  CHECK(count_ops(r.graph, "AddV2") == 0);
  CHECK(count_ops(r.graph, "Rsqrt") == 0);
  REQUIRE(r.graph.at("bn/add_1").op == "BiasAdd");
  CHECK(r.graph.at("bn/add_1").inputs[0] == "conv");
  CHECK(r.graph.size() == 6);  // x, conv, its weights, bias const, BiasAdd, out
  check_same_numbers(b.g, r.graph, {"x"}, {"out"});
}

TEST_CASE("decomposed BN after MatMul (Dense): Mul and Sub per column fold into weights and bias") {
  for (const bool transpose_b : {false, true}) {
    CAPTURE(transpose_b);
    GraphBuilder b;
    b.placeholder("x", {3, 5});
    b.floats("w", ramp(5 * 4, 0.2f), transpose_b ? Shape{4, 5} : Shape{5, 4});
    b.op("dense", "MatMul", {"x", "w"}, {{"transpose_a", false}, {"transpose_b", transpose_b}});
    b.floats("s", {0.5f, 2.0f, -1.0f, 1.5f}, Shape{1, 4});
    b.op("scaled", "Mul", {"s", "dense"});
    b.floats("t", {1.0f, -2.0f, 0.5f, 0.0f}, Shape{4});
    b.op("shifted", "Sub", {"scaled", "t"});
    const OptimizeResult r = optimize_with(b.g, {"x"}, {"shifted"}, kFoldPasses);
    CHECK(count_ops(r.graph, "Mul") == 0);
    CHECK(count_ops(r.graph, "Sub") == 0);
    CHECK(r.graph.at("shifted").op == "BiasAdd");
    CHECK(r.graph.at("shifted").inputs[0] == "dense");
    check_same_numbers(b.g, r.graph, {"x"}, {"shifted"});
  }
}

TEST_CASE("per-channel folds must not fire: non-constant scale, wrong channel count, shared conv") {
  GraphBuilder b;
  b.placeholder("x", {1, 3, 3, 2});
  b.placeholder("s", {2});
  b.floats("w", ramp(2 * 2, 0.5f, 0.1f), Shape{1, 1, 2, 2});
  b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs("VALID"));
  b.op("m1", "Mul", {"conv", "s"});  // scale not constant
  b.floats("w2", ramp(2 * 2, 0.5f, 0.2f), Shape{1, 1, 2, 2});
  b.op("conv2", "Conv2D", {"x", "w2"}, conv2d_attrs("VALID"));
  b.floats("per_row", {1.0f, 2.0f, 3.0f}, Shape{3, 1});  // broadcasts over H, not channels
  b.op("m2", "Mul", {"conv2", "per_row"});
  b.floats("w3", ramp(2 * 2, 0.5f, 0.3f), Shape{1, 1, 2, 2});
  b.op("conv3", "Conv2D", {"x", "w3"}, conv2d_attrs("VALID"));
  b.floats("k", {3.0f, 4.0f}, Shape{2});
  b.op("m3", "Mul", {"conv3", "k"});
  b.op("also", "Neg", {"conv3"});  // conv3 is shared
  const std::vector<std::string> outs = {"m1", "m2", "m3", "also"};
  const OptimizeResult r = optimize_with(b.g, {"x", "s"}, outs, kFoldPasses);
  CHECK(r.graph.at("m1").op == "Mul");
  CHECK(r.graph.at("m2").op == "Mul");
  CHECK(r.graph.at("m3").op == "Mul");
  CHECK(r.graph.at("conv3").inputs[1] == "w3");
  check_same_numbers(b.g, r.graph, {"x", "s"}, outs);
}

TEST_CASE("a second bias (Caffe's conv -> bias -> BN -> Scale) merges into the first, and Relu then fuses") {
  // conv -> BiasAdd(b) -> BiasAdd(c) -> Relu, as opencv_face's layers after
  // their BatchNorm and Scale folded; then the same with the conv already
  // fused with its bias (_FusedConv2D [BiasAdd]) and the second bias an AddV2
  // of [1,1,1,C] or a Sub.
  for (int form = 0; form < 3; ++form) {
    CAPTURE(form);
    GraphBuilder b;
    b.placeholder("x", {1, 5, 5, 2});
    b.floats("w", ramp(3 * 3 * 2 * 4, 0.1f), Shape{3, 3, 2, 4});
    b.floats("b", {0.1f, 0.2f, -0.3f, 0.4f}, Shape{4});
    if (form == 0) {
      b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs("SAME"));
      b.op("bias", "BiasAdd", {"conv", "b"}, {{"data_format", "NHWC"}});
    } else {
      std::map<std::string, AttrValue> attrs = conv2d_attrs("SAME");
      attrs["fused_ops"] = std::vector<std::string>{"BiasAdd"};
      attrs["num_args"] = int64_t{1};
      b.op("bias", "_FusedConv2D", {"x", "w", "b"}, attrs);
    }
    if (form == 2) {
      b.floats("c", {0.5f, -0.25f, 1.0f, -2.0f}, Shape{1, 1, 1, 4});
      b.op("second", "Sub", {"bias", "c"});
    } else {
      b.floats("c", {0.5f, -0.25f, 1.0f, -2.0f}, Shape{4});
      b.op("second", form == 0 ? "BiasAdd" : "AddV2", {"bias", "c"});
    }
    b.op("out", "Relu", {"second"});
    const OptimizeResult folded = optimize_with(b.g, {"x"}, {"out"}, kFoldPasses);
    CHECK(count_ops(folded.graph, "BiasAdd") + count_ops(folded.graph, "_FusedConv2D") == 1);
    CHECK(count_ops(folded.graph, "AddV2") + count_ops(folded.graph, "Sub") == 0);
    check_same_numbers(b.g, folded.graph, {"x"}, {"out"});
    // With the fusions: the unfused form becomes one node, bias and Relu in
    // its epilogue, named as the Relu (fuse_bias_activation does not extend
    // an already fused contraction, so there the Relu stays its own node).
    const OptimizeResult fused = optimize_with(b.g, {"x"}, {"out"});
    CHECK(count_ops(fused.graph, "BiasAdd") + count_ops(fused.graph, "AddV2") + count_ops(fused.graph, "Sub") == 0);
    if (form == 0) {
      REQUIRE(fused.graph.at("out").op == "_FusedConv2D");
      CHECK(fused.graph.at("out").attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd", "Relu"});
    }
    check_same_numbers(b.g, fused.graph, {"x"}, {"out"});
  }
}

TEST_CASE("a second bias must not merge: activation in between, shared first bias, fed operand, rank-2 bias") {
  GraphBuilder b;
  b.placeholder("x", {1, 4, 4, 2});
  b.placeholder("fed", {4});
  b.floats("w", ramp(2 * 2 * 2 * 4, 0.2f), Shape{2, 2, 2, 4});
  b.floats("b", {0.1f, 0.2f, -0.3f, 0.4f}, Shape{4});
  b.floats("c", {0.5f, -0.25f, 1.0f, -2.0f}, Shape{4});
  std::map<std::string, AttrValue> relu_attrs = conv2d_attrs("SAME");
  relu_attrs["fused_ops"] = std::vector<std::string>{"BiasAdd", "Relu"};
  relu_attrs["num_args"] = int64_t{1};
  b.op("conv_relu", "_FusedConv2D", {"x", "w", "b"}, relu_attrs);
  b.op("after_relu", "BiasAdd", {"conv_relu", "c"});  // Relu between the biases
  std::map<std::string, AttrValue> bias_attrs = conv2d_attrs("SAME");
  bias_attrs["fused_ops"] = std::vector<std::string>{"BiasAdd"};
  bias_attrs["num_args"] = int64_t{1};
  b.op("shared", "_FusedConv2D", {"x", "w", "b"}, bias_attrs);
  b.op("shared_plus", "BiasAdd", {"shared", "c"});
  b.op("shared_other", "Neg", {"shared"});  // the first bias's output is read twice
  b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs("SAME"));
  b.op("bias", "BiasAdd", {"conv", "b"});
  b.op("plus_fed", "BiasAdd", {"bias", "fed"});  // not a constant
  b.op("single", "_FusedConv2D", {"x", "w", "b"}, bias_attrs);
  b.floats("grid", ramp(4 * 4 * 4, 0.1f), Shape{1, 4, 4, 4});
  b.op("plus_grid", "AddV2", {"single", "grid"});  // not per channel
  const std::vector<std::string> outs = {"after_relu", "shared_plus", "shared_other", "plus_fed", "plus_grid"};
  const OptimizeResult r = optimize_with(b.g, {"x", "fed"}, outs, kFoldPasses);
  CHECK(r.graph.at("after_relu").op == "BiasAdd");
  CHECK(r.graph.at("shared_plus").op == "BiasAdd");
  CHECK(r.graph.at("shared").inputs[2] == "b");
  CHECK(r.graph.at("plus_fed").op == "BiasAdd");
  CHECK(r.graph.at("plus_grid").op == "AddV2");
  CHECK(r.graph.at("single").inputs[2] == "b");
  CHECK(r.report.total("adds_folded_into_fused_bias") == 0);
  check_same_numbers(b.g, r.graph, {"x", "fed"}, outs);
}

TEST_CASE("fold_pad_into_conv: zero spatial Pad becomes EXPLICIT padding (Conv2D and depthwise)") {
  for (const std::string op : {"Conv2D", "DepthwiseConv2dNative"}) {
    CAPTURE(op);
    GraphBuilder b;
    b.placeholder("x", {1, 6, 7, 2});
    Tensor pads = Tensor::from_vector<int32_t>({0, 0, 1, 2, 2, 1, 0, 0}, Shape{4, 2});
    b.constant("paddings", pads);
    b.op("pad", "Pad", {"x", "paddings"}, {{"Tpaddings", DType::Int32}});
    b.floats("w", ramp(3 * 3 * 2 * 2, 0.1f, 0.02f), Shape{3, 3, 2, 2});
    b.op("conv", op, {"pad", "w"}, conv2d_attrs("VALID", 2));
    OptimizeOptions o;
    o.inputs = {"x"};
    o.outputs = {"conv"};
    o.passes = kFoldPasses;
    o.runtime_fusions = true;  // a depthwise conv takes EXPLICIT padding only on Frost's runtime
    const OptimizeResult r = optimize_graph(b.g, o);
    CHECK(count_ops(r.graph, "Pad") == 0);
    const Node& conv = r.graph.at("conv");
    CHECK(conv.inputs[0] == "x");
    CHECK(conv.attr_string("padding") == "EXPLICIT");
    CHECK(conv.attr_ints("explicit_paddings") == std::vector<int64_t>{0, 0, 1, 2, 2, 1, 0, 0});
    check_same_numbers(b.g, r.graph, {"x"}, {"conv"});
  }
}

TEST_CASE("fold_pad_into_conv: a depthwise conv in a graph for TensorFlow keeps its Pad (must not fire)") {
  GraphBuilder b;
  b.placeholder("x", {1, 6, 7, 2});
  b.constant("paddings", Tensor::from_vector<int32_t>({0, 0, 1, 1, 1, 1, 0, 0}, Shape{4, 2}));
  b.op("pad", "Pad", {"x", "paddings"}, {{"Tpaddings", DType::Int32}});
  b.floats("w", ramp(3 * 3 * 2 * 1, 0.1f), Shape{3, 3, 2, 1});
  b.op("conv", "DepthwiseConv2dNative", {"pad", "w"}, conv2d_attrs("VALID"));
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"conv"}, kFoldPasses);
  CHECK(count_ops(r.graph, "Pad") == 1);
  CHECK(r.graph.at("conv").attr_string("padding") == "VALID");
}

TEST_CASE("fold_pad_into_conv: channel padding, SAME conv, non-zero PadV2 stay (must not fire)") {
  GraphBuilder b;
  b.placeholder("x", {1, 4, 4, 2});
  b.constant("chan_pads", Tensor::from_vector<int32_t>({0, 0, 1, 1, 1, 1, 0, 1}, Shape{4, 2}));
  b.op("pad1", "Pad", {"x", "chan_pads"}, {{"Tpaddings", DType::Int32}});
  b.floats("w3", ramp(3 * 3 * 3 * 1, 0.1f), Shape{3, 3, 3, 1});
  b.op("c1", "Conv2D", {"pad1", "w3"}, conv2d_attrs("VALID"));
  b.constant("sp_pads", Tensor::from_vector<int32_t>({0, 0, 1, 1, 1, 1, 0, 0}, Shape{4, 2}));
  b.op("pad2", "Pad", {"x", "sp_pads"}, {{"Tpaddings", DType::Int32}});
  b.floats("w2", ramp(3 * 3 * 2 * 1, 0.1f), Shape{3, 3, 2, 1});
  b.op("c2", "Conv2D", {"pad2", "w2"}, conv2d_attrs("SAME"));
  b.floats("one", {1.0f}, Shape{});
  b.op("pad3", "PadV2", {"x", "sp_pads", "one"}, {{"Tpaddings", DType::Int32}});
  b.op("c3", "Conv2D", {"pad3", "w2"}, conv2d_attrs("VALID"));
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"c1", "c2", "c3"}, kFoldPasses);
  CHECK(count_ops(r.graph, "Pad") == 2);
  CHECK(count_ops(r.graph, "PadV2") == 1);
  check_same_numbers(b.g, r.graph, {"x"}, {"c1", "c2", "c3"});
}

namespace {

std::map<std::string, AttrValue> max_pool_attrs(int64_t k, int64_t s, const std::string& padding) {
  return {{"T", DType::Float},
          {"ksize", std::vector<int64_t>{1, k, k, 1}},
          {"strides", std::vector<int64_t>{1, s, s, 1}},
          {"padding", padding}};
}

}  // namespace

TEST_CASE("fold_pad_into_max_pool: a zero Pad of a ReLU output before a VALID MaxPool becomes its EXPLICIT padding") {
  // A ResNet stem's ZeroPadding2D(1) + 3x3 stride-2 pool, an asymmetric pad
  // (one less than the window), Relu6, and PadV2 of 0. The input mixes signs,
  // so the ReLU's zeros sit at the borders too.
  struct Case {
    const char* act;
    const char* pad_op;
    std::vector<int32_t> pads;
    int64_t k, s;
  };
  for (const Case& c : {Case{"Relu", "Pad", {0, 0, 1, 1, 1, 1, 0, 0}, 3, 2}, Case{"Relu6", "PadV2", {0, 0, 0, 2, 1, 0, 0, 0}, 3, 1},
                        Case{"Relu", "Pad", {0, 0, 1, 0, 0, 1, 0, 0}, 2, 2}}) {
    const std::string act = c.act;
    CAPTURE(act);
    CAPTURE(c.k);
    GraphBuilder b;
    b.placeholder("x", {1, 7, 8, 3});
    b.op("act", c.act, {"x"});
    b.constant("paddings", Tensor::from_vector<int32_t>(c.pads, Shape{4, 2}));
    if (std::string(c.pad_op) == "PadV2") {
      b.floats("zero", {0.0f}, Shape{});
      b.op("pad", "PadV2", {"act", "paddings", "zero"}, {{"Tpaddings", DType::Int32}});
    } else {
      b.op("pad", "Pad", {"act", "paddings"}, {{"Tpaddings", DType::Int32}});
    }
    b.op("pool", "MaxPool", {"pad"}, max_pool_attrs(c.k, c.s, "VALID"));
    const OptimizeResult r = optimize_with(b.g, {"x"}, {"pool"}, {"remove_unused", "fold_pad_into_max_pool"});
    CHECK(count_ops(r.graph, "Pad") + count_ops(r.graph, "PadV2") == 0);
    const Node& pool = r.graph.at("pool");
    CHECK(pool.inputs[0] == "act");
    CHECK(pool.attr_string("padding") == "EXPLICIT");
    CHECK(pool.attr_ints("explicit_paddings") == std::vector<int64_t>(c.pads.begin(), c.pads.end()));
    CHECK(r.report.total("pads_folded_into_max_pool") == 1);
    check_same_numbers(b.g, r.graph, {"x"}, {"pool"});
  }
}

TEST_CASE("fold_pad_into_max_pool: inputs that may be negative, pads as wide as the window, SAME pools, "
          "channel pads, a non-zero value, a Pad read twice stay (must not fire)") {
  GraphBuilder b;
  b.placeholder("x", {1, 6, 6, 2});
  b.op("relu", "Relu", {"x"});
  b.constant("sp", Tensor::from_vector<int32_t>({0, 0, 1, 1, 1, 1, 0, 0}, Shape{4, 2}));
  b.constant("wide", Tensor::from_vector<int32_t>({0, 0, 2, 0, 0, 0, 0, 0}, Shape{4, 2}));
  b.constant("chan", Tensor::from_vector<int32_t>({0, 0, 1, 1, 1, 1, 0, 1}, Shape{4, 2}));
  // The raw input (negative values: the zeros of the Pad win at the border).
  b.op("pad_x", "Pad", {"x", "sp"}, {{"Tpaddings", DType::Int32}});
  b.op("p1", "MaxPool", {"pad_x"}, max_pool_attrs(3, 2, "VALID"));
  // A pad as wide as the 2x2 window: a window of zeros only.
  b.op("pad_wide", "Pad", {"relu", "wide"}, {{"Tpaddings", DType::Int32}});
  b.op("p2", "MaxPool", {"pad_wide"}, max_pool_attrs(2, 2, "VALID"));
  // A SAME pool adds its own padding.
  b.op("pad_same", "Pad", {"relu", "sp"}, {{"Tpaddings", DType::Int32}});
  b.op("p3", "MaxPool", {"pad_same"}, max_pool_attrs(3, 2, "SAME"));
  // Channels padded.
  b.op("pad_chan", "Pad", {"relu", "chan"}, {{"Tpaddings", DType::Int32}});
  b.op("p4", "MaxPool", {"pad_chan"}, max_pool_attrs(3, 2, "VALID"));
  // PadV2 with 1.
  b.floats("one", {1.0f}, Shape{});
  b.op("pad_one", "PadV2", {"relu", "sp", "one"}, {{"Tpaddings", DType::Int32}});
  b.op("p5", "MaxPool", {"pad_one"}, max_pool_attrs(3, 2, "VALID"));
  // A Pad also fetched.
  b.op("pad_twice", "Pad", {"relu", "sp"}, {{"Tpaddings", DType::Int32}});
  b.op("p6", "MaxPool", {"pad_twice"}, max_pool_attrs(3, 2, "VALID"));
  const std::vector<std::string> outs = {"p1", "p2", "p3", "p4", "p5", "p6", "pad_twice"};
  const OptimizeResult r = optimize_with(b.g, {"x"}, outs, {"remove_unused", "fold_pad_into_max_pool"});
  CHECK(count_ops(r.graph, "Pad") == 5);
  CHECK(count_ops(r.graph, "PadV2") == 1);
  CHECK(r.report.total("pads_folded_into_max_pool") == 0);
  for (const char* p : {"p1", "p2", "p4", "p5", "p6"}) CHECK(r.graph.at(p).attr_string("padding") == "VALID");
  check_same_numbers(b.g, r.graph, {"x"}, outs);
}
