// fuse_swish: Mul(x, Sigmoid(x)) -> _MklSwish(x), and through
// fuse_bias_activation into the producing contraction's epilogue. Numbers
// before/after on the reference backend and on the CPU backend, structure,
// and the cases that must not fire.
#include <random>

#include "freeze/passes.h"
#include "freeze_test_util.h"
#include "runtime/ops/fused_elementwise.h"
#include "runtime/session.h"

using namespace frost;
using namespace frost::testing;

namespace {

// x -> op(x, w) + b -> "lin_out", 3 output channels / columns.
GraphBuilder contraction(const std::string& op) {
  GraphBuilder b;
  if (op == "MatMul") {
    b.placeholder("x", {2, 5});
    b.floats("w", varied_values(15, 0.3f), Shape{5, 3});
    b.op("lin", op, {"x", "w"}, {{"transpose_a", false}, {"transpose_b", false}});
  } else if (op == "Conv2D") {
    b.placeholder("x", {1, 5, 4, 2});
    b.floats("w", varied_values(3 * 3 * 2 * 3, 0.2f), Shape{3, 3, 2, 3});
    b.op("lin", op, {"x", "w"}, conv2d_attrs());
  } else {
    b.placeholder("x", {1, 5, 4, 3});
    b.floats("w", varied_values(3 * 3 * 3, 0.3f), Shape{3, 3, 3, 1});
    b.op("lin", op, {"x", "w"}, conv2d_attrs());
  }
  b.floats("b", {0.25f, -0.5f, 0.75f}, Shape{3});
  b.op("lin_out", "BiasAdd", {"lin", "b"}, {{"data_format", std::string("NHWC")}});
  return b;
}

// swish = Mul(v, Sigmoid(v)), the Sigmoid first when `sigmoid_first`.
void add_swish(GraphBuilder& b, const std::string& v, bool sigmoid_first, const std::string& name = "swish") {
  b.op(name + "_sig", "Sigmoid", {v});
  if (sigmoid_first)
    b.op(name, "Mul", {name + "_sig", v});
  else
    b.op(name, "Mul", {v, name + "_sig"});
}

// The optimised graph on the CPU backend against the original on the
// reference backend, on seeded inputs (the epilogue's vectorised swish).
void check_cpu_backend(const Graph& before, const Graph& after, const std::vector<std::string>& outputs) {
  const Session cpu(after), ref(before);
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> d(-6.0f, 6.0f);
  const PartialShape ps = before.at("x").attr("shape").shape();
  std::vector<int64_t> dims;
  for (int i = 0; i < ps.rank(); ++i) dims.push_back(ps.dim(i));
  Tensor in(DType::Float, Shape(dims));
  for (int64_t i = 0; i < in.num_elements(); ++i) in.data<float>()[i] = d(rng);
  const FeedMap feeds = {{TensorId::parse("x"), in}};
  const std::vector<Tensor> got = cpu.run(feeds, ids(outputs), Backend::Cpu);
  const std::vector<Tensor> want = ref.run(feeds, ids(outputs), Backend::Reference);
  for (size_t k = 0; k < outputs.size(); ++k) {
    CAPTURE(outputs[k]);
    REQUIRE(got[k].shape() == want[k].shape());
    double worst = 0, scale = 0;
    for (int64_t i = 0; i < want[k].num_elements(); ++i) {
      worst = std::max(worst, std::fabs(static_cast<double>(got[k].data<float>()[i]) - want[k].data<float>()[i]));
      scale = std::max(scale, std::fabs(static_cast<double>(want[k].data<float>()[i])));
    }
    MESSAGE(outputs[k] << " (" << cpu.implementation(outputs[k]) << "): cpu vs reference max abs error " << worst
                       << " of max " << scale);
    CHECK(cpu.implementation(outputs[k]).find("/reference") == std::string::npos);
    CHECK(worst <= 1e-5 * std::max(scale, 1.0));
  }
}

}  // namespace

