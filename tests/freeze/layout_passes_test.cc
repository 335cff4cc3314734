// Layout rules for graphs converted from ONNX/PyTorch: Transpose pairs
// cancel, Transposes sink through element-wise ops, Pad, BiasAdd and
// ConcatV2, hoist above a Pad that feeds a convolution, NCHW convolutions run
// in NHWC; Split/ConcatV2 of one piece vanish. Each where it fires
// (structure + numbers on the reference backend) and where it must not.
#include "freeze/transpose_folds.h"
#include "freeze/passes.h"
#include "freeze_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {

const std::vector<std::string> kLayoutPasses = {"remove_identity",   "remove_unused",     "trivial_split_concat",
                                                "nchw_to_nhwc",      "sink_transposes",   "hoist_transpose_above_pad",
                                                "cancel_transposes", "fold_pad_into_conv"};

std::string transpose(GraphBuilder& b, const std::string& name, const std::string& x, std::vector<int32_t> perm) {
  b.ints(name + "/perm", perm);
  return b.op(name, "Transpose", {x, name + "/perm"}, {{"Tperm", DType::Int32}});
}

// An onnx-tf block: NHWC conv output -> NCHW BatchNorm (Mul, Add with [C,1,1]
// constants) -> Relu -> NCHW Pad -> back to NHWC for the next conv.
void converted_block(GraphBuilder& b, const std::string& x, int64_t c) {
  transpose(b, "to_nchw", x, {0, 3, 1, 2});
  b.floats("scale", varied_values(c, 0.3f, 1.0f), Shape{c, 1, 1});
  b.op("bn_mul", "Mul", {"to_nchw", "scale"});
  b.floats("shift", varied_values(c, 0.2f), Shape{c, 1, 1});
  b.op("bn_add", "AddV2", {"bn_mul", "shift"});
  b.op("relu", "Relu", {"bn_add"});
  b.constant("pads", Tensor::from_vector<int32_t>({0, 0, 0, 0, 1, 2, 2, 1}, Shape{4, 2}));
  b.op("pad", "Pad", {"relu", "pads"}, {{"Tpaddings", DType::Int32}});
  transpose(b, "to_nhwc", "pad", {0, 2, 3, 1});
}

}  // namespace

TEST_CASE("cancel_transposes: NHWC -> NCHW -> NHWC vanishes; two others compose into one") {
  GraphBuilder b;
  b.placeholder("x", {2, 3, 4, 5});
  transpose(b, "t1", "x", {0, 3, 1, 2});
  transpose(b, "t2", "t1", {0, 2, 3, 1});
  b.op("y", "Relu", {"t2"});
  transpose(b, "u1", "x", {0, 2, 3, 1});
  transpose(b, "u2", "u1", {0, 2, 3, 1});  // composes to (0, 3, 1, 2)
  b.op("z", "Relu", {"u2"});
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"y", "z"}, {"remove_unused", "cancel_transposes"});
  CHECK(r.graph.at("y").inputs[0] == "x");
  CHECK(count_ops(r.graph, "Transpose") == 1);
  CHECK(r.graph.at("u2").inputs[0] == "x");
  CHECK(r.report.total("transpose_pairs_cancelled") == 1);
  CHECK(r.report.total("transposes_composed") == 1);
  check_same_numbers(b.g, r.graph, {"x"}, {"y", "z"});
}

TEST_CASE("cancel_transposes: a computed perm, or a fetched outer Transpose, is kept (must not fire)") {
  GraphBuilder b;
  b.placeholder("x", {2, 3, 4, 5});
  b.placeholder("perm", {4}, DType::Int32);
  transpose(b, "t1", "x", {0, 3, 1, 2});
  b.op("t2", "Transpose", {"t1", "perm"}, {{"Tperm", DType::Int32}});
  b.op("y", "Relu", {"t2"});
  const OptimizeResult r = optimize_with(b.g, {"x", "perm"}, {"y"}, kLayoutPasses);
  CHECK(count_ops(r.graph, "Transpose") == 2);
  CHECK(r.report.total("transpose_pairs_cancelled") == 0);

  // Fetched: the name survives as an Identity of x, numbers unchanged.
  GraphBuilder c;
  c.placeholder("x", {2, 3, 4, 5});
  transpose(c, "t1", "x", {0, 3, 1, 2});
  transpose(c, "t2", "t1", {0, 2, 3, 1});
  const OptimizeResult r2 = optimize_with(c.g, {"x"}, {"t2"}, kLayoutPasses);
  REQUIRE(r2.graph.find("t2") != nullptr);
  CHECK(count_ops(r2.graph, "Transpose") == 0);
  check_same_numbers(c.g, r2.graph, {"x"}, {"t2"});
}

