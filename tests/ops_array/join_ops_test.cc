// ConcatV2, Concat (axis first), Pack.
#include "array_test_util.h"

using namespace frost;
using namespace frost::testing;

TEST_CASE("ConcatV2: axis 0, axis 1, negative axis") {
  const Tensor a = f32({1, 2, 3, 4}, Shape{2, 2});
  const Tensor b = f32({5, 6}, Shape{1, 2});
  check_values(run_op1("ConcatV2", {a, b, i32({0}, Shape{})}, {{"N", int64_t{2}}}), {1, 2, 3, 4, 5, 6}, Shape{3, 2});
  const Tensor c = f32({7, 8}, Shape{2, 1});
  check_values(run_op1("ConcatV2", {a, c, i32({1}, Shape{})}, {{"N", int64_t{2}}}), {1, 2, 7, 3, 4, 8}, Shape{2, 3});
  check_values(run_op1("ConcatV2", {c, a, c, i64({-1}, Shape{})}, {{"N", int64_t{3}}}), {7, 1, 2, 7, 8, 3, 4, 8},
               Shape{2, 4});
  // One input and empty inputs.
  check_values(run_op1("ConcatV2", {a, i32({0}, Shape{})}, {{"N", int64_t{1}}}), {1, 2, 3, 4}, Shape{2, 2});
  check_values(run_op1("ConcatV2", {Tensor(DType::Float, Shape{0, 2}), b, i32({0}, Shape{})}), {5, 6}, Shape{1, 2});
}

TEST_CASE("ConcatV2: strings, int64 and bool") {
  check_strings(run_op1("ConcatV2", {strs({"a", "b"}, Shape{1, 2}), strs({"c", "d"}, Shape{1, 2}), i32({1}, Shape{})}),
                {"a", "b", "c", "d"}, Shape{1, 4});
  check_values(run_op1("ConcatV2", {i64({1, 2}, Shape{2}), i64({3}, Shape{1}), i32({0}, Shape{})}), {1, 2, 3}, Shape{3});
  const Tensor t = run_op1("ConcatV2", {bools({true}, Shape{1}), bools({false, true}, Shape{2}), i32({0}, Shape{})});
  CHECK(t.dtype() == DType::Bool);
  check_values(t, {1, 0, 1}, Shape{3});
}

TEST_CASE("ConcatV2: mismatched inputs are errors") {
  const Tensor a = f32({1, 2, 3, 4}, Shape{2, 2});
  check_op_error("ConcatV2", {a, f32({1, 2, 3}, Shape{3, 1}), i32({0}, Shape{})}, {}, "dimensions of inputs should match");
  check_op_error("ConcatV2", {a, f32({1, 2}, Shape{2}), i32({0}, Shape{})}, {}, "ranks");
  check_op_error("ConcatV2", {a, a, i32({2}, Shape{})}, {}, "out of range");
  check_op_error("ConcatV2", {f32({1}, Shape{}), f32({2}, Shape{}), i32({0}, Shape{})}, {}, "scalars");
  check_op_error("ConcatV2", {a, i32({1, 2, 3, 4}, Shape{2, 2}), i32({0}, Shape{})}, {}, "int32");
  check_op_error("ConcatV2", {a, a, i32({0}, Shape{})}, {{"N", int64_t{3}}}, "N=3");
}

TEST_CASE("ConcatV2 shape function: known axis adds dims, unknown stays unknown") {
  const Tensor axis = i32({1}, Shape{});
  CHECK(infer("ConcatV2", {PartialShape{-1, 3}, PartialShape{-1, 4}, kScalar}, {nullptr, nullptr, &axis})[0] ==
        PartialShape({-1, 7}));
  CHECK(infer("ConcatV2", {PartialShape{2, -1}, PartialShape{-1, 4}, kScalar}, {nullptr, nullptr, &axis})[0] ==
        PartialShape({2, -1}));
  CHECK(infer("ConcatV2", {PartialShape{2, 3}, PartialShape{2, 4}, kScalar}, {})[0] == PartialShape({-1, -1}));
  CHECK(infer("ConcatV2", {PartialShape::unknown(), PartialShape{-1, 4}, kScalar}, {nullptr, nullptr, &axis})[0] ==
        PartialShape({-1, -1}));
}

TEST_CASE("Concat: the old op takes the axis first") {
  const Tensor a = f32({1, 2}, Shape{1, 2}), b = f32({3, 4}, Shape{1, 2});
  check_values(run_op1("Concat", {i32({0}, Shape{}), a, b}, {{"N", int64_t{2}}}), {1, 2, 3, 4}, Shape{2, 2});
  check_values(run_op1("Concat", {i32({-1}, Shape{}), a, b}), {1, 2, 3, 4}, Shape{1, 4});
  const Tensor axis = i32({1}, Shape{});
  CHECK(infer("Concat", {kScalar, PartialShape{-1, 2}, PartialShape{-1, 2}}, {&axis})[0] == PartialShape({-1, 4}));
}

TEST_CASE("Pack: axis 0, last, negative; scalars; strings") {
  const Tensor a = f32({1, 2}, Shape{2}), b = f32({3, 4}, Shape{2}), c = f32({5, 6}, Shape{2});
  check_values(run_op1("Pack", {a, b, c}, {{"N", int64_t{3}}}), {1, 2, 3, 4, 5, 6}, Shape{3, 2});
  check_values(run_op1("Pack", {a, b, c}, {{"axis", int64_t{1}}}), {1, 3, 5, 2, 4, 6}, Shape{2, 3});
  check_values(run_op1("Pack", {a, b, c}, {{"axis", int64_t{-1}}}), {1, 3, 5, 2, 4, 6}, Shape{2, 3});
  check_values(run_op1("Pack", {a, b, c}, {{"axis", int64_t{-2}}}), {1, 2, 3, 4, 5, 6}, Shape{3, 2});
  // Keras Flatten packs [batch, -1] from two int32 scalars.
  const Tensor shape = run_op1("Pack", {i32({5}, Shape{}), i32({-1}, Shape{})});
  CHECK(shape.dtype() == DType::Int32);
  check_values(shape, {5, -1}, Shape{2});
  check_strings(run_op1("Pack", {strs({"x"}, Shape{}), strs({"y"}, Shape{})}), {"x", "y"}, Shape{2});
  check_op_error("Pack", {a, f32({1, 2, 3}, Shape{3})}, {}, "shapes of all inputs must match");
  check_op_error("Pack", {a, b}, {{"axis", int64_t{2}}}, "not in [-2, 2)");
  check_op_error("Pack", {a, i32({1, 2}, Shape{2})}, {}, "int32");
  CHECK(infer("Pack", {PartialShape{-1, 3}, PartialShape{2, -1}}, {}, {{"axis", int64_t{1}}})[0] ==
        PartialShape({2, 2, 3}));
  CHECK(infer("Pack", {kScalar, kScalar}, {})[0] == PartialShape({2}));
}
