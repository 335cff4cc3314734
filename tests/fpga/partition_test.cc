// Partitioning small graphs built in code against the built-in DPU arch.
#include "runtime/fpga/partition.h"

#include <doctest/doctest.h>

#include "fpga_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {

fpga::Partition partition(const Graph& g, const std::string& output) {
  return fpga::partition_graph(g, fpga::default_dpu_arch(), {TensorId::parse(output)});
}

}  // namespace

TEST_CASE("fpga partition: a chain split by an unsupported op gives two DPU subgraphs") {
  std::mt19937 rng(1);
  GraphBuilder b;
  const std::string x = b.placeholder("x", PartialShape{-1, 8, 8, 4});
  std::string t = conv(b, "conv1", x, 3, 4, 8, rng);
  t = b.op("relu1", "Relu", {t});
  t = b.op("sig", "Sigmoid", {t});
  t = conv(b, "conv2", t, 3, 8, 8, rng);
  t = conv(b, "conv3", t, 1, 8, 4, rng);
  const fpga::Partition p = partition(b.g, t);
  REQUIRE(p.subgraphs.size() == 2);
  CHECK(p.subgraphs[0].nodes == std::vector<std::string>{"conv1", "relu1"});
  CHECK(p.subgraphs[1].nodes == std::vector<std::string>{"conv2", "conv3"});
  CHECK(p.subgraphs[0].outputs == std::vector<TensorId>{TensorId::parse("relu1")});
  CHECK(p.subgraphs[1].inputs == std::vector<TensorId>{TensorId::parse("sig")});
  CHECK_FALSE(p.on_dpu("sig"));
  CHECK(p.nodes.at("sig").reason.find("Sigmoid is not supported") != std::string::npos);
  // MACs: output elements (batch counted as 1) x taps x input channels.
  CHECK(p.nodes.at("conv1").macs == 8 * 8 * 8 * 9 * 4);
  CHECK(p.dpu_macs == p.total_macs);
  CHECK(p.subgraphs[0].param_bytes == 3 * 3 * 4 * 8);
}

TEST_CASE("fpga partition: a depthwise 7x7 falls back with its reason, 3x3 stays") {
  std::mt19937 rng(2);
  GraphBuilder b;
  const std::string x = b.placeholder("x", PartialShape{1, 16, 16, 8});
  std::string t = depthwise(b, "dw3", x, 3, 8, rng);
  t = depthwise(b, "dw7", t, 7, 8, rng);
  const fpga::Partition p = partition(b.g, t);
  CHECK(p.on_dpu("dw3"));
  CHECK_FALSE(p.on_dpu("dw7"));
  CHECK(p.nodes.at("dw7").reason.find("kernel 7x7") != std::string::npos);
  CHECK(p.subgraphs.size() == 1);
  CHECK(p.dpu_mac_percent() == doctest::Approx(100.0 * 9 / (9 + 49)));
}

TEST_CASE("fpga partition: limits, dtype, layout and fused activations give reasons") {
  std::mt19937 rng(3);
  GraphBuilder b;
  const std::string x = b.placeholder("x", PartialShape{1, 40, 40, 2});
  const std::string w = b.constant("w17", random_tensor(Shape{17, 17, 2, 2}, rng));
  const std::string big =
      b.op("big", "Conv2D", {x, w}, {{"strides", std::vector<int64_t>{1, 1, 1, 1}}, {"padding", "SAME"}});
  const std::string w2 = b.constant("w2", random_tensor(Shape{3, 3, 2, 2}, rng));
  const std::string strided =
      b.op("strided", "Conv2D", {big, w2}, {{"strides", std::vector<int64_t>{1, 5, 5, 1}}, {"padding", "SAME"}});
  const std::string bias = b.constant("bias", random_tensor(Shape{2}, rng));
  const std::string tanh = b.op("tanh_conv", "_FusedConv2D", {strided, w2, bias},
                                {{"strides", std::vector<int64_t>{1, 1, 1, 1}},
                                 {"padding", "SAME"},
                                 {"num_args", 1},
                                 {"fused_ops", std::vector<std::string>{"BiasAdd", "Tanh"}}});
  const std::string leaky = b.op("leaky", "LeakyRelu", {tanh}, {{"alpha", 0.2f}});
  const std::string leaky_ok = b.op("leaky_ok", "LeakyRelu", {leaky}, {{"alpha", 0.1f}});
  const std::string cast = b.op("cast", "Cast", {leaky_ok}, {{"SrcT", DType::Float}, {"DstT", DType::Int32}});
  const std::string neg = b.op("neg", "Neg", {cast}, {{"T", DType::Int32}});
  const fpga::Partition p = partition(b.g, neg);
  CHECK(p.nodes.at("big").reason.find("kernel height 17 outside") != std::string::npos);
  CHECK(p.nodes.at("strided").reason.find("stride 5 outside") != std::string::npos);
  CHECK(p.nodes.at("tanh_conv").reason.find("Tanh") != std::string::npos);
  CHECK(p.nodes.at("leaky").reason.find("alpha 0.2") != std::string::npos);
  CHECK(p.on_dpu("leaky_ok"));
  CHECK(p.nodes.at("neg").reason.find("not supported") != std::string::npos);
}

TEST_CASE("fpga partition: a path through the CPU splits a subgraph (no cycle)") {
  std::mt19937 rng(4);
  GraphBuilder b;
  const std::string x = b.placeholder("x", PartialShape{1, 8, 8, 4});
  const std::string a = conv(b, "a", x, 3, 4, 4, rng);
  const std::string s = b.op("s", "Sigmoid", {a});
  const std::string sum = b.op("sum", "AddV2", {a, s});
  const std::string c = conv(b, "c", sum, 1, 4, 4, rng);
  const fpga::Partition p = partition(b.g, c);
  REQUIRE(p.on_dpu("sum"));
  CHECK(p.nodes.at("a").subgraph != p.nodes.at("sum").subgraph);
  CHECK(p.nodes.at("sum").subgraph == p.nodes.at("c").subgraph);
  CHECK(p.subgraphs.size() == 2);
}

TEST_CASE("fpga partition: weights reaching a loop body through Enter count as constants") {
  std::mt19937 rng(6);
  GraphBuilder b;
  const std::string x = b.placeholder("x", PartialShape{-1, 8});
  const std::string w = b.constant("w", random_tensor(Shape{8, 4}, rng));
  const std::string enter = b.op("w_enter", "Enter", {w}, {{"frame_name", "loop"}, {"is_constant", true}});
  const std::string fc = b.op("fc", "MatMul", {x, enter});
  const fpga::Partition p = partition(b.g, fc);
  CHECK(p.on_dpu("fc"));
  CHECK(p.nodes.at("fc").macs == 8 * 4);
  CHECK(p.nodes.at("fc").param_bytes == 8 * 4);
}
