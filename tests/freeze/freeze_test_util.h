// Building tiny graphs in code for pass tests, and the numeric check every
// pass test makes: the reference executor on the graph before and after, on
// the same seeded random inputs, must agree within 1e-5 of max|before|.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "freeze/pass_driver.h"
#include "graph/graph.h"

namespace frost::testing {

class GraphBuilder {
 public:
  Graph g;

  std::string placeholder(const std::string& name, PartialShape shape, DType dtype = DType::Float) {
    Node n;
    n.name = name;
    n.op = "Placeholder";
    n.attrs["dtype"] = dtype;
    n.attrs["shape"] = shape;
    g.add(std::move(n));
    return name;
  }
  std::string constant(const std::string& name, const Tensor& value) {
    Node n;
    n.name = name;
    n.op = "Const";
    n.attrs["dtype"] = value.dtype();
    n.attrs["value"] = value;
    g.add(std::move(n));
    return name;
  }
  std::string floats(const std::string& name, std::vector<float> values, Shape shape) {
    return constant(name, Tensor::from_vector(values, std::move(shape)));
  }
  std::string ints(const std::string& name, std::vector<int32_t> values) {
    return constant(name, Tensor::from_vector(values));
  }
  // An op with T=float unless attrs say otherwise.
  std::string op(const std::string& name, const std::string& op, std::vector<std::string> inputs,
                 std::map<std::string, AttrValue> attrs = {}) {
    Node n;
    n.name = name;
    n.op = op;
    n.inputs = std::move(inputs);
    n.attrs = std::move(attrs);
    if (!n.attrs.count("T")) n.attrs["T"] = DType::Float;
    g.add(std::move(n));
    return name;
  }
};

// Deterministic, varied values (not all equal, some negative).
inline std::vector<float> varied_values(int64_t n, float scale, float offset = 0.0f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = offset + scale * static_cast<float>((i * 7) % 11 - 5);
  return v;
}

inline int count_ops(const Graph& g, const std::string& op) {
  int count = 0;
  for (const Node* n : g.nodes()) count += n->op == op;
  return count;
}

inline std::vector<TensorId> ids(const std::vector<std::string>& names) {
  std::vector<TensorId> out;
  for (const auto& n : names) out.push_back(TensorId::parse(n));
  return out;
}

// Runs both graphs on seeded random inputs and checks they agree.
inline void check_same_numbers(const Graph& before, const Graph& after, const std::vector<std::string>& inputs,
                               const std::vector<std::string>& outputs, uint64_t seed = 7) {
  const Verification v = verify_equivalence(before, after, ids(inputs), ids(outputs), seed, 1e-5);
  REQUIRE_MESSAGE(v.ran, v.skipped_reason);
  MESSAGE("max relative error before vs after: " << v.max_relative_error << " (seed " << seed << ")");
  CHECK(v.passed);
  CHECK(v.max_relative_error <= 1e-5);
}

// Optimises with only the named passes (empty: all), keeping inputs/outputs.
inline OptimizeResult optimize_with(const Graph& g, const std::vector<std::string>& inputs,
                                    const std::vector<std::string>& outputs,
                                    const std::vector<std::string>& passes = {}) {
  OptimizeOptions o;
  o.inputs = inputs;
  o.outputs = outputs;
  o.passes = passes;
  return optimize_graph(g, o);
}

// Conv2D / DepthwiseConv2dNative attrs: float, no dilation, `stride` along H and W of NHWC.
// Conv2D attributes with the strides given as the op's 4-element attribute
// (in `format`'s axis order), for tests that stride H and W differently.
inline std::map<std::string, AttrValue> conv2d_attrs_strided(std::vector<int64_t> strides,
                                                             const std::string& padding = "SAME",
                                                             const std::string& format = "NHWC") {
  return {{"T", DType::Float},
          {"strides", std::move(strides)},
          {"padding", padding},
          {"data_format", format},
          {"dilations", std::vector<int64_t>{1, 1, 1, 1}}};
}

inline std::map<std::string, AttrValue> conv2d_attrs(const std::string& padding = "SAME", int stride = 1,
                                                     const std::string& format = "NHWC") {
  const int64_t s = stride;
  return conv2d_attrs_strided(format == "NCHW" ? std::vector<int64_t>{1, 1, s, s} : std::vector<int64_t>{1, s, s, 1},
                              padding, format);
}

// Optimising for the CPU backend (its runtime fusions on), fed "x".
inline OptimizeOptions cpu_backend_options(const std::vector<std::string>& outputs) {
  OptimizeOptions o;
  o.inputs = {"x"};
  o.outputs = outputs;
  o.runtime_fusions = true;
  return o;
}

}  // namespace frost::testing
