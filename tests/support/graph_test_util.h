// Building small graphs in tests.
#pragma once

#include <optional>
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

}  // namespace frost::testing
