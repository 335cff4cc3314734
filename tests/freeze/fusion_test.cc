// Fusion of contraction + BiasAdd (+ activation) into TensorFlow's _Fused*
// ops, and the reference kernels of those ops.
#include "freeze/passes.h"
#include "freeze_test_util.h"
#include "runtime/executor.h"

using namespace frost;
using namespace frost::testing;

namespace {

std::vector<float> ramp(int64_t n, float scale, float offset = 0.0f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = offset + scale * static_cast<float>((i * 5) % 9 - 4);
  return v;
}

// x -> op(x, w) -> BiasAdd(b) -> activation (if any), named "act".
GraphBuilder contraction_chain(const std::string& op, const std::string& activation, float alpha = 0.2f) {
  GraphBuilder b;
  if (op == "MatMul") {
    b.placeholder("x", {2, 3});
    b.floats("w", ramp(12, 0.3f), Shape{3, 4});
    b.op("lin", op, {"x", "w"}, {{"transpose_a", false}, {"transpose_b", false}});
  } else {
    b.placeholder("x", {1, 4, 4, 2});
    b.floats("w", ramp(3 * 3 * 2 * 2, 0.2f), Shape{3, 3, 2, 2});
    b.op("lin", op, {"x", "w"}, conv2d_attrs());
  }
  // MatMul: 4 columns; Conv2D: 2 output channels; depthwise: 2 channels x 2.
  if (op == "Conv2D") b.floats("b", {0.25f, -0.5f}, Shape{2});
  else b.floats("b", {0.25f, -0.5f, 0.75f, -1.0f}, Shape{4});
  b.op("bias", "BiasAdd", {"lin", "b"}, {{"data_format", "NHWC"}});
  if (!activation.empty()) {
    std::map<std::string, AttrValue> attrs;
    if (activation == "LeakyRelu") attrs["alpha"] = alpha;
    b.op("act", activation, {"bias"}, attrs);
  }
  return b;
}

}  // namespace

TEST_CASE("fuse_bias_activation: Conv2D + BiasAdd + Relu -> _FusedConv2D named as the Relu") {
  GraphBuilder b = contraction_chain("Conv2D", "Relu");
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"act"});
  CHECK(r.graph.size() == 4);  // x, w, b, act
  const Node& f = r.graph.at("act");
  CHECK(f.op == "_FusedConv2D");
  CHECK(f.inputs == std::vector<std::string>{"x", "w", "b"});
  CHECK(f.attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd", "Relu"});
  CHECK(f.attr_int("num_args") == 1);
  CHECK(f.attr_string("padding") == "SAME");
  CHECK(f.attr_ints("strides") == std::vector<int64_t>{1, 1, 1, 1});
  CHECK(f.has_attr("epsilon"));
  CHECK(r.report.total("fusions") == 1);
  check_same_numbers(b.g, r.graph, {"x"}, {"act"});
}

TEST_CASE("fuse_bias_activation: every activation, each contraction") {
  struct Case {
    std::string op, act;
    std::string fused;
  };
  for (const Case& c : std::vector<Case>{{"Conv2D", "Relu6", "_FusedConv2D"},
                                         {"Conv2D", "Elu", "_FusedConv2D"},
                                         {"Conv2D", "LeakyRelu", "_FusedConv2D"},
                                         {"DepthwiseConv2dNative", "Relu6", "_FusedDepthwiseConv2dNative"},
                                         {"DepthwiseConv2dNative", "", "_FusedDepthwiseConv2dNative"},
                                         {"MatMul", "Relu", "_FusedMatMul"},
                                         {"MatMul", "LeakyRelu", "_FusedMatMul"},
                                         {"MatMul", "", "_FusedMatMul"},
                                         {"MatMul", "Sigmoid", "_FusedMatMul"},
                                         {"MatMul", "Tanh", "_FusedMatMul"},
                                         {"Conv2D", "Sigmoid", "_FusedConv2D"}}) {
    CAPTURE(c.op);
    CAPTURE(c.act);
    GraphBuilder b = contraction_chain(c.op, c.act, 0.3f);
    const std::string out = c.act.empty() ? "bias" : "act";
    OptimizeOptions o;
    o.inputs = {"x"};
    o.outputs = {out};
    o.runtime_fusions = c.act == "Sigmoid" || c.act == "Tanh" || c.op == "DepthwiseConv2dNative";
    const OptimizeResult r = optimize_graph(b.g, o);
    const Node& f = r.graph.at(out);
    CHECK(f.op == c.fused);
    // Attrs exactly as TensorFlow's op definitions take them, so it can load the graph.
    CHECK(f.attr_int("num_args") == 1);
    if (c.fused == "_FusedConv2D") CHECK(f.attr("TArgs").list_type() == std::vector<DType>{DType::Float});
    else CHECK_FALSE(f.has_attr("TArgs"));
    if (c.fused != "_FusedConv2D") CHECK_FALSE(f.has_attr("explicit_paddings"));
    std::vector<std::string> expected_ops = {"BiasAdd"};
    if (!c.act.empty()) expected_ops.push_back(c.act);
    CHECK(f.attr("fused_ops").list_s() == expected_ops);
    if (c.act == "LeakyRelu") CHECK(f.attr_float_or("leakyrelu_alpha", 0) == doctest::Approx(0.3f));
    CHECK(r.graph.find("lin") == nullptr);
    check_same_numbers(b.g, r.graph, {"x"}, {out});
  }
}

