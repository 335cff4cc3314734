// Transpose, Tile, Pad, PadV2, MirrorPad.
#include "array_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {
Tensor iota_f32(Shape s) {
  Tensor t(DType::Float, std::move(s));
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = static_cast<float>(i);
  return t;
}
}  // namespace

TEST_CASE("Transpose: 2-D, 3-D permutations, identity, strings") {
  const Tensor m = iota_f32(Shape{2, 3});
  check_values(run_op1("Transpose", {m, i32({1, 0}, Shape{2})}), {0, 3, 1, 4, 2, 5}, Shape{3, 2});
  const Tensor x = iota_f32(Shape{2, 3, 4});  // x[a,b,c] = 12a + 4b + c
  // out[c,a,b] = x[a,b,c]
  check_values(run_op1("Transpose", {x, i64({2, 0, 1}, Shape{3})}),
               {0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23}, Shape{4, 2, 3});
  check_values(run_op1("Transpose", {m, i32({0, 1}, Shape{2})}), {0, 1, 2, 3, 4, 5}, Shape{2, 3});
  check_values(run_op1("Transpose", {f32({9}, Shape{}), i32({}, Shape{0})}), {9}, Shape{});
  check_strings(run_op1("Transpose", {strs({"a", "b", "c", "d"}, Shape{2, 2}), i32({1, 0}, Shape{2})}),
                {"a", "c", "b", "d"}, Shape{2, 2});
  // NHWC -> NCHW of a 1x2x2x2 image
  check_values(run_op1("Transpose", {iota_f32(Shape{1, 2, 2, 2}), i32({0, 3, 1, 2}, Shape{4})}),
               {0, 2, 4, 6, 1, 3, 5, 7}, Shape{1, 2, 2, 2});
  check_op_error("Transpose", {m, i32({0, 0}, Shape{2})}, {}, "not a valid permutation");
  check_op_error("Transpose", {m, i32({0, 2}, Shape{2})}, {}, "out of range");
  check_op_error("Transpose", {m, i32({0, 1, 2}, Shape{3})}, {}, "perm of size 2");
  const Tensor perm = i32({0, 2, 3, 1}, Shape{4});
  CHECK(infer("Transpose", {PartialShape{-1, 3, 28, 28}, PartialShape{4}}, {nullptr, &perm})[0] ==
        PartialShape({-1, 28, 28, 3}));
  CHECK(infer("Transpose", {PartialShape::unknown(), PartialShape{4}}, {nullptr, &perm})[0] ==
        PartialShape({-1, -1, -1, -1}));
}

TEST_CASE("Tile: repeats per axis, zero multiple, scalar-like shapes") {
  const Tensor m = f32({1, 2, 3, 4}, Shape{2, 2});
  check_values(run_op1("Tile", {m, i32({1, 2}, Shape{2})}), {1, 2, 1, 2, 3, 4, 3, 4}, Shape{2, 4});
  check_values(run_op1("Tile", {m, i32({2, 1}, Shape{2})}), {1, 2, 3, 4, 1, 2, 3, 4}, Shape{4, 2});
  check_values(run_op1("Tile", {m, i64({0, 3}, Shape{2})}), {}, Shape{0, 6});
  check_values(run_op1("Tile", {f32({7}, Shape{1, 1}), i32({2, 3}, Shape{2})}), {7, 7, 7, 7, 7, 7}, Shape{2, 3});
  check_values(run_op1("Tile", {f32({7}, Shape{}), i32({}, Shape{0})}), {7}, Shape{});
  check_strings(run_op1("Tile", {strs({"a", "b"}, Shape{2}), i32({2}, Shape{1})}), {"a", "b", "a", "b"}, Shape{4});
  check_op_error("Tile", {m, i32({2}, Shape{1})}, {}, "length 2");
  check_op_error("Tile", {m, i32({2, -1}, Shape{2})}, {}, "multiples[1] >= 0");
  // A huge output is refused before allocating.
  check_op_error("Tile", {m, i64({int64_t{1} << 40, int64_t{1} << 20}, Shape{2})}, {}, "limit");
  check_op_error("Tile", {m, i64({int64_t{1} << 62, 4}, Shape{2})}, {}, "overflows");
  const Tensor mult = i32({2, 0}, Shape{2});
  CHECK(infer("Tile", {PartialShape{-1, -1}, PartialShape{2}}, {nullptr, &mult})[0] == PartialShape({-1, 0}));
}