TEST_CASE("sink_transposes: an onnx-tf BatchNorm/Relu/Pad block between two convs loses both Transposes") {
  GraphBuilder b;
  b.placeholder("x", {1, 5, 6, 4});
  converted_block(b, "x", 4);
  b.floats("w", varied_values(3 * 3 * 4 * 2, 0.1f, 0.02f), Shape{3, 3, 4, 2});
  b.op("conv", "Conv2D", {"to_nhwc", "w"}, conv2d_attrs("VALID"));
  b.op("y", "Relu", {"conv"});
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"y"}, kLayoutPasses);
  CHECK(count_ops(r.graph, "Transpose") == 0);
  CHECK(r.report.total("transposes_sunk") >= 3);
  // The per-channel constants now broadcast along the last (channel) axis.
  const Node* mul = nullptr;
  for (const Node* n : r.graph.nodes())
    if (n->op == "Mul") mul = n;
  REQUIRE(mul != nullptr);
  CHECK(mul->inputs[0] == "x");
  CHECK(r.graph.at(mul->inputs[1]).attr_tensor("value").shape() == Shape{4});
  // The Pad folded into the conv: it padded H by (1, 2) and W by (2, 1).
  CHECK(count_ops(r.graph, "Pad") == 0);
  CHECK(r.graph.at("conv").attr_ints("explicit_paddings") == std::vector<int64_t>{0, 0, 1, 2, 2, 1, 0, 0});
  check_same_numbers(b.g, r.graph, {"x"}, {"y"});
}

TEST_CASE("sink_transposes: residual Add of two transposed branches, ConcatV2 on channels, NCHW BiasAdd") {
  GraphBuilder b;
  b.placeholder("a", {1, 3, 4, 5});
  b.placeholder("c", {1, 3, 4, 5});
  transpose(b, "ta", "a", {0, 3, 1, 2});
  transpose(b, "tc", "c", {0, 3, 1, 2});
  b.op("sum", "AddV2", {"ta", "tc"});
  b.floats("bias", varied_values(5, 0.5f), Shape{5});
  b.op("biased", "BiasAdd", {"sum", "bias"}, {{"data_format", std::string("NCHW")}});
  b.op("sig", "Sigmoid", {"biased"});
  transpose(b, "tb", "a", {0, 3, 1, 2});
  b.ints("axis", {1});
  b.g.at("axis").attrs["value"] = Tensor::scalar<int32_t>(1);
  b.op("cat", "ConcatV2", {"sig", "tb", "axis"}, {{"N", int64_t{2}}, {"Tidx", DType::Int32}});
  transpose(b, "out", "cat", {0, 2, 3, 1});
  const OptimizeResult r = optimize_with(b.g, {"a", "c"}, {"out"}, kLayoutPasses);
  CHECK(count_ops(r.graph, "Transpose") == 0);
  const Node* cat = nullptr;
  for (const Node* n : r.graph.nodes())
    if (n->op == "ConcatV2") cat = n;
  REQUIRE(cat != nullptr);
  CHECK(r.graph.at(cat->inputs[2]).attr_tensor("value").as_int64(0) == 3);
  check_same_numbers(b.g, r.graph, {"a", "c"}, {"out"});
}

TEST_CASE("sink_transposes: shared or fetched Transposes and unknown operands stay (must not fire)") {
  GraphBuilder b;
  b.placeholder("x", {1, 3, 4, 5});
  b.placeholder("other", {1, 5, 3, 4});
  transpose(b, "shared", "x", {0, 3, 1, 2});
  b.op("r1", "Relu", {"shared"});
  b.op("r2", "Tanh", {"shared"});
  transpose(b, "t", "x", {0, 3, 1, 2});
  b.op("plus", "AddV2", {"t", "other"});  // a non-constant, untransposed operand
  transpose(b, "fetched", "x", {0, 3, 1, 2});
  b.op("r3", "Relu", {"fetched"});
  transpose(b, "before_reshape", "x", {0, 3, 1, 2});
  b.ints("shape", {1, 60});
  b.op("flat", "Reshape", {"before_reshape", "shape"}, {{"Tshape", DType::Int32}});
  const std::vector<std::string> outs = {"r1", "r2", "plus", "fetched", "r3", "flat"};
  const OptimizeResult r = optimize_with(b.g, {"x", "other"}, outs, kLayoutPasses);
  CHECK(r.report.total("transposes_sunk") == 0);
  CHECK(count_ops(r.graph, "Transpose") == 4);
  check_same_numbers(b.g, r.graph, {"x", "other"}, outs);
}