TEST_CASE("fuse_bias_activation: Sigmoid/Tanh are not fused for stock TF unless asked") {
  GraphBuilder b = contraction_chain("MatMul", "Sigmoid");
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"act"});
  CHECK(r.graph.at("act").op == "Sigmoid");
  CHECK(r.graph.at("bias").op == "_FusedMatMul");
  CHECK(r.graph.at("bias").attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd"});
  check_same_numbers(b.g, r.graph, {"x"}, {"act"});
}

TEST_CASE("fuse_bias_activation: conv -> FusedBatchNorm -> Relu ends as one _FusedConv2D named as the Relu") {
  GraphBuilder b;
  b.placeholder("x", {1, 5, 5, 3});
  b.floats("w", ramp(3 * 3 * 3 * 4, 0.1f), Shape{3, 3, 3, 4});
  b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs("VALID"));
  b.floats("gamma", {1.0f, 0.5f, 2.0f, 1.5f}, Shape{4});
  b.floats("beta", {0.1f, 0.0f, -0.2f, 0.3f}, Shape{4});
  b.floats("mean", {0.05f, -0.1f, 0.2f, 0.0f}, Shape{4});
  b.floats("var", {1.0f, 0.25f, 4.0f, 0.5f}, Shape{4});
  b.op("bn", "FusedBatchNormV3", {"conv", "gamma", "beta", "mean", "var"},
       {{"T", DType::Float}, {"U", DType::Float}, {"epsilon", 0.001f}, {"is_training", false}});
  b.op("id", "Identity", {"bn"});
  b.op("relu", "Relu", {"id"});
  OptimizeOptions o;
  o.inputs = {"x"};
  o.outputs = {"relu"};
  o.verify = true;
  const OptimizeResult r = optimize_graph(b.g, o);
  CHECK(r.graph.size() == 4);  // x, folded weights, folded bias, relu
  CHECK(r.graph.at("relu").op == "_FusedConv2D");
  CHECK(r.report.total("bn_folded") == 1);
  CHECK(r.report.total("fusions") == 1);
  CHECK(r.report.verification.passed);
  MESSAGE("conv+BN+relu report:\n" << r.report.to_string());
  check_same_numbers(b.g, r.graph, {"x"}, {"relu"});
}

