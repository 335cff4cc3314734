// The Keras Flatten chain of a frozen graph, Shape -> StridedSlice -> Pack ->
// Reshape, run through the reference executor and through static shape
// inference (unknown batch, then a pinned batch).
#include "array_test_util.h"
#include "graph/shape_inference.h"
#include "runtime/executor.h"

using namespace frost;
using namespace frost::testing;

namespace {
Node node(std::string name, std::string op, std::vector<std::string> inputs, Attrs attrs = {}) {
  Node n;
  n.name = std::move(name);
  n.op = std::move(op);
  n.inputs = std::move(inputs);
  n.attrs = std::move(attrs);
  return n;
}

Node constant(std::string name, Tensor value) {
  const DType t = value.dtype();
  return node(std::move(name), "Const", {}, {{"value", std::move(value)}, {"dtype", t}});
}

Graph flatten_graph() {
  Graph g;
  g.add(node("x", "Placeholder", {}, {{"dtype", DType::Float}, {"shape", PartialShape{-1, 2, 3}}}));
  g.add(node("shape", "Shape", {"x"}, {{"T", DType::Float}, {"out_type", DType::Int32}}));
  g.add(constant("begin", i32({0}, Shape{1})));
  g.add(constant("end", i32({1}, Shape{1})));
  g.add(constant("stride", i32({1}, Shape{1})));
  g.add(node("batch", "StridedSlice", {"shape", "begin", "end", "stride"},
             {{"T", DType::Int32}, {"Index", DType::Int32}, {"shrink_axis_mask", int64_t{1}}}));
  g.add(constant("minus_one", i32({-1}, Shape{})));
  g.add(node("packed", "Pack", {"batch", "minus_one"}, {{"N", int64_t{2}}, {"T", DType::Int32}}));
  g.add(node("flat", "Reshape", {"x", "packed"}, {{"T", DType::Float}, {"Tshape", DType::Int32}}));
  return g;
}
}  // namespace

TEST_CASE("Flatten chain: runs on any batch size") {
  const Graph g = flatten_graph();
  Tensor x(DType::Float, Shape{2, 2, 3});
  for (int i = 0; i < 12; ++i) x.data<float>()[i] = static_cast<float>(i);
  const auto out = run_reference(g, {{TensorId::parse("x"), x}}, {TensorId::parse("flat"), TensorId::parse("packed")});
  check_values(out[0], {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, Shape{2, 6});
  check_values(out[1], {2, -1}, Shape{2});
}

TEST_CASE("Flatten chain: static shapes") {
  const Graph g = flatten_graph();
  auto shapes = infer_shapes(g);
  CHECK(shapes.at(TensorId::parse("shape")).shape == PartialShape({3}));
  CHECK(shapes.at(TensorId::parse("batch")).shape == kScalar);
  CHECK(shapes.at(TensorId::parse("packed")).shape == PartialShape({2}));
  CHECK(shapes.at(TensorId::parse("flat")).shape == PartialShape({-1, -1}));
  // With the batch pinned, Shape folds to a constant and the chain resolves.
  shapes = infer_shapes(g, {{"x", PartialShape{4, 2, 3}}});
  CHECK(shapes.at(TensorId::parse("flat")).shape == PartialShape({4, 6}));
}
