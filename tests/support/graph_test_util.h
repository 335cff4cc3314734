// Building small graphs in tests.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace frost::testing {

inline Node node(std::string name, std::string op, std::vector<std::string> inputs = {}) {
  Node n;
  n.name = std::move(name);
  n.op = std::move(op);
  n.inputs = std::move(inputs);
  return n;
}

// A Const holding `value`; `inputs` are control inputs ("^name"), which
// place a constant inside a while loop's frame.
inline Node constant(std::string name, Tensor value, std::vector<std::string> inputs = {}) {
  Node c = node(std::move(name), "Const", std::move(inputs));
  c.attrs["dtype"] = value.dtype();
  c.attrs["value"] = std::move(value);
  return c;
}

// A Placeholder of `dtype`, with a "shape" attr only when `shape` is given
// (as graphs written without one: the feed decides).
inline Node placeholder(std::string name, DType dtype = DType::Float, std::optional<PartialShape> shape = {}) {
  Node p = node(std::move(name), "Placeholder");
  p.attrs["dtype"] = dtype;
  if (shape) p.attrs["shape"] = std::move(*shape);
  return p;
}

// A node with attr T, the element type most ops read.
inline Node typed(std::string name, std::string op, std::vector<std::string> inputs, DType t = DType::Float) {
  Node n = node(std::move(name), std::move(op), std::move(inputs));
  n.attrs["T"] = t;
  return n;
}

// A float tensor of values uniform in [-1, 1), the same for the same seed.
inline Tensor uniform_tensor(Shape shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  Tensor t(DType::Float, std::move(shape));
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

}  // namespace frost::testing