TEST_CASE("fuse_bias_activation: fetched intermediates and shared outputs limit the fusion (must not fire)") {
  // The BiasAdd is fetched: the fusion stops there and keeps its name.
  GraphBuilder b = contraction_chain("MatMul", "Relu");
  const OptimizeResult r = optimize_with(b.g, {"x"}, {"act", "bias"});
  CHECK(r.graph.at("bias").op == "_FusedMatMul");
  CHECK(r.graph.at("bias").attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd"});
  CHECK(r.graph.at("act").op == "Relu");
  check_same_numbers(b.g, r.graph, {"x"}, {"act", "bias"});

  // The conv output is read twice: nothing fuses.
  GraphBuilder s = contraction_chain("MatMul", "Relu");
  s.op("other", "Neg", {"lin"});
  const OptimizeResult rs = optimize_with(s.g, {"x"}, {"act", "other"});
  CHECK(rs.graph.at("lin").op == "MatMul");
  CHECK(rs.graph.at("bias").op == "BiasAdd");
  CHECK(rs.report.total("fusions") == 0);
  check_same_numbers(s.g, rs.graph, {"x"}, {"act", "other"});
}

TEST_CASE("_Fused* reference kernels: FusedBatchNorm and residual Add forms, and bad num_args") {
  GraphBuilder b;
  b.placeholder("x", {1, 3, 3, 2});
  b.floats("w", ramp(2 * 2 * 2 * 2, 0.3f), Shape{2, 2, 2, 2});
  b.floats("scale", {1.0f, 2.0f}, Shape{2});
  b.floats("offset", {0.5f, -0.5f}, Shape{2});
  b.floats("mean", {0.1f, 0.2f}, Shape{2});
  b.floats("var", {1.0f, 0.5f}, Shape{2});
  std::map<std::string, AttrValue> attrs = conv2d_attrs();
  attrs["fused_ops"] = std::vector<std::string>{"FusedBatchNorm", "Relu"};
  attrs["num_args"] = int64_t{4};
  attrs["epsilon"] = 0.01f;
  b.op("fused", "_FusedConv2D", {"x", "w", "scale", "offset", "mean", "var"}, attrs);
  // The same, unfused.
  b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs());
  b.op("bn", "FusedBatchNorm", {"conv", "scale", "offset", "mean", "var"},
       {{"T", DType::Float}, {"epsilon", 0.01f}, {"is_training", false}});
  b.op("relu", "Relu", {"bn"});
  // BiasAdd + residual Add + Relu.
  b.floats("bias", {0.1f, -0.1f}, Shape{2});
  std::map<std::string, AttrValue> res = conv2d_attrs();
  res["fused_ops"] = std::vector<std::string>{"BiasAdd", "Add", "Relu"};
  res["num_args"] = int64_t{2};
  b.op("fused_res", "_FusedConv2D", {"x", "w", "bias", "x"}, res);
  b.op("conv_b", "BiasAdd", {"conv", "bias"});
  b.op("sum", "AddV2", {"conv_b", "x"});
  b.op("relu_res", "Relu", {"sum"});

  const Tensor x = Tensor::from_vector(ramp(18, 0.4f, 0.1f), Shape{1, 3, 3, 2});
  const FeedMap feeds = {{TensorId::parse("x"), x}};
  const auto out = run_reference(b.g, feeds, ids({"fused", "relu", "fused_res", "relu_res"}));
  for (int pair = 0; pair < 2; ++pair) {
    REQUIRE(out[2 * pair].shape() == out[2 * pair + 1].shape());
    for (int64_t i = 0; i < out[2 * pair].num_elements(); ++i)
      CHECK(out[2 * pair].data<float>()[i] == out[2 * pair + 1].data<float>()[i]);
  }

  GraphBuilder bad = b;
  bad.g.at("fused").attrs["num_args"] = int64_t{3};
  CHECK_THROWS_WITH_AS(run_reference(bad.g, feeds, ids({"fused"})), doctest::Contains("num_args"), Error);
  GraphBuilder unknown = b;
  unknown.g.at("fused").attrs["fused_ops"] = std::vector<std::string>{"FusedBatchNorm", "Gelu"};
  CHECK_THROWS_WITH_AS(run_reference(unknown.g, feeds, ids({"fused"})), doctest::Contains("Gelu"), Error);
}