TEST_CASE("Pad and PadV2: constant padding") {
  const Tensor m = f32({1, 2, 3, 4}, Shape{2, 2});
  check_values(run_op1("Pad", {m, i32({1, 0, 0, 1}, Shape{2, 2})}), {0, 0, 0, 1, 2, 0, 3, 4, 0}, Shape{3, 3});
  check_values(run_op1("PadV2", {m, i64({0, 1, 1, 0}, Shape{2, 2}), f32({-1}, Shape{})}),
               {-1, 1, 2, -1, 3, 4, -1, -1, -1}, Shape{3, 3});
  check_values(run_op1("Pad", {f32({5}, Shape{}), i32({}, Shape{0, 2})}), {5}, Shape{});
  check_strings(run_op1("PadV2", {strs({"a"}, Shape{1}), i32({1, 1}, Shape{1, 2}), Tensor::string_scalar("_")}),
                {"_", "a", "_"}, Shape{3});
  check_strings(run_op1("Pad", {strs({"a"}, Shape{1}), i32({0, 2}, Shape{1, 2})}), {"a", "", ""}, Shape{3});
  check_op_error("Pad", {m, i32({1, -1, 0, 0}, Shape{2, 2})}, {}, "non-negative");
  check_op_error("Pad", {m, i32({1, 1}, Shape{1, 2})}, {}, "[2,2]");
  check_op_error("PadV2", {m, i32({1, 1, 1, 1}, Shape{2, 2}), i32({0}, Shape{})}, {}, "constant_values");
  check_op_error("Pad", {m, i64({int64_t{1} << 40, 0, 0, int64_t{1} << 20}, Shape{2, 2})}, {}, "limit");
  const Tensor pads = i32({1, 1, 2, 2}, Shape{2, 2});
  CHECK(infer("Pad", {PartialShape{-1, 3}, PartialShape{2, 2}}, {nullptr, &pads})[0] == PartialShape({-1, 7}));
}

TEST_CASE("MirrorPad: REFLECT and SYMMETRIC") {
  const Tensor v = f32({1, 2, 3}, Shape{3});
  // REFLECT skips the edge element, SYMMETRIC repeats it.
  check_values(run_op1("MirrorPad", {v, i32({2, 2}, Shape{1, 2})}, {{"mode", "REFLECT"}}), {3, 2, 1, 2, 3, 2, 1},
               Shape{7});
  check_values(run_op1("MirrorPad", {v, i32({3, 1}, Shape{1, 2})}, {{"mode", "SYMMETRIC"}}), {3, 2, 1, 1, 2, 3, 3},
               Shape{7});
  const Tensor m = f32({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  // REFLECT [[1,1],[2,2]] of [[1,2,3],[4,5,6]] (TensorFlow's documented example).
  check_values(run_op1("MirrorPad", {m, i32({1, 1, 2, 2}, Shape{2, 2})}, {{"mode", "REFLECT"}}),
               {6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1}, Shape{4, 7});
  // SYMMETRIC [[1,1],[2,2]] (also from TensorFlow's documentation).
  check_values(run_op1("MirrorPad", {m, i64({1, 1, 2, 2}, Shape{2, 2})}, {{"mode", "SYMMETRIC"}}),
               {2, 1, 1, 2, 3, 3, 2, 2, 1, 1, 2, 3, 3, 2, 5, 4, 4, 5, 6, 6, 5, 5, 4, 4, 5, 6, 6, 5}, Shape{4, 7});
  check_strings(run_op1("MirrorPad", {strs({"a", "b"}, Shape{2}), i32({1, 1}, Shape{1, 2})}, {{"mode", "SYMMETRIC"}}),
                {"a", "a", "b", "b"}, Shape{4});
  check_op_error("MirrorPad", {v, i32({3, 0}, Shape{1, 2})}, {{"mode", "REFLECT"}}, "at most 2");
  check_op_error("MirrorPad", {v, i32({0, 4}, Shape{1, 2})}, {{"mode", "SYMMETRIC"}}, "at most 3");
  check_op_error("MirrorPad", {v, i32({1, 1}, Shape{1, 2})}, {{"mode", "EDGE"}}, "REFLECT or SYMMETRIC");
}
