// Small helpers for the array op tests: tensors of strings and bools, exact
// comparisons of integer and string contents, and "this throws an Error that
// names the op".
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "op_test_util.h"

namespace frost::testing {

// A known scalar shape ([]); note PartialShape{} is the unknown rank.
inline const PartialShape kScalar = PartialShape(std::vector<int64_t>{});

inline Tensor strs(const std::vector<std::string>& values, Shape shape) {
  Tensor t(DType::String, std::move(shape));
  REQUIRE(static_cast<int64_t>(values.size()) == t.num_elements());
  for (size_t i = 0; i < values.size(); ++i) t.strings()[i] = values[i];
  return t;
}

inline Tensor bools(const std::vector<bool>& values, Shape shape) {
  Tensor t(DType::Bool, std::move(shape));
  REQUIRE(static_cast<int64_t>(values.size()) == t.num_elements());
  for (size_t i = 0; i < values.size(); ++i) t.data<bool>()[i] = values[i];
  return t;
}

// Exact comparison of shape and element values (any numeric dtype, read as double).
inline void check_values(const Tensor& got, const std::vector<double>& want, const Shape& shape) {
  REQUIRE_MESSAGE(got.shape() == shape, "shape " << got.shape().to_string() << " != expected " << shape.to_string());
  REQUIRE(got.num_elements() == static_cast<int64_t>(want.size()));
  for (int64_t i = 0; i < got.num_elements(); ++i)
    if (got.as_double(i) != want[static_cast<size_t>(i)]) {
      FAIL_CHECK("element " << i << ": got " << got.as_double(i) << ", expected " << want[static_cast<size_t>(i)]
                            << " (shape " << got.shape().to_string() << ")");
      return;
    }
}

inline void check_strings(const Tensor& got, const std::vector<std::string>& want, const Shape& shape) {
  REQUIRE(got.dtype() == DType::String);
  REQUIRE_MESSAGE(got.shape() == shape, "shape " << got.shape().to_string() << " != expected " << shape.to_string());
  CHECK(got.strings() == want);
}

// Runs the op and requires a frost::Error whose text names the op and contains `fragment`.
inline void check_op_error(const std::string& op, const std::vector<Tensor>& inputs, Attrs attrs,
                           const std::string& fragment) {
  try {
    run_op(op, inputs, std::move(attrs));
    FAIL_CHECK(op << " did not throw (expected an error containing '" << fragment << "')");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK_MESSAGE(e.op_name() == op, "error does not name the op: " << what);
    CHECK_MESSAGE(what.find(fragment) != std::string::npos, "error '" << what << "' lacks '" << fragment << "'");
  }
}

// Runs the op's shape function alone on (possibly partial) input shapes and
// (possibly absent) constant inputs.
inline std::vector<PartialShape> infer(const std::string& op, std::vector<PartialShape> shapes,
                                       std::vector<const Tensor*> values, Attrs attrs = {}) {
  const OpDef* def = OpRegistry::global().find(op);
  REQUIRE(def != nullptr);
  const Node node = make_node(op, static_cast<int>(shapes.size()), std::move(attrs));
  values.resize(shapes.size(), nullptr);
  ShapeContext ctx{node, std::move(shapes), std::move(values)};
  return def->infer_shapes(ctx);
}

}  // namespace frost::testing