TEST_CASE("fuse_residual_add: conv + bias + residual Add + Relu -> one _FusedConv2D (oneDNN form, when asked)") {
  GraphBuilder b;
  b.placeholder("x", {PartialShape::kUnknown, 4, 4, 2});
  b.floats("w", ramp(3 * 3 * 2 * 2, 0.2f), Shape{3, 3, 2, 2});
  b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs("SAME"));
  b.floats("b", {0.25f, -0.5f}, Shape{2});
  b.op("bias", "BiasAdd", {"conv", "b"}, {{"data_format", "NHWC"}});
  b.op("sum", "AddV2", {"x", "bias"});
  b.op("out", "Relu", {"sum"});
  // A broadcasting Add is not a residual.
  b.floats("shift", {1.0f, 2.0f}, Shape{2});
  b.op("conv2", "Conv2D", {"x", "w"}, conv2d_attrs("SAME"));
  b.op("bias2", "BiasAdd", {"conv2", "b"}, {{"data_format", "NHWC"}});
  b.op("sum2", "AddV2", {"bias2", "x"});
  b.op("scaled", "Mul", {"sum2", "shift"});

  OptimizeOptions o;
  o.inputs = {"x"};
  o.outputs = {"out", "scaled"};
  const OptimizeResult plain = optimize_graph(b.g, o);
  CHECK(plain.graph.at("out").op == "Relu");
  CHECK(plain.report.total("residual_adds_fused") == 0);

  o.runtime_fusions = true;
  const OptimizeResult r = optimize_graph(b.g, o);
  const Node& f = r.graph.at("out");
  CHECK(f.op == "_FusedConv2D");
  CHECK(f.attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd", "Add", "Relu"});
  CHECK(f.attr_int("num_args") == 2);
  CHECK(f.inputs == std::vector<std::string>{"x", "w", "b", "x"});
  CHECK(r.graph.find("sum") == nullptr);
  // sum2 is read only by the Mul, which is no activation: it fuses without one.
  CHECK(r.graph.at("sum2").op == "_FusedConv2D");
  CHECK(r.graph.at("sum2").attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd", "Add"});
  CHECK(r.report.total("residual_adds_fused") == 2);
  check_same_numbers(b.g, r.graph, {"x"}, {"out", "scaled"});

  // A residual of another shape (broadcast over the batch) is left alone.
  GraphBuilder bc;
  bc.placeholder("x", {2, 4, 4, 2});
  bc.floats("w", ramp(3 * 3 * 2 * 2, 0.2f), Shape{3, 3, 2, 2});
  bc.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs("SAME"));
  bc.floats("b", {0.25f, -0.5f}, Shape{2});
  bc.op("bias", "BiasAdd", {"conv", "b"}, {{"data_format", "NHWC"}});
  bc.floats("one_image", ramp(32, 0.1f), Shape{1, 4, 4, 2});
  bc.op("sum", "AddV2", {"bias", "one_image"});
  const OptimizeResult rb = optimize_graph(bc.g, [&] {
    OptimizeOptions ob;
    ob.inputs = {"x"};
    ob.outputs = {"sum"};
    ob.runtime_fusions = true;
    return ob;
  }());
  CHECK(rb.graph.at("sum").op == "AddV2");
  check_same_numbers(bc.g, rb.graph, {"x"}, {"sum"});
}

TEST_CASE("fusion: a depthwise convolution is fused only for Frost's runtime (stock TensorFlow lacks the kernel)") {
  GraphBuilder b = contraction_chain("DepthwiseConv2dNative", "Relu6", 0.3f);
  OptimizeOptions o;
  o.inputs = {"x"};
  o.outputs = {"act"};
  const OptimizeResult r = optimize_graph(b.g, o);
  CHECK(r.graph.at("act").op == "Relu6");
  CHECK(r.graph.find("lin") != nullptr);
  check_same_numbers(b.g, r.graph, {"x"}, {"act"});
}

namespace {

// x -> op(x, w) + b -> Relu -> (the BN after the activation, as fold_batch_norm
// leaves it) Mul(s) -> Add(t), named "bn".
GraphBuilder bn_after_activation(const std::string& op) {
  GraphBuilder b = contraction_chain(op, "Relu");
  const int64_t c = op == "Conv2D" ? 2 : 4;
  b.floats("s", ramp(c, 0.3f, 0.1f), Shape{c});
  b.floats("t", ramp(c, 0.5f, -0.2f), op == "MatMul" ? Shape{1, c} : Shape{1, 1, 1, c});
  b.op("scaled", "Mul", {"act", "s"});
  b.op("bn", "AddV2", {"scaled", "t"});
  return b;
}

}  // namespace

