// The CPU backend's lowering of Conv2DBackpropInput (the transposed
// convolution) against the reference backend on small graphs built in code:
// the node is lowered (float, NHWC), the numbers match, a non-constant filter
// is repacked when it changes, NCHW stays on the reference kernel, and bad
// input gives the reference kernel's error; the bundled U-Net's upsampling
// node is lowered (tests/models checks its numbers on the CPU backend).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "graph_test_util.h"
#include "io/graphdef_convert.h"
#include "runtime/compare.h"
#include "runtime/cpu_backend.h"
#include "runtime/executor.h"

using namespace frost;
using frost::testing::node;
using frost::testing::constant;
using frost::testing::placeholder;

namespace {

Tensor random_tensor(std::mt19937& rng, const Shape& shape) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  Tensor t(DType::Float, shape);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

// dy -> Conv2DBackpropInput(input_sizes, filter, dy) -> Floor, so the lowered
// node also feeds a reference kernel (the CPU backend lowers the activations
// and common element-wise math, not Floor).
// sizes == nullptr: input_sizes is fed (an int32 placeholder "sizes").
Graph deconv_graph(const Tensor* sizes, const Tensor* filter, std::vector<int64_t> strides, const std::string& padding,
                   const std::string& format = "NHWC") {
  Graph g;
  g.add(placeholder("dy"));
  g.add(filter != nullptr ? constant("filter", *filter) : placeholder("filter"));
  if (sizes != nullptr) {
    g.add(constant("sizes", *sizes));
  } else {
    Node p = node("sizes", "Placeholder");
    p.attrs["dtype"] = DType::Int32;
    g.add(p);
  }
  Node d = node("deconv", "Conv2DBackpropInput", {"sizes", "filter", "dy"});
  d.attrs["T"] = DType::Float;
  d.attrs["strides"] = std::move(strides);
  d.attrs["padding"] = padding;
  d.attrs["data_format"] = format;
  g.add(d);
  g.add(node("out", "Floor", {"deconv"}));
  return g;
}

Graph deconv_graph(const Tensor& sizes, const Tensor* filter, std::vector<int64_t> strides, const std::string& padding,
                   const std::string& format = "NHWC") {
  return deconv_graph(&sizes, filter, std::move(strides), padding, format);
}

struct CpuRun {
  std::vector<Tensor> outputs;
  size_t lowered = 0;
};

CpuRun run_cpu(const Graph& g, const FeedMap& feeds, int runs = 1) {
  CpuBackend cpu(g);
  CpuRun r;
  for (int i = 0; i < runs; ++i)
    r.outputs = run_graph(g, feeds, {TensorId::parse("out")},
                          [&](const Node& n, const OpDef& def) { return cpu.kernel_for(n, def); });
  r.lowered = cpu.lowered_nodes();
  return r;
}

void check_matches(const Tensor& got, const Tensor& want) {
  const Comparison c = compare_tensors(got, want);
  CHECK_MESSAGE(c.within(1e-5, 0.0), c.to_string());
}

}  // namespace

TEST_CASE("cpu backend: Conv2DBackpropInput is lowered and matches the reference backend") {
  const uint32_t seed = 20261122;
  MESSAGE("cpu_conv_transpose tests: seed " << seed);
  std::mt19937 rng(seed);
  struct Case {
    std::vector<int32_t> sizes;  // NHWC in_backprop
    Shape filter;                // HWIO of the forward convolution
    std::vector<int64_t> strides;
    std::string padding;
    Shape dy;
  };
  const Case cases[] = {
      {{2, 8, 8, 5}, Shape{3, 3, 5, 12}, {1, 2, 2, 1}, "SAME", Shape{2, 4, 4, 12}},
      {{1, 9, 7, 3}, Shape{3, 2, 3, 4}, {1, 2, 3, 1}, "VALID", Shape{1, 4, 2, 4}},
      {{1, 6, 6, 8}, Shape{1, 1, 8, 16}, {1, 1, 1, 1}, "VALID", Shape{1, 6, 6, 16}},  // the direct 1×1 path
      {{1, 10, 10, 4}, Shape{2, 2, 4, 6}, {1, 2, 2, 1}, "SAME", Shape{1, 5, 5, 6}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.filter.to_string());
    const Tensor sizes = Tensor::from_vector(c.sizes, Shape{4});
    const Tensor filter = random_tensor(rng, c.filter), dy = random_tensor(rng, c.dy);
    const Graph g = deconv_graph(sizes, &filter, c.strides, c.padding);
    const FeedMap feeds{{TensorId::parse("dy"), dy}};
    const std::vector<Tensor> want = run_reference(g, feeds, {TensorId::parse("out")});
    const CpuRun got = run_cpu(g, feeds, 2);  // the second run reuses the packed filter
    CHECK(got.lowered == 1);
    check_matches(got.outputs[0], want[0]);
  }
}

