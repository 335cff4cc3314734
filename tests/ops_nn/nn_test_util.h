// Helpers for the nn/image op tests: deterministic data, a layout transpose
// written independently of the kernels, shape-function calls on partial
// shapes, and checks that bad input throws a frost::Error naming the op.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "op_test_util.h"

namespace frost::testing {

// 1, 2, 3, ... (or from `start` in steps of `step`).
inline std::vector<float> iota_values(int64_t n, float start = 1.0f, float step = 1.0f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = start + step * static_cast<float>(i);
  return v;
}

// Fixed pseudo-random values in [-1, 1) (a linear congruential generator,
// seed printed by the caller when useful), so tests are reproducible.
inline std::vector<float> pseudo_random(int64_t n, uint32_t seed) {
  std::vector<float> v(static_cast<size_t>(n));
  uint32_t s = seed;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
  return v;
}

// NHWC -> NCHW and back for float tensors of rank 4 (test-side, plain indexing).
inline Tensor nhwc_to_nchw(const Tensor& t) {
  const int64_t n = t.shape()[0], h = t.shape()[1], w = t.shape()[2], c = t.shape()[3];
  Tensor r(DType::Float, Shape{n, c, h, w});
  for (int64_t a = 0; a < n; ++a)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        for (int64_t k = 0; k < c; ++k)
          r.data<float>()[((a * c + k) * h + y) * w + x] = t.data<float>()[((a * h + y) * w + x) * c + k];
  return r;
}
inline Tensor nchw_to_nhwc(const Tensor& t) {
  const int64_t n = t.shape()[0], c = t.shape()[1], h = t.shape()[2], w = t.shape()[3];
  Tensor r(DType::Float, Shape{n, h, w, c});
  for (int64_t a = 0; a < n; ++a)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        for (int64_t k = 0; k < c; ++k)
          r.data<float>()[((a * h + y) * w + x) * c + k] = t.data<float>()[((a * c + k) * h + y) * w + x];
  return r;
}

// Runs the op's shape function on (possibly partial) input shapes, with
// constant input values where given (nullptr elsewhere).
inline std::vector<PartialShape> infer(const std::string& op, std::vector<PartialShape> shapes, Attrs attrs,
                                       std::vector<const Tensor*> values = {}) {
  const OpDef* def = OpRegistry::global().find(op);
  REQUIRE(def != nullptr);
  const Node node = make_node(op, static_cast<int>(shapes.size()), std::move(attrs));
  values.resize(shapes.size(), nullptr);
  ShapeContext ctx{node, std::move(shapes), std::move(values)};
  return def->infer_shapes(ctx);
}

// The op must throw a frost::Error whose message names the op and contains `fragment`.
inline void check_rejects(const std::string& op, const std::vector<Tensor>& inputs, Attrs attrs,
                          const std::string& fragment) {
  try {
    run_op(op, inputs, std::move(attrs));
    FAIL_CHECK(op << " accepted bad input (expected an error containing '" << fragment << "')");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK_MESSAGE(what.find(op) != std::string::npos, "error does not name the op: " << what);
    CHECK_MESSAGE(what.find(fragment) != std::string::npos, "error lacks '" << fragment << "': " << what);
  }
}

inline std::vector<int64_t> ints(std::initializer_list<int64_t> v) { return std::vector<int64_t>(v); }

}  // namespace frost::testing
