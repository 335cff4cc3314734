// Runs one op's reference kernel on given inputs, the way the interpreter
// does, and checks on the way that the op's shape function agrees with the
// shapes the kernel produced. For op unit tests.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "graph/op_registry.h"

namespace frost::testing {

// Attrs by name, e.g. {{"T", DType::Float}, {"strides", std::vector<int64_t>{1,1,1,1}}}.
using Attrs = std::map<std::string, AttrValue>;

inline Node make_node(const std::string& op, int num_inputs, Attrs attrs) {
  Node n;
  n.name = "test_" + op;
  n.op = op;
  for (int i = 0; i < num_inputs; ++i) n.inputs.push_back("in" + std::to_string(i));
  n.attrs = std::move(attrs);
  return n;
}

// Returns the op's outputs. Throws whatever the kernel throws (frost::Error for bad input).
inline std::vector<Tensor> run_op(const std::string& op, const std::vector<Tensor>& inputs, Attrs attrs = {}) {
  const OpDef* def = OpRegistry::global().find(op);
  REQUIRE_MESSAGE(def != nullptr, "op not registered: " << op);
  const Node node = make_node(op, static_cast<int>(inputs.size()), std::move(attrs));
  std::vector<Tensor> outputs(static_cast<size_t>(def->num_outputs(node)));
  OpContext ctx(node, inputs, outputs);
  def->reference(ctx);

  // The static shape function, given the same (all-constant) inputs, must
  // accept the shapes the kernel produced.
  ShapeContext sctx{node, {}, {}};
  for (const Tensor& t : inputs) {
    sctx.input_shapes.emplace_back(t.shape());
    sctx.input_values.push_back(&t);
  }
  const std::vector<PartialShape> inferred = def->infer_shapes(sctx);
  for (size_t i = 0; i < outputs.size() && i < inferred.size(); ++i) {
    REQUIRE_MESSAGE(outputs[i].valid(), op << " left output " << i << " unset");
    CHECK_MESSAGE(inferred[i].accepts(outputs[i].shape()),
                  op << " output " << i << ": shape function says " << inferred[i].to_string()
                     << ", kernel produced " << outputs[i].shape().to_string());
  }
  return outputs;
}

inline Tensor run_op1(const std::string& op, const std::vector<Tensor>& inputs, Attrs attrs = {}) {
  return run_op(op, inputs, std::move(attrs)).at(0);
}

// Float tensor from values and shape.
inline Tensor f32(std::vector<float> values, Shape shape) { return Tensor::from_vector(values, std::move(shape)); }
inline Tensor i32(std::vector<int32_t> values, Shape shape) { return Tensor::from_vector(values, std::move(shape)); }
inline Tensor i64(std::vector<int64_t> values, Shape shape) { return Tensor::from_vector(values, std::move(shape)); }

// Element-wise comparison with an absolute tolerance; reports the first mismatch.
inline void check_close(const Tensor& got, const Tensor& want, double atol = 1e-5) {
  REQUIRE_MESSAGE(got.shape() == want.shape(),
                  "shape " << got.shape().to_string() << " != expected " << want.shape().to_string());
  REQUIRE(got.dtype() == want.dtype());
  for (int64_t i = 0; i < got.num_elements(); ++i) {
    const double g = got.as_double(i), w = want.as_double(i);
    if (!(std::fabs(g - w) <= atol || (std::isnan(g) && std::isnan(w)) || g == w)) {
      FAIL_CHECK("element " << i << ": got " << g << ", expected " << w << " (shape "
                            << got.shape().to_string() << ")");
      return;
    }
  }
}

}  // namespace frost::testing
