// Reshape, Squeeze, ExpandDims, Shape, ShapeN, Size, Rank.
#include "array_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {
Tensor iota_f32(Shape s) {
  Tensor t(DType::Float, std::move(s));
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = static_cast<float>(i);
  return t;
}
std::vector<double> iota(int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(i);
  return v;
}
}  // namespace

TEST_CASE("Reshape: explicit shape, -1 inferred, int64 shape tensor") {
  const Tensor x = iota_f32(Shape{2, 3, 4});
  check_values(run_op1("Reshape", {x, i32({4, 6}, Shape{2})}), iota(24), Shape{4, 6});
  check_values(run_op1("Reshape", {x, i32({-1, 4}, Shape{2})}), iota(24), Shape{6, 4});
  check_values(run_op1("Reshape", {x, i64({2, -1, 3}, Shape{3})}), iota(24), Shape{2, 4, 3});
  check_values(run_op1("Reshape", {x, i32({-1}, Shape{1})}), iota(24), Shape{24});
  // To a scalar and back.
  const Tensor s = run_op1("Reshape", {f32({7}, Shape{1, 1}), i32({}, Shape{0})});
  check_values(s, {7}, Shape{});
}

TEST_CASE("Reshape: zero-sized tensors") {
  const Tensor empty(DType::Float, Shape{0, 3});
  check_values(run_op1("Reshape", {empty, i32({-1, 3}, Shape{2})}), {}, Shape{0, 3});
  // A zero in the requested shape keeps -1 inferable from the other dims.
  check_values(run_op1("Reshape", {empty, i32({-1, 0}, Shape{2})}), {}, Shape{3, 0});
  check_values(run_op1("Reshape", {empty, i32({2, 0, 5}, Shape{3})}), {}, Shape{2, 0, 5});
  check_op_error("Reshape", {iota_f32(Shape{2, 3}), i32({-1, 0}, Shape{2})}, {}, "6 values");
}

TEST_CASE("Reshape: strings and bad sizes") {
  const Tensor t = strs({"a", "b", "c", "d", "e", "f"}, Shape{2, 3});
  check_strings(run_op1("Reshape", {t, i32({3, -1}, Shape{2})}), {"a", "b", "c", "d", "e", "f"}, Shape{3, 2});
  check_op_error("Reshape", {iota_f32(Shape{2, 3}), i32({4, 2}, Shape{2})}, {}, "has 8");
  check_op_error("Reshape", {iota_f32(Shape{2, 3}), i32({-1, 4}, Shape{2})}, {}, "multiple of 4");
  check_op_error("Reshape", {iota_f32(Shape{2, 3}), i32({-1, -1}, Shape{2})}, {}, "only one size may be -1");
  check_op_error("Reshape", {iota_f32(Shape{2, 3}), i32({-2, 3}, Shape{2})}, {}, "non-negative");
  check_op_error("Reshape", {iota_f32(Shape{2, 3}), f32({6}, Shape{1})}, {}, "int32 or int64");
}

TEST_CASE("Reshape shape function: partial inputs and constant sizes") {
  const Tensor sizes = i32({-1, 784}, Shape{2});
  // Keras Flatten: batch unknown, the -1 stays unknown.
  auto out = infer("Reshape", {PartialShape{-1, 28, 28, 1}, PartialShape{2}}, {nullptr, &sizes});
  CHECK(out[0] == PartialShape({-1, 784}));
  // Fully known input: -1 resolved.
  out = infer("Reshape", {PartialShape{5, 28, 28}, PartialShape{2}}, {nullptr, &sizes});
  CHECK(out[0] == PartialShape({5, 784}));
  // Sizes not constant: only the rank, from the length of the shape vector.
  out = infer("Reshape", {PartialShape{-1, 4}, PartialShape{3}}, {});
  CHECK(out[0] == PartialShape({-1, -1, -1}));
  out = infer("Reshape", {PartialShape{-1, 4}, PartialShape::unknown()}, {});
  CHECK(!out[0].known_rank());
  const Tensor bad = i32({5, 5}, Shape{2});
  CHECK_THROWS_AS(infer("Reshape", {PartialShape{2, 3}, PartialShape{2}}, {nullptr, &bad}), Error);
}

