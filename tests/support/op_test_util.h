// Runs one op's reference kernel on given inputs, the way the interpreter
// does, and checks on the way that the op's shape function agrees with the
// shapes the kernel produced, and that every other implementation of the op
// (runtime/implementation.h: the CPU backend's SIMD ones) that applies to
// the node computes the same outputs on the same inputs, once with every
// input a constant of known shape (weights packed at prepare time) and once
// with none (packed per run). For op unit tests: each case of the ops suites is a
// case of every implementation.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "graph/op_registry.h"
#include "runtime/implementation.h"

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

// Whether `got` is `want` up to rounding: floats within 1e-5 relative to the
// element and to the output's largest magnitude (sums of products round
// differently in a blocked GEMM), NaN where NaN; other dtypes (strings too)
// exactly.
inline bool implementation_agrees(const Tensor& got, const Tensor& want, std::string& why) {
  if (got.dtype() != want.dtype() || got.shape() != want.shape()) {
    why = "dtype/shape " + dtype_name(got.dtype()) + got.shape().to_string() + " vs " + dtype_name(want.dtype()) +
          want.shape().to_string();
    return false;
  }
  if (want.dtype() == DType::String) {
    why = "strings differ";
    return got.strings() == want.strings();
  }
  if (dtype_size(want.dtype()) == 0) return true;  // resource/variant handles: nothing numeric to compare
  const bool floating = want.dtype() == DType::Float || want.dtype() == DType::Double;
  double scale = 0;
  for (int64_t i = 0; i < want.num_elements(); ++i)
    if (std::isfinite(want.as_double(i))) scale = std::max(scale, std::fabs(want.as_double(i)));
  for (int64_t i = 0; i < want.num_elements(); ++i) {
    const double g = got.as_double(i), w = want.as_double(i);
    const bool ok = g == w || (std::isnan(g) && std::isnan(w)) ||
                    (floating && std::fabs(g - w) <= 1e-5 * (1.0 + std::fabs(w) + scale));
    if (!ok) {
      why = "element " + std::to_string(i) + ": got " + std::to_string(g) + ", reference " + std::to_string(w);
      return false;
    }
  }
  return true;
}

// How many cases each implementation ran in this test binary (by name).
inline std::map<std::string, int>& implementation_cases() {
  static std::map<std::string, int> cases;
  return cases;
}

// Runs every implementation of the node's op but the reference on `inputs`
// and compares with the reference's `want`.
inline void check_implementations(const Node& node, const OpDef& def, const std::vector<Tensor>& inputs,
                                  const std::vector<Tensor>& want) {
  for (const Implementation* impl : implementations_for(node.op))
    for (bool constant : {true, false}) {
      // Constant: values and shapes known at prepare time; fed: neither.
      PrepareContext pc{node, def, {}};
      for (const Tensor& t : inputs) {
        pc.constants.push_back(constant ? &t : nullptr);
        pc.input_shapes.push_back(constant ? PartialShape(t.shape().dims()) : PartialShape::unknown());
      }
      KernelFn kernel;
      try {
        if (!impl->applies(pc)) continue;
        kernel = impl->prepare(pc);
      } catch (const Error&) {
        continue;  // not applicable: the reference runs such nodes
      }
      std::vector<Tensor> got(want.size());
      OpContext ctx(node, inputs, got);
      kernel(ctx);
      ++implementation_cases()[impl->name];
      for (size_t i = 0; i < want.size(); ++i) {
        std::string why;
        CHECK_MESSAGE(implementation_agrees(got[i], want[i], why),
                      impl->name << (constant ? " (constant inputs)" : " (inputs fed)") << " output " << i
                                 << " differs from " << node.op << "/reference: " << why);
      }
    }
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
  check_implementations(node, *def, inputs, outputs);
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
