// The FPGA backend end to end on a small graph: DPU chains stay exactly on
// their fix-point grids, and the int8 result stays close to float inference.
#include <doctest/doctest.h>

#include <cmath>

#include "fpga_test_util.h"
#include "freeze/pass_driver.h"
#include "runtime/fpga/fpga_backend.h"
#include "runtime/session.h"

using namespace frost;
using namespace frost::testing;

namespace {

// conv+bias+relu -> maxpool -> conv+bias+relu6 -> avgpool -> reshape -> fc+bias,
// optimised as Frost runs it (so the contractions are _Fused* nodes).
Graph small_cnn(std::mt19937& rng) {
  GraphBuilder b;
  const std::string x = b.placeholder("x", PartialShape{-1, 8, 8, 3});
  std::string t = conv(b, "conv1", x, 3, 3, 8, rng);
  t = b.op("bias1", "BiasAdd", {t, b.constant("b1", random_tensor(Shape{8}, rng, 0.1f))});
  t = b.op("relu1", "Relu", {t});
  t = b.op("pool1", "MaxPool", {t},
           {{"ksize", std::vector<int64_t>{1, 2, 2, 1}},
            {"strides", std::vector<int64_t>{1, 2, 2, 1}},
            {"padding", "VALID"}});
  t = conv(b, "conv2", t, 3, 8, 8, rng);
  t = b.op("bias2", "BiasAdd", {t, b.constant("b2", random_tensor(Shape{8}, rng, 0.1f))});
  t = b.op("relu2", "Relu6", {t});
  t = b.op("pool2", "AvgPool", {t},
           {{"ksize", std::vector<int64_t>{1, 2, 2, 1}},
            {"strides", std::vector<int64_t>{1, 2, 2, 1}},
            {"padding", "VALID"}});
  t = b.op("flat", "Reshape", {t, b.ints("shape", {-1, 32})}, {{"Tshape", DType::Int32}});
  t = b.op("fc", "MatMul", {t, b.constant("wfc", random_tensor(Shape{32, 5}, rng, 0.3f))});
  t = b.op("logits", "BiasAdd", {t, b.constant("bfc", random_tensor(Shape{5}, rng, 0.1f))});
  OptimizeOptions o;
  o.outputs = {"logits"};
  o.runtime_fusions = true;
  return optimize_for_inference(b.g, o);
}

FeedMap random_feed(std::mt19937& rng, int64_t batch) {
  std::uniform_real_distribution<float> d(0.0f, 1.0f);
  Tensor x(DType::Float, Shape{batch, 8, 8, 3});
  for (int64_t i = 0; i < x.num_elements(); ++i) x.data<float>()[i] = d(rng);
  return {{TensorId::parse("x"), x}};
}

}  // namespace

TEST_CASE("fpga emulator: DPU tensors are exact fix-point values; int8 close to float") {
  const unsigned seed = 99;
  MESSAGE("seed " << seed);
  std::mt19937 rng(seed);
  const Graph g = small_cnn(rng);
  const std::vector<TensorId> out = {TensorId::parse("logits")};
  auto plan = std::make_shared<fpga::FpgaBackend>(g, fpga::default_dpu_arch(), out);
  const fpga::Partition& p = plan->partition();
  REQUIRE(p.subgraphs.size() == 1);
  CHECK(p.dpu_mac_percent() == doctest::Approx(100.0));
  std::vector<FeedMap> calib;
  for (int i = 0; i < 4; ++i) calib.push_back(random_feed(rng, 8));
  plan->calibrate(calib);

  // Every DPU node writes q * 2^-fp with q an int8.
  int checked = 0;
  RunOptions options;
  options.on_node = [&](const Node& n, const std::vector<Tensor>& outs) {
    if (!p.on_dpu(n.name)) return;
    const int fp = plan->activation_fix_positions().at(TensorId{n.name, 0, false});
    for (int64_t i = 0; i < outs[0].num_elements(); ++i) {
      const double q = std::ldexp(double(outs[0].data<float>()[i]), fp);
      if (q != std::floor(q) || q < -128 || q > 127) FAIL(n.name << "[" << i << "] = " << q << " * 2^-" << fp);
    }
    ++checked;
  };
  const FeedMap test = random_feed(rng, 16);
  Session model(g);
  model.set_fpga(plan);
  const Tensor q = model.run(test, out, Backend::Fpga, options)[0];
  CHECK(checked == static_cast<int>(p.nodes.size()));
  const Tensor f = model.run(test, out, Backend::Cpu)[0];
  REQUIRE(q.shape() == f.shape());
  double err = 0, scale = 0;
  for (int64_t i = 0; i < f.num_elements(); ++i) {
    err = std::max(err, std::fabs(double(q.data<float>()[i]) - f.data<float>()[i]));
    scale = std::max(scale, std::fabs(double(f.data<float>()[i])));
  }
  MESSAGE("int8 vs float: max error " << err << " of max |float| " << scale);
  CHECK(err <= 0.1 * scale);
}

TEST_CASE("fpga emulator: running before calibration is an error") {
  std::mt19937 rng(5);
  const Graph g = small_cnn(rng);
  Session model(g);
  CHECK_THROWS_WITH_AS(model.run(random_feed(rng, 1), {TensorId::parse("logits")}, Backend::Fpga),
                       doctest::Contains("calibrated plan"), Error);
  fpga::FpgaBackend plan(g, fpga::default_dpu_arch(), {TensorId::parse("logits")});
  CHECK_THROWS_AS(plan.run(random_feed(rng, 1), {TensorId::parse("logits")}), Error);
}