TEST_CASE("Squeeze: all size-1 dims, listed dims, negative dims") {
  const Tensor x = iota_f32(Shape{1, 2, 1, 3, 1});
  check_values(run_op1("Squeeze", {x}), iota(6), Shape{2, 3});
  check_values(run_op1("Squeeze", {x}, {{"squeeze_dims", std::vector<int64_t>{2}}}), iota(6), Shape{1, 2, 3, 1});
  check_values(run_op1("Squeeze", {x}, {{"squeeze_dims", std::vector<int64_t>{-1, 0}}}), iota(6), Shape{2, 1, 3});
  check_strings(run_op1("Squeeze", {strs({"x"}, Shape{1, 1})}), {"x"}, Shape{});
  check_op_error("Squeeze", {x}, {{"squeeze_dims", std::vector<int64_t>{1}}}, "expected a dimension of 1, got 2");
  check_op_error("Squeeze", {x}, {{"squeeze_dims", std::vector<int64_t>{5}}}, "out of range");
  // Shape function: an unknown dim may or may not be squeezed when no dims are listed.
  CHECK(!infer("Squeeze", {PartialShape{1, -1, 3}}, {})[0].known_rank());
  CHECK(infer("Squeeze", {PartialShape{1, -1, 3}}, {}, {{"squeeze_dims", std::vector<int64_t>{0}}})[0] ==
        PartialShape({-1, 3}));
}

TEST_CASE("ExpandDims: positive, negative and end axes") {
  const Tensor x = iota_f32(Shape{2, 3});
  check_values(run_op1("ExpandDims", {x, i32({0}, Shape{})}), iota(6), Shape{1, 2, 3});
  check_values(run_op1("ExpandDims", {x, i32({2}, Shape{})}), iota(6), Shape{2, 3, 1});
  check_values(run_op1("ExpandDims", {x, i64({-1}, Shape{})}), iota(6), Shape{2, 3, 1});
  check_values(run_op1("ExpandDims", {x, i32({-3}, Shape{})}), iota(6), Shape{1, 2, 3});
  check_values(run_op1("ExpandDims", {x, i32({1}, Shape{1})}), iota(6), Shape{2, 1, 3});  // 1-element vector
  check_values(run_op1("ExpandDims", {f32({5}, Shape{}), i32({0}, Shape{})}), {5}, Shape{1});
  check_op_error("ExpandDims", {x, i32({3}, Shape{})}, {}, "out of range");
  check_op_error("ExpandDims", {x, i32({-4}, Shape{})}, {}, "out of range");
  CHECK(infer("ExpandDims", {PartialShape{-1, 3}, kScalar}, {})[0] == PartialShape({-1, -1, -1}));
}

TEST_CASE("Shape, ShapeN, Size, Rank with int32 and int64 outputs") {
  const Tensor x(DType::Float, Shape{2, 0, 5});
  const Tensor s = run_op1("Shape", {x});
  CHECK(s.dtype() == DType::Int32);
  check_values(s, {2, 0, 5}, Shape{3});
  const Tensor s64 = run_op1("Shape", {x}, {{"out_type", DType::Int64}});
  CHECK(s64.dtype() == DType::Int64);
  check_values(s64, {2, 0, 5}, Shape{3});
  check_values(run_op1("Shape", {f32({1}, Shape{})}), {}, Shape{0});
  check_values(run_op1("Shape", {strs({"a", "b"}, Shape{2})}), {2}, Shape{1});

  const auto n = run_op("ShapeN", {x, f32({1, 2}, Shape{1, 2})}, {{"N", int64_t{2}}});
  REQUIRE(n.size() == 2);
  check_values(n[0], {2, 0, 5}, Shape{3});
  check_values(n[1], {1, 2}, Shape{2});

  check_values(run_op1("Size", {x}), {0}, Shape{});
  const Tensor size64 = run_op1("Size", {Tensor(DType::Bool, Shape{3, 4})}, {{"out_type", DType::Int64}});
  CHECK(size64.dtype() == DType::Int64);
  check_values(size64, {12}, Shape{});
  const Tensor rank = run_op1("Rank", {x});
  CHECK(rank.dtype() == DType::Int32);
  check_values(rank, {3}, Shape{});
  check_values(run_op1("Rank", {x}, {{"out_type", DType::Int64}}), {3}, Shape{});

  // Shape of a partially known input: a vector of known length.
  CHECK(infer("Shape", {PartialShape{-1, 28, 28, 1}}, {})[0] == PartialShape({4}));
  CHECK(infer("Shape", {PartialShape::unknown()}, {})[0] == PartialShape({-1}));
  CHECK(infer("Size", {PartialShape::unknown()}, {})[0] == kScalar);
  check_op_error("Shape", {x}, {{"out_type", DType::Float}}, "out_type");
}