TEST_CASE("fuse_swish: contraction + BiasAdd + x*sigmoid(x) -> one fused op with _MklSwish, either operand order") {
  for (const auto& [op, fused] : {std::pair{"Conv2D", "_FusedConv2D"},
                                  std::pair{"DepthwiseConv2dNative", "_FusedDepthwiseConv2dNative"},
                                  std::pair{"MatMul", "_FusedMatMul"}})
    for (bool sigmoid_first : {false, true}) {
      CAPTURE(op);
      CAPTURE(sigmoid_first);
      GraphBuilder b = contraction(op);
      add_swish(b, "lin_out", sigmoid_first);
      const OptimizeResult r = optimize_graph(b.g, cpu_backend_options({"swish"}));
      const Node& f = r.graph.at("swish");  // the fused node keeps the fetched name
      CHECK(f.op == fused);
      CHECK(f.inputs == std::vector<std::string>{"x", "w", "b"});
      CHECK(f.attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd", "_MklSwish"});
      CHECK(count_ops(r.graph, "Sigmoid") == 0);
      CHECK(r.report.total("swish_fused") == 1);
      check_same_numbers(b.g, r.graph, {"x"}, {"swish"});
      check_cpu_backend(b.g, r.graph, {"swish"});
    }
}

TEST_CASE("fuse_swish: Keras Conv2D (no bias) -> BatchNormalization -> swish ends as one _FusedConv2D") {
  GraphBuilder b;
  b.placeholder("x", {1, 6, 6, 3});
  b.floats("w", varied_values(3 * 3 * 3 * 4, 0.1f), Shape{3, 3, 3, 4});
  b.op("conv", "Conv2D", {"x", "w"}, conv2d_attrs());
  b.floats("gamma", {1.0f, 0.5f, 2.0f, 1.5f}, Shape{4});
  b.floats("beta", {0.1f, 0.0f, -0.2f, 0.3f}, Shape{4});
  b.floats("mean", {0.05f, -0.1f, 0.2f, 0.0f}, Shape{4});
  b.floats("var", {1.0f, 0.25f, 4.0f, 0.5f}, Shape{4});
  b.op("bn", "FusedBatchNormV3", {"conv", "gamma", "beta", "mean", "var"},
       {{"T", DType::Float}, {"U", DType::Float}, {"epsilon", 0.001f}, {"is_training", false}});
  // tf.nn.silu under a custom gradient freezes with IdentityN around it.
  b.op("ident", "IdentityN", {"bn"}, {{"T", std::vector<DType>{DType::Float}}});
  add_swish(b, "ident", false, "activation/mul_1");
  OptimizeOptions o = cpu_backend_options({"activation/mul_1"});
  o.verify = true;
  const OptimizeResult r = optimize_graph(b.g, o);
  CHECK(r.graph.size() == 4);  // x, folded weights, folded bias, the fused conv
  const Node& f = r.graph.at("activation/mul_1");
  CHECK(f.op == "_FusedConv2D");
  CHECK(f.attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd", "_MklSwish"});
  CHECK(r.report.total("bn_folded") == 1);
  CHECK(r.report.verification.passed);
  check_same_numbers(b.g, r.graph, {"x"}, {"activation/mul_1"});
  check_cpu_backend(b.g, r.graph, {"activation/mul_1"});
}

TEST_CASE("fuse_swish: a swish no contraction can take stays one op, and joins an element-wise chain") {
  GraphBuilder b;
  b.placeholder("x", {2, 3, 5});
  b.floats("t", {0.5f}, Shape{});
  b.op("shifted", "AddV2", {"x", "t"});
  add_swish(b, "shifted", true);
  // Standalone: the swish of a placeholder.
  add_swish(b, "x", false, "alone");
  const OptimizeResult r = optimize_graph(b.g, cpu_backend_options({"swish", "alone"}));
  CHECK(r.graph.at("alone").op == "_MklSwish");
  CHECK(r.graph.at("alone").inputs == std::vector<std::string>{"x"});
  CHECK(r.graph.at("swish").op == "_FusedElementwise");
  std::vector<std::string> steps;
  for (const ElementwiseStep& s : read_elementwise_steps(r.graph.at("swish"))) steps.push_back(s.op);
  CHECK(steps == std::vector<std::string>{"AddV2", "_MklSwish"});
  CHECK(r.report.total("swish_fused") == 2);
  check_same_numbers(b.g, r.graph, {"x"}, {"swish", "alone"});
  check_cpu_backend(b.g, r.graph, {"swish", "alone"});
}

TEST_CASE("fuse_swish: must not fire") {
  SUBCASE("x * sigmoid(y) with y != x") {
    GraphBuilder b = contraction("Conv2D");
    b.op("other", "Neg", {"lin_out"});
    b.op("sig", "Sigmoid", {"lin_out"});
    b.op("prod", "Mul", {"other", "sig"});
    const OptimizeResult r = optimize_graph(b.g, cpu_backend_options({"prod"}));
    CHECK(r.report.total("swish_fused") == 0);
    CHECK(r.graph.at("sig").op == "Sigmoid");
    CHECK(count_ops(r.graph, "_MklSwish") == 0);  // (Neg, Mul may become an element-wise chain)
    check_same_numbers(b.g, r.graph, {"x"}, {"prod"});
  }
  SUBCASE("the Sigmoid is fetched, or read by something else") {
    for (bool fetched : {true, false}) {
      GraphBuilder b = contraction("MatMul");
      add_swish(b, "lin_out", false);
      std::vector<std::string> outputs = {"swish"};
      if (fetched) {
        outputs.push_back("swish_sig");
      } else {
        b.op("also", "Neg", {"swish_sig"});
        outputs.push_back("also");
      }
      const OptimizeResult r = optimize_graph(b.g, cpu_backend_options(outputs));
      CHECK(r.report.total("swish_fused") == 0);
      CHECK(r.graph.find("swish_sig") != nullptr);
      check_same_numbers(b.g, r.graph, {"x"}, outputs);
    }
  }
  SUBCASE("the contraction's output is read elsewhere: the swish is one op, the conv keeps its bias only") {
    GraphBuilder b = contraction("Conv2D");
    add_swish(b, "lin_out", false);
    b.op("skip", "Neg", {"lin_out"});
    const OptimizeResult r = optimize_graph(b.g, cpu_backend_options({"swish", "skip"}));
    CHECK(r.graph.at("swish").op == "_MklSwish");
    CHECK(r.graph.at("lin_out").op == "_FusedConv2D");
    CHECK(r.graph.at("lin_out").attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd"});
    check_same_numbers(b.g, r.graph, {"x"}, {"swish", "skip"});
    check_cpu_backend(b.g, r.graph, {"swish", "skip"});
  }
  SUBCASE("for TensorFlow (no runtime fusions) or the FPGA backend (no CPU fusions)") {
    for (bool fpga : {false, true}) {
      GraphBuilder b = contraction("Conv2D");
      add_swish(b, "lin_out", false);
      OptimizeOptions o = cpu_backend_options({"swish"});
      o.runtime_fusions = fpga;
      o.cpu_fusions = !fpga;
      const OptimizeResult r = optimize_graph(b.g, o);
      CHECK(r.report.total("swish_fused") == 0);
      CHECK(r.graph.at("swish").op == "Mul");
      CHECK(r.graph.at("swish_sig").op == "Sigmoid");
      check_same_numbers(b.g, r.graph, {"x"}, {"swish"});
    }
  }
}
