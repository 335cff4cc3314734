// The CPU backend's lowerings of pooling, element-wise arithmetic,
// activations and softmax (runtime/impl_*.cc), op by op on small graphs
// built in code: the node must be lowered (CpuBackend::lowered_nodes) and the
// CPU backend's outputs must match the reference backend's on seeded random
// inputs. Nodes a lowering does not take (int32, NCHW) must still run, through
// the reference kernel.
#include <string>
#include <vector>

#include "../freeze/freeze_test_util.h"
#include "eltwise_test_util.h"
#include "graph/op_registry.h"
#include "runtime/compare.h"
#include "runtime/cpu_backend.h"
#include "runtime/session.h"

namespace frost {
namespace {

using testing::GraphBuilder;

Tensor random_tensor(std::mt19937_64& rng, const Shape& shape, DType dtype = DType::Float) {
  const std::vector<float> v = kernels::testing::random_floats(rng, shape.num_elements(), -3.0f, 3.0f);
  if (dtype == DType::Int32) {
    std::vector<int32_t> iv;
    for (float f : v) iv.push_back(static_cast<int32_t>(f * 10));
    return Tensor::from_vector(iv, shape);
  }
  return Tensor::from_vector(v, shape);
}

size_t lowered(const Graph& g) {
  CpuBackend cpu(g);
  for (const Node* n : g.nodes()) cpu.kernel_for(*n, *OpRegistry::global().find(n->op));
  return cpu.lowered_nodes();
}

// Runs `out` on both backends with random feeds for the placeholders.
void check_graph(const GraphBuilder& b, const std::vector<std::pair<std::string, Shape>>& feeds,
                 const std::string& out, size_t expect_lowered, uint64_t seed, DType dtype = DType::Float,
                 double rtol = 1e-6) {
  CAPTURE(out);
  std::mt19937_64 rng(kernels::testing::eltwise_seed() + seed);
  FeedMap map;
  for (const auto& [name, shape] : feeds) map[TensorId::parse(name)] = random_tensor(rng, shape, dtype);
  CHECK(lowered(b.g) == expect_lowered);
  const Session model(b.g);
  const std::vector<TensorId> fetch = {TensorId::parse(out)};
  const Tensor ref = model.run(map, fetch, Backend::Reference).at(0);
  const Tensor cpu = model.run(map, fetch, Backend::Cpu).at(0);
  const Comparison c = compare_tensors(cpu, ref);
  CHECK_MESSAGE(c.within(rtol, 0.0), c.to_string());
}

std::map<std::string, AttrValue> pool_attrs(int64_t k, int64_t s, const char* padding) {
  return {{"ksize", std::vector<int64_t>{1, k, k, 1}},
          {"strides", std::vector<int64_t>{1, s, s, 1}},
          {"padding", std::string(padding)}};
}

}  // namespace

TEST_CASE("cpu backend: MaxPool / AvgPool NHWC lowered and equal to the reference") {
  for (const char* op : {"MaxPool", "AvgPool"})
    for (const char* padding : {"SAME", "VALID"}) {
      GraphBuilder b;
      b.placeholder("x", PartialShape{2, 9, 11, 19});
      b.op("pool", op, {"x"}, pool_attrs(3, 2, padding));
      check_graph(b, {{"x", Shape{2, 9, 11, 19}}}, "pool", 1, 1);
    }
}

TEST_CASE("cpu backend: Mean over H and W (global average pooling) lowered and equal to the reference") {
  for (bool keep : {false, true})
    for (std::vector<int32_t> axes : {std::vector<int32_t>{1, 2}, std::vector<int32_t>{-2, -3}}) {
      GraphBuilder b;
      b.placeholder("x", PartialShape{2, 7, 5, 21});
      b.ints("axes", axes);
      b.op("mean", "Mean", {"x", "axes"}, {{"keep_dims", keep}, {"Tidx", DType::Int32}});
      check_graph(b, {{"x", Shape{2, 7, 5, 21}}}, "mean", 1, 3);
    }
  // Other (constant) axes: mean/spatial_pool declines when the node is
  // prepared; reduce/simd takes it.
  GraphBuilder b;
  b.placeholder("x", PartialShape{2, 7, 5, 21});
  b.ints("axes", {3});
  b.op("mean", "Mean", {"x", "axes"});
  check_graph(b, {{"x", Shape{2, 7, 5, 21}}}, "mean", 1, 4);
}

// reduce/simd: innermost axes (rows) and outermost axes (columns) on the SIMD
// kernels; an axis in the middle, an empty input and Prod through the
// reference; all equal to the reference backend (sums up to float rounding).
TEST_CASE("cpu backend: Sum / Mean / Max / Min over inner or outer axes equal to the reference") {
  const std::vector<std::vector<int32_t>> axes_list = {{3}, {-1}, {2, 3}, {0}, {0, 1, 2}, {0, 1, 2, 3}, {1}, {1, 2}};
  uint64_t seed = 50;
  for (const char* op : {"Sum", "Mean", "Max", "Min", "Prod"})
    for (const std::vector<int32_t>& axes : axes_list)
      for (bool keep : {false, true}) {
        CAPTURE(op);
        CAPTURE(keep);
        GraphBuilder b;
        b.placeholder("x", PartialShape{2, 7, 5, 37});
        b.ints("axes", axes);
        b.op("r", op, {"x", "axes"}, {{"keep_dims", keep}, {"Tidx", DType::Int32}});
        const size_t lowered_nodes = std::string(op) == "Prod" ? 0 : 1;
        check_graph(b, {{"x", Shape{2, 7, 5, 37}}}, "r", lowered_nodes, ++seed, DType::Float, 1e-5);
      }
  GraphBuilder b;
  b.placeholder("x", PartialShape{2, 0, 3});
  b.ints("axes", {2});
  b.op("r", "Sum", {"x", "axes"});
  check_graph(b, {{"x", Shape{2, 0, 3}}}, "r", 1, 99);
}

TEST_CASE("cpu backend: BiasAdd NHWC lowered and equal to the reference") {
  GraphBuilder b;
  b.placeholder("x", PartialShape{2, 3, 5, 19});
  b.placeholder("bias", PartialShape{19});
  b.op("y", "BiasAdd", {"x", "bias"});
  check_graph(b, {{"x", Shape{2, 3, 5, 19}}, {"bias", Shape{19}}}, "y", 1, 5);
}

TEST_CASE("cpu backend: NCHW pooling is not lowered and still runs") {
  GraphBuilder b;
  b.placeholder("x", PartialShape{1, 5, 6, 7});
  auto attrs = pool_attrs(2, 2, "VALID");
  attrs["ksize"] = std::vector<int64_t>{1, 1, 2, 2};
  attrs["strides"] = std::vector<int64_t>{1, 1, 2, 2};
  attrs["data_format"] = std::string("NCHW");
  b.op("pool", "MaxPool", {"x"}, attrs);
  check_graph(b, {{"x", Shape{1, 5, 6, 7}}}, "pool", 0, 2);
}

TEST_CASE("cpu backend: binary ops with broadcasting, per-channel scale and shift") {
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {Shape{2, 3, 4, 13}, Shape{2, 3, 4, 13}},  // same shape
      {Shape{2, 3, 4, 13}, Shape{}},             // scalar
      {Shape{2, 3, 4, 13}, Shape{13}},           // per channel
      {Shape{5, 1}, Shape{1, 7}},                // outer product
      {Shape{2, 1, 4, 1}, Shape{3, 1, 9}},       // general rank 4
  };
  uint64_t seed = 10;
  for (const char* op : {"Add", "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "SquaredDifference"})
    for (const auto& [xs, ys] : shapes) {
      GraphBuilder b;
      b.placeholder("x", PartialShape(xs));
      b.placeholder("y", PartialShape(ys));
      b.op("z", op, {"x", "y"});
      check_graph(b, {{"x", xs}, {"y", ys}}, "z", 1, ++seed);
    }
  // x·scale[c] + shift[c] with constants: what an unfolded BatchNorm leaves.
  GraphBuilder b;
  b.placeholder("x", PartialShape{1, 6, 6, 10});
  b.floats("scale", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, Shape{10});
  b.floats("shift", {-1, 0, 1, 2, -3, 4, 5, 0.5f, 6, 7}, Shape{10});
  b.op("scaled", "Mul", {"x", "scale"});
  b.op("out", "AddV2", {"scaled", "shift"});
  check_graph(b, {{"x", Shape{1, 6, 6, 10}}}, "out", 2, 30);
}

TEST_CASE("cpu backend: int32 Add is not lowered and still runs") {
  GraphBuilder b;
  b.placeholder("x", PartialShape{3, 5}, DType::Int32);
  b.placeholder("y", PartialShape{5}, DType::Int32);
  b.op("z", "Add", {"x", "y"}, {{"T", DType::Int32}});
  check_graph(b, {{"x", Shape{3, 5}}, {"y", Shape{5}}}, "z", 0, 31, DType::Int32);
}

TEST_CASE("cpu backend: activations, unary math and softmax lowered and equal to the reference") {
  uint64_t seed = 40;
  for (const char* op : {"Relu", "Relu6", "LeakyRelu", "Elu", "Sigmoid", "Tanh", "Selu", "Softplus", "Softmax",
                         "LogSoftmax", "Exp", "Abs", "Neg", "Square", "Rsqrt", "Reciprocal"}) {
    GraphBuilder b;
    b.placeholder("x", PartialShape{3, 4, 37});
    std::map<std::string, AttrValue> attrs;
    if (std::string(op) == "LeakyRelu") attrs["alpha"] = 0.1f;
    b.op("y", op, {"x"}, attrs);
    check_graph(b, {{"x", Shape{3, 4, 37}}}, "y", 1, ++seed);
  }
}

TEST_CASE("cpu backend: Transpose lowered for float and int32, equal to the reference") {
  for (const std::vector<int32_t>& perm :
       {std::vector<int32_t>{0, 2, 3, 1}, std::vector<int32_t>{0, 3, 1, 2}, std::vector<int32_t>{3, 1, 0, 2}})
    for (DType dtype : {DType::Float, DType::Int32}) {
      GraphBuilder b;
      b.placeholder("x", PartialShape{2, 9, 17, 5}, dtype);
      b.ints("perm", perm);
      b.op("t", "Transpose", {"x", "perm"}, {{"T", dtype}, {"Tperm", DType::Int32}});
      check_graph(b, {{"x", Shape{2, 9, 17, 5}}}, "t", 1, 20, dtype);
    }
}

TEST_CASE("cpu backend: grouped Conv2D (filter in-depth C / G) on the SIMD kernel, equal to the reference") {
  for (int64_t groups : {2, 3, 12}) {
    CAPTURE(groups);
    GraphBuilder b;
    b.placeholder("x", PartialShape{1, 10, 9, 12});
    const int64_t in = 12 / groups, out = 2 * groups;
    b.floats("w", testing::varied_values(3 * 3 * in * out, 0.1f, 0.01f), Shape{3, 3, in, out});
    b.op("conv", "Conv2D", {"x", "w"},
         {{"strides", std::vector<int64_t>{1, 2, 1, 1}}, {"padding", std::string("SAME")},
          {"data_format", std::string("NHWC")}, {"dilations", std::vector<int64_t>{1, 1, 1, 1}}});
    check_graph(b, {{"x", Shape{1, 10, 9, 12}}}, "conv", 1, 21);
  }
}

}  // namespace frost