TEST_CASE("hoist_transpose_above_pad: NCHW input -> Pad -> Transpose -> Conv2D: the Pad folds into the conv") {
  GraphBuilder b;
  b.placeholder("x", {1, 3, 9, 8});
  b.constant("pads", Tensor::from_vector<int32_t>({0, 0, 0, 0, 1, 1, 0, 2}, Shape{4, 2}));
  b.op("pad", "Pad", {"x", "pads"}, {{"Tpaddings", DType::Int32}});
  transpose(b, "to_nhwc", "pad", {0, 2, 3, 1});
  b.floats("w", varied_values(3 * 3 * 3 * 4, 0.1f), Shape{3, 3, 3, 4});
  b.op("conv", "Conv2D", {"to_nhwc", "w"}, conv2d_attrs("VALID", 2));
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"conv"}, kLayoutPasses);
  CHECK(r.report.total("transposes_hoisted_above_pad") == 1);
  CHECK(count_ops(r.graph, "Pad") == 0);
  CHECK(count_ops(r.graph, "Transpose") == 1);
  CHECK(r.graph.at("conv").attr_ints("explicit_paddings") == std::vector<int64_t>{0, 0, 1, 1, 0, 2, 0, 0});
  check_same_numbers(b.g, r.graph, {"x"}, {"conv"});
}

TEST_CASE("hoist_transpose_above_pad: a Transpose also read by a non-convolution stays below its Pad (must not fire)") {
  GraphBuilder b;
  b.placeholder("x", {1, 3, 6, 6});
  b.constant("pads", Tensor::from_vector<int32_t>({0, 0, 0, 0, 1, 1, 1, 1}, Shape{4, 2}));
  b.op("pad", "Pad", {"x", "pads"}, {{"Tpaddings", DType::Int32}});
  transpose(b, "to_nhwc", "pad", {0, 2, 3, 1});
  b.floats("w", varied_values(3 * 3 * 3 * 2, 0.1f), Shape{3, 3, 3, 2});
  b.op("conv", "Conv2D", {"to_nhwc", "w"}, conv2d_attrs("VALID"));
  b.op("relu", "Relu", {"to_nhwc"});
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"conv", "relu"}, kLayoutPasses);
  CHECK(r.report.total("transposes_hoisted_above_pad") == 0);
  CHECK(count_ops(r.graph, "Pad") == 1);
  check_same_numbers(b.g, r.graph, {"x"}, {"conv", "relu"});
}

TEST_CASE("nchw_to_nhwc: NCHW Conv2D -> MaxPool -> Conv2D runs in NHWC with Transposes only at the ends") {
  GraphBuilder b;
  b.placeholder("x", {1, 3, 9, 10});
  b.floats("w1", varied_values(3 * 3 * 3 * 4, 0.1f), Shape{3, 3, 3, 4});
  std::map<std::string, AttrValue> explicit_conv = conv2d_attrs_strided({1, 1, 2, 1}, "EXPLICIT", "NCHW");
  explicit_conv["explicit_paddings"] = std::vector<int64_t>{0, 0, 0, 0, 1, 0, 2, 1};
  b.op("conv1", "Conv2D", {"x", "w1"}, explicit_conv);
  b.op("pool", "MaxPool", {"conv1"},
       {{"ksize", std::vector<int64_t>{1, 1, 2, 2}}, {"strides", std::vector<int64_t>{1, 1, 2, 2}},
        {"padding", std::string("VALID")}, {"data_format", std::string("NCHW")}});
  b.floats("w2", varied_values(1 * 1 * 4 * 2, 0.3f), Shape{1, 1, 4, 2});
  b.op("conv2", "Conv2D", {"pool", "w2"}, conv2d_attrs("VALID", 1, "NCHW"));
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"conv2"}, kLayoutPasses);
  CHECK(r.report.total("nchw_ops_to_nhwc") == 3);
  CHECK(count_ops(r.graph, "Transpose") == 2);
  const Node& conv1 = r.graph.at("conv1/nhwc");
  CHECK(conv1.attr_string("data_format") == "NHWC");
  CHECK(conv1.attr_ints("strides") == std::vector<int64_t>{1, 2, 1, 1});
  CHECK(conv1.attr_ints("explicit_paddings") == std::vector<int64_t>{0, 0, 1, 0, 2, 1, 0, 0});
  CHECK(r.graph.at("conv2").op == "Transpose");
  check_same_numbers(b.g, r.graph, {"x"}, {"conv2"});
}