TEST_CASE("fuse_scale_after_activation: conv/depthwise/matmul + Relu + Mul + Add -> one fused op with Scale, Shift") {
  for (const std::string op : {"Conv2D", "DepthwiseConv2dNative", "MatMul"}) {
    CAPTURE(op);
    GraphBuilder b = bn_after_activation(op);
    const OptimizeResult r = optimize_graph(b.g, cpu_backend_options({"bn"}));
    const Node& f = r.graph.at("bn");
    CHECK(f.op == "_Fused" + op);
    CHECK(f.attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd", "Relu", "Scale", "Shift"});
    CHECK(f.attr_int("num_args") == 3);
    CHECK(r.graph.find("scaled") == nullptr);
    CHECK(r.graph.find("act") == nullptr);
    CHECK(r.report.total("scales_fused_after_activation") == 1);
    CHECK(r.report.total("shifts_fused_after_activation") == 1);
    check_same_numbers(b.g, r.graph, {"x"}, {"bn"});
  }
  // Sub, then another Mul: composed into one scale and shift.
  GraphBuilder b = contraction_chain("Conv2D", "Relu6");
  b.floats("t", {0.5f, -1.5f}, Shape{2});
  b.floats("c", {3.0f}, Shape{});
  b.op("shifted", "Sub", {"act", "t"});
  b.op("out", "Mul", {"c", "shifted"});
  const OptimizeResult r = optimize_graph(b.g, cpu_backend_options({"out"}));
  CHECK(r.graph.at("out").op == "_FusedConv2D");
  CHECK(r.graph.at("out").attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd", "Relu6", "Scale", "Shift"});
  check_same_numbers(b.g, r.graph, {"x"}, {"out"});
}

TEST_CASE("fuse_scale_after_activation: must not fire") {
  SUBCASE("for TensorFlow (no runtime fusions): the Mul and Add stay") {
    GraphBuilder b = bn_after_activation("Conv2D");
    OptimizeOptions o = cpu_backend_options({"bn"});
    o.runtime_fusions = false;
    const OptimizeResult r = optimize_graph(b.g, o);
    CHECK(r.graph.at("bn").op == "AddV2");
    CHECK(r.graph.at("scaled").op == "Mul");
    check_same_numbers(b.g, r.graph, {"x"}, {"bn"});
  }
  SUBCASE("the activation output is also fetched") {
    GraphBuilder b = bn_after_activation("Conv2D");
    const OptimizeResult r = optimize_graph(b.g, cpu_backend_options({"bn", "act"}));
    CHECK(r.graph.at("act").attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd", "Relu"});
    // The Mul and Add stay outside the convolution (as one element-wise chain).
    CHECK(r.graph.at("bn").op == "_FusedElementwise");
    CHECK(r.report.total("scales_fused_after_activation") == 0);
    check_same_numbers(b.g, r.graph, {"x"}, {"bn", "act"});
  }
  SUBCASE("the other operand is not per channel (a feature map, c - x, a per-row constant)") {
    GraphBuilder b = contraction_chain("Conv2D", "Relu");
    b.floats("map", ramp(32, 0.1f), Shape{1, 4, 4, 2});
    b.op("masked", "Mul", {"act", "map"});
    GraphBuilder b2 = contraction_chain("Conv2D", "Relu");
    b2.floats("t", {0.5f, -1.5f}, Shape{2});
    b2.op("masked", "Sub", {"t", "act"});
    GraphBuilder b3 = contraction_chain("Conv2D", "Relu");
    b3.floats("rows", ramp(4, 0.1f), Shape{1, 4, 1, 1});
    b3.op("masked", "Mul", {"act", "rows"});
    for (GraphBuilder* g : {&b, &b2, &b3}) {
      const OptimizeResult r = optimize_graph(g->g, cpu_backend_options({"masked"}));
      CHECK(r.report.total("scales_fused_after_activation") + r.report.total("shifts_fused_after_activation") == 0);
      CHECK(r.graph.at("act").op == "_FusedConv2D");
      check_same_numbers(g->g, r.graph, {"x"}, {"masked"});
    }
  }
  SUBCASE("no activation: the Mul folds into the weights instead (fold_mul_into_weights)") {
    GraphBuilder b = contraction_chain("Conv2D", "");
    b.floats("s", {2.0f, -1.0f}, Shape{2});
    b.op("out", "Mul", {"bias", "s"});
    const OptimizeResult r = optimize_graph(b.g, cpu_backend_options({"out"}));
    CHECK(r.report.total("scales_fused_after_activation") == 0);
    CHECK(r.graph.at("out").attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd"});
    check_same_numbers(b.g, r.graph, {"x"}, {"out"});
  }
}