TEST_CASE("cpu backend: Conv2DBackpropInput with a fed filter is repacked when the filter changes") {
  std::mt19937 rng(7);
  const Tensor sizes = Tensor::from_vector<int32_t>({1, 7, 7, 6}, Shape{4});
  const Graph g = deconv_graph(sizes, nullptr, {1, 2, 2, 1}, "SAME");
  CpuBackend cpu(g);
  for (int i = 0; i < 2; ++i) {
    const FeedMap feeds{{TensorId::parse("dy"), random_tensor(rng, Shape{1, 4, 4, 9})},
                        {TensorId::parse("filter"), random_tensor(rng, Shape{3, 3, 6, 9})}};
    const std::vector<Tensor> want = run_reference(g, feeds, {TensorId::parse("out")});
    const std::vector<Tensor> got = run_graph(g, feeds, {TensorId::parse("out")},
                                              [&](const Node& n, const OpDef& def) { return cpu.kernel_for(n, def); });
    check_matches(got[0], want[0]);
  }
  CHECK(cpu.lowered_nodes() == 1);
}

TEST_CASE("cpu backend: Conv2DBackpropInput with input_sizes known only at run time, one group or several") {
  // The constant filter is packed at prepare time for one group (Keras builds
  // input_sizes from the batch size at run time); a run whose input_sizes
  // gives more groups packs its own.
  std::mt19937 rng(9);
  const Tensor filter = random_tensor(rng, Shape{3, 3, 4, 6});
  const Graph g = deconv_graph(nullptr, &filter, {1, 2, 2, 1}, "SAME");
  for (const int32_t in_c : {4, 8}) {
    CAPTURE(in_c);
    const FeedMap feeds{{TensorId::parse("dy"), random_tensor(rng, Shape{1, 4, 4, 6})},
                        {TensorId::parse("sizes"), Tensor::from_vector<int32_t>({1, 7, 7, in_c}, Shape{4})}};
    const std::vector<Tensor> want = run_reference(g, feeds, {TensorId::parse("out")});
    const CpuRun got = run_cpu(g, feeds, 2);
    CHECK(got.lowered == 1);
    check_matches(got.outputs[0], want[0]);
  }
}

TEST_CASE("cpu backend: NCHW Conv2DBackpropInput stays on the reference kernel; bad input is the reference's error") {
  std::mt19937 rng(8);
  const Tensor filter = random_tensor(rng, Shape{3, 3, 2, 4});
  {
    const Graph g = deconv_graph(Tensor::from_vector<int32_t>({1, 2, 6, 6}, Shape{4}), &filter, {1, 1, 2, 2}, "SAME",
                                 "NCHW");
    const FeedMap feeds{{TensorId::parse("dy"), random_tensor(rng, Shape{1, 4, 3, 3})}};
    const CpuRun got = run_cpu(g, feeds);
    CHECK(got.lowered == 0);
    check_matches(got.outputs[0], run_reference(g, feeds, {TensorId::parse("out")})[0]);
  }
  {
    const Graph g = deconv_graph(Tensor::from_vector<int32_t>({1, 6, 6, 2}, Shape{4}), &filter, {1, 2, 2, 1}, "SAME");
    const FeedMap feeds{{TensorId::parse("dy"), random_tensor(rng, Shape{1, 4, 4, 4})}};  // should be 3×3
    CHECK_THROWS_WITH_AS(run_cpu(g, feeds), doctest::Contains("does not match the forward convolution output"), Error);
  }
}

TEST_CASE("cpu backend: models/unet_small's Conv2DBackpropInput is lowered") {
  const char* root = std::getenv("FROST_SOURCE_ROOT");
  REQUIRE_MESSAGE(root != nullptr, "FROST_SOURCE_ROOT is not set (meson test sets it)");
  const Graph g = load_graph((std::filesystem::path(root) / "models" / "unet_small" / "frozen_graph.pb").string());
  CpuBackend cpu(g);
  int deconvs = 0;
  for (const Node* n : g.nodes()) {
    if (n->op != "Conv2DBackpropInput") continue;
    ++deconvs;
    cpu.kernel_for(*n, *OpRegistry::global().find(n->op));
  }
  CHECK(deconvs == 1);
  CHECK(cpu.lowered_nodes() == 1);
}