TEST_CASE("nchw_to_nhwc: NHWC convs and a fused residual Add in NCHW are left alone (must not fire)") {
  GraphBuilder b;
  b.placeholder("x", {1, 6, 6, 2});
  b.floats("w", varied_values(3 * 3 * 2 * 2, 0.1f), Shape{3, 3, 2, 2});
  b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs());
  b.placeholder("n", {1, 2, 6, 6});
  b.floats("bias", varied_values(2, 0.5f), Shape{2});
  std::map<std::string, AttrValue> fused = conv2d_attrs("SAME", 1, "NCHW");
  fused["fused_ops"] = std::vector<std::string>{"BiasAdd", "Add"};
  fused["num_args"] = int64_t{2};
  b.op("fused", "_FusedConv2D", {"n", "w", "bias", "n"}, fused);
  const OptimizeResult r = optimize_with(b.g, {"x", "n"}, {"conv", "fused"}, kLayoutPasses);
  CHECK(r.report.total("nchw_ops_to_nhwc") == 0);
  CHECK(count_ops(r.graph, "Transpose") == 0);
}

TEST_CASE("trivial_split_concat: Split into one and ConcatV2 of one vanish; a real Split stays (must not fire)") {
  GraphBuilder b;
  b.placeholder("x", {2, 3, 4});
  b.ints("axis", {0});
  b.g.at("axis").attrs["value"] = Tensor::scalar<int32_t>(2);
  b.op("one", "Split", {"axis", "x"}, {{"num_split", int64_t{1}}});
  b.op("r", "Relu", {"one"});
  b.op("cat", "ConcatV2", {"r", "axis"}, {{"N", int64_t{1}}, {"Tidx", DType::Int32}});
  b.op("two", "Split", {"axis", "x"}, {{"num_split", int64_t{2}}});
  b.op("s", "Sub", {"two:1", "two"});
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"cat", "s"}, kLayoutPasses);
  CHECK(r.report.total("trivial_split_concat_removed") == 2);
  CHECK(r.graph.at("r").inputs[0] == "x");
  CHECK(r.graph.at("two").op == "Split");
  check_same_numbers(b.g, r.graph, {"x"}, {"cat", "s"});
}

namespace {

// x -> Pad -> SpaceToBatchND(block 2, pads) -> `op` (VALID) -> BatchToSpaceND(crops) named "y".
GraphBuilder atrous(const std::string& op, std::vector<int32_t> pads, std::vector<int32_t> crops,
                    std::vector<int64_t> strides = {1, 1, 1, 1}) {
  GraphBuilder b;
  b.placeholder("x", {1, 9, 11, 3});
  b.constant("zero_pads", Tensor::from_vector<int32_t>({0, 0, 2, 2, 2, 2, 0, 0}, Shape{4, 2}));
  b.op("pad", "Pad", {"x", "zero_pads"}, {{"Tpaddings", DType::Int32}});
  b.ints("block", {2, 2});
  b.constant("pads", Tensor::from_vector<int32_t>(pads, Shape{2, 2}));
  b.op("s2b", "SpaceToBatchND", {"pad", "block", "pads"}, {{"Tblock_shape", DType::Int32}, {"Tpaddings", DType::Int32}});
  const int64_t out = op == "Conv2D" ? 4 : 2;
  b.floats("w", varied_values(3 * 3 * 3 * out, 0.1f, 0.03f), Shape{3, 3, 3, out});
  b.op("conv", op, {"s2b", "w"}, conv2d_attrs_strided(strides, "VALID"));
  b.constant("crops", Tensor::from_vector<int32_t>(crops, Shape{2, 2}));
  b.op("y", "BatchToSpaceND", {"conv", "block", "crops"}, {{"Tblock_shape", DType::Int32}, {"Tcrops", DType::Int32}});
  return b;
}

}  // namespace

TEST_CASE("fold_space_to_batch_conv: SpaceToBatchND -> conv -> BatchToSpaceND is one dilated conv, Pad folded") {
  for (const std::string op : {"Conv2D", "DepthwiseConv2dNative"}) {
    CAPTURE(op);
    GraphBuilder b = atrous(op, {0, 1, 0, 1}, {0, 1, 0, 0});
    OptimizeOptions o;
    o.inputs = {"x"};
    o.outputs = {"y"};
    o.passes = {"remove_unused", "fold_space_to_batch_conv", "fold_pad_into_conv"};
    o.runtime_fusions = true;  // the depthwise form takes the Pad only on Frost's runtime
    const OptimizeResult r = optimize_graph(b.g, o);
    CHECK(r.report.total("space_to_batch_convs_dilated") == 1);
    const Node& y = r.graph.at("y");
    CHECK(y.op == op);
    CHECK(y.inputs[0] == "x");
    CHECK(y.attr_ints("dilations") == std::vector<int64_t>{1, 2, 2, 1});
    CHECK(y.attr_ints("explicit_paddings") == std::vector<int64_t>{0, 0, 2, 2, 2, 3, 0, 0});
    CHECK(count_ops(r.graph, "SpaceToBatchND") == 0);
    CHECK(count_ops(r.graph, "Pad") == 0);
    check_same_numbers(b.g, r.graph, {"x"}, {"y"});
  }
}

TEST_CASE("fold_space_to_batch_conv: crops beyond the padding, a strided conv stay (must not fire)") {
  const std::vector<std::string> passes = {"remove_unused", "fold_space_to_batch_conv"};
  GraphBuilder cropped = atrous("Conv2D", {0, 1, 0, 1}, {1, 0, 0, 0});
  const OptimizeResult r = optimize_with(cropped.g, {"x"}, {"y"}, passes);
  CHECK(r.report.total("space_to_batch_convs_dilated") == 0);
  check_same_numbers(cropped.g, r.graph, {"x"}, {"y"});
  GraphBuilder strided = atrous("Conv2D", {0, 1, 0, 1}, {0, 0, 0, 0}, {1, 2, 2, 1});
  CHECK(optimize_with(strided.g, {"x"}, {"y"}, passes).report.total("space_to_batch_convs_dilated") == 0);
}

namespace {

// x -> Transpose(perm) -> Reshape(shape) -> MatMul(w): an onnx-tf Flatten of
// an NCHW tensor before its Gemm, once the convolutions run in NHWC.
void flatten_dense(GraphBuilder& b, PartialShape x_shape, std::vector<int32_t> perm, std::vector<int32_t> shape,
                   int64_t k, bool const_weights = true) {
  b.placeholder("x", x_shape);
  transpose(b, "to_nchw", "x", perm);
  b.ints("shape", shape);
  b.op("flatten", "Reshape", {"to_nchw", "shape"}, {{"Tshape", DType::Int32}});
  if (const_weights) b.floats("w", varied_values(k * 7, 0.1f), Shape{k, 7});
  else b.placeholder("w", {k, 7});
  b.op("dense", "MatMul", {"flatten", "w"}, {{"transpose_a", false}, {"transpose_b", false}});
}

}  // namespace

TEST_CASE("fold_transpose_into_matmul: an NCHW Flatten before a Dense loses its Transpose (known and unknown batch)") {
  for (const PartialShape& x_shape : {PartialShape{2, 3, 4, 5}, PartialShape{-1, 3, 4, 5}}) {
    CAPTURE(x_shape.to_string());
    GraphBuilder b;
    flatten_dense(b, x_shape, {0, 3, 1, 2}, {-1, 60}, 60);
    const OptimizeResult r = optimize_with(b.g, {"x"}, {"dense"}, {"remove_unused", "fold_transpose_into_matmul"});
    CHECK(count_ops(r.graph, "Transpose") == 0);
    CHECK(r.report.total("transposes_folded_into_matmul") == 1);
    check_same_numbers(b.g, r.graph, {"x"}, {"dense"});
  }
  // Rank 3 with another permutation.
  GraphBuilder b;
  flatten_dense(b, {3, 4, 5}, {0, 2, 1}, {3, 20}, 20);
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"dense"}, {"remove_unused", "fold_transpose_into_matmul"});
  CHECK(count_ops(r.graph, "Transpose") == 0);
  check_same_numbers(b.g, r.graph, {"x"}, {"dense"});
}

TEST_CASE("fold_transpose_into_matmul: batch moved, partial flatten, computed weights, fetched Reshape (must not fire)") {
  const auto unchanged = [](const GraphBuilder& b, std::vector<std::string> inputs, std::vector<std::string> outputs) {
    const OptimizeResult r = optimize_with(b.g, inputs, outputs, {"remove_unused", "fold_transpose_into_matmul"});
    CHECK(count_ops(r.graph, "Transpose") == 1);
    CHECK(r.report.total("transposes_folded_into_matmul") == 0);
    check_same_numbers(b.g, r.graph, inputs, outputs);
  };
  GraphBuilder moved_batch;  // rows would mix batch elements
  flatten_dense(moved_batch, {2, 3, 4, 5}, {1, 0, 2, 3}, {3, 40}, 40);
  unchanged(moved_batch, {"x"}, {"dense"});
  GraphBuilder partial;  // [2,5,3,4] -> [10,12]: the batch is not kept
  flatten_dense(partial, {2, 3, 4, 5}, {0, 3, 1, 2}, {10, 12}, 12);
  unchanged(partial, {"x"}, {"dense"});
  GraphBuilder computed;  // weights fed at run time cannot be permuted once
  flatten_dense(computed, {2, 3, 4, 5}, {0, 3, 1, 2}, {2, 60}, 60, false);
  unchanged(computed, {"x", "w"}, {"dense"});
  GraphBuilder fetched;  // the flattened tensor itself is an output
  flatten_dense(fetched, {2, 3, 4, 5}, {0, 3, 1, 2}, {2, 60}, 60);
  unchanged(fetched, {"x"}, {"dense", "flatten"});
}

namespace {

// x (NHWC) -> Transpose to NCHW -> reduction over `axes`: an onnx-tf global
// average pool once the convolutions run in NHWC.
void reduce_transposed(GraphBuilder& b, const std::string& op, std::vector<int32_t> perm, std::vector<int32_t> axes,
                       bool keep_dims) {
  b.placeholder("x", {2, 3, 4, 5});
  transpose(b, "to_nchw", "x", perm);
  b.ints("axes", axes);
  b.op("pool", op, {"to_nchw", "axes"}, {{"keep_dims", keep_dims}, {"Tidx", DType::Int32}});
}

}  // namespace

TEST_CASE("fold_transpose_into_reduction: NCHW Mean/Max over H,W reads the NHWC tensor over axes 1,2") {
  for (const char* op : {"Mean", "Max", "Sum"}) {
    CAPTURE(op);
    GraphBuilder b;
    reduce_transposed(b, op, {0, 3, 1, 2}, {2, -1}, false);
    const OptimizeResult r = optimize_with(b.g, {"x"}, {"pool"}, {"remove_unused", "fold_transpose_into_reduction"});
    CHECK(count_ops(r.graph, "Transpose") == 0);
    CHECK(r.report.total("transposes_folded_into_reduction") == 1);
    const Node& pool = r.graph.at("pool");
    CHECK(r.graph.at(pool.inputs[1]).attr_tensor("value").to_int64_vector() == std::vector<int64_t>{1, 2});
    check_same_numbers(b.g, r.graph, {"x"}, {"pool"});
  }
}

TEST_CASE("fold_transpose_into_reduction: keep_dims, or kept dims reordered by the perm (must not fire)") {
  for (const bool keep_dims : {true, false}) {
    CAPTURE(keep_dims);
    GraphBuilder b;
    // keep_dims: [N,C,1,1] is not Mean(x)'s [N,1,1,C]; without it, reducing
    // only H keeps (C, W) = x's dims (3, 2): reordered.
    reduce_transposed(b, "Mean", {0, 3, 1, 2}, keep_dims ? std::vector<int32_t>{2, 3} : std::vector<int32_t>{2}, keep_dims);
    const OptimizeResult r = optimize_with(b.g, {"x"}, {"pool"}, {"remove_unused", "fold_transpose_into_reduction"});
    CHECK(count_ops(r.graph, "Transpose") == 1);
    CHECK(r.report.total("transposes_folded_into_reduction") == 0);
    check_same_numbers(b.g, r.graph, {"x"}, {"pool"});
  }
}
