// Fill, ZerosLike, OnesLike, Range.
#include "array_test_util.h"

using namespace frost;
using namespace frost::testing;

TEST_CASE("Fill: numbers, strings, empty, bad dims") {
  check_values(run_op1("Fill", {i32({2, 3}, Shape{2}), f32({1.5f}, Shape{})}), {1.5, 1.5, 1.5, 1.5, 1.5, 1.5},
               Shape{2, 3});
  const Tensor i = run_op1("Fill", {i64({3}, Shape{1}), i64({-4}, Shape{})});
  CHECK(i.dtype() == DType::Int64);
  check_values(i, {-4, -4, -4}, Shape{3});
  check_strings(run_op1("Fill", {i32({2}, Shape{1}), Tensor::string_scalar("hi")}), {"hi", "hi"}, Shape{2});
  check_values(run_op1("Fill", {i32({0, 3}, Shape{2}), f32({1}, Shape{})}), {}, Shape{0, 3});
  check_values(run_op1("Fill", {i32({}, Shape{0}), f32({2}, Shape{})}), {2}, Shape{});
  check_op_error("Fill", {i32({2, -1}, Shape{2}), f32({1}, Shape{})}, {}, "non-negative");
  check_op_error("Fill", {i32({2}, Shape{1}), f32({1, 2}, Shape{2})}, {}, "value must be a scalar");
  check_op_error("Fill", {i64({int64_t{1} << 31, int64_t{1} << 31}, Shape{2}), f32({1}, Shape{})}, {}, "limit");
  const Tensor dims = i32({4, 5}, Shape{2});
  CHECK(infer("Fill", {PartialShape{2}, kScalar}, {&dims})[0] == PartialShape({4, 5}));
  CHECK(infer("Fill", {PartialShape{3}, kScalar}, {})[0] == PartialShape({-1, -1, -1}));
}

TEST_CASE("ZerosLike and OnesLike keep dtype and shape") {
  const Tensor z = run_op1("ZerosLike", {f32({1, 2, 3}, Shape{3})});
  CHECK(z.dtype() == DType::Float);
  check_values(z, {0, 0, 0}, Shape{3});
  check_values(run_op1("ZerosLike", {i32({7, 8}, Shape{1, 2})}), {0, 0}, Shape{1, 2});
  const Tensor o = run_op1("OnesLike", {i64({5, 6}, Shape{2})});
  CHECK(o.dtype() == DType::Int64);
  check_values(o, {1, 1}, Shape{2});
  check_values(run_op1("OnesLike", {bools({false, false}, Shape{2})}), {1, 1}, Shape{2});
  Tensor h(DType::Half, Shape{2});
  check_values(run_op1("OnesLike", {h}), {1, 1}, Shape{2});
  check_values(run_op1("OnesLike", {Tensor(DType::Float, Shape{0, 4})}), {}, Shape{0, 4});
  check_op_error("OnesLike", {strs({"a"}, Shape{1})}, {}, "string");
}

TEST_CASE("Range: integers, negative delta") {
  const Tensor r = run_op1("Range", {i32({0}, Shape{}), i32({5}, Shape{}), i32({1}, Shape{})});
  CHECK(r.dtype() == DType::Int32);
  check_values(r, {0, 1, 2, 3, 4}, Shape{5});
  check_values(run_op1("Range", {i32({10}, Shape{}), i32({1}, Shape{}), i32({-3}, Shape{})}), {10, 7, 4}, Shape{3});
  check_values(run_op1("Range", {i64({-2}, Shape{}), i64({3}, Shape{}), i64({2}, Shape{})}), {-2, 0, 2}, Shape{3});
  check_values(run_op1("Range", {i32({3}, Shape{}), i32({3}, Shape{}), i32({1}, Shape{})}), {}, Shape{0});
}

TEST_CASE("Range: floats") {
  check_close(run_op1("Range", {f32({0}, Shape{}), f32({1}, Shape{}), f32({0.25f}, Shape{})}),
              f32({0, 0.25f, 0.5f, 0.75f}, Shape{4}));
  // ceil(|(0 - 1) / -0.3|) = 4 elements by repeated addition.
  check_close(run_op1("Range", {f32({1}, Shape{}), f32({0}, Shape{}), f32({-0.3f}, Shape{})}),
              f32({1, 0.7f, 0.4f, 0.1f}, Shape{4}), 1e-6);
  check_close(run_op1("Range", {f32({0.5f}, Shape{}), f32({2}, Shape{}), f32({1}, Shape{})}), f32({0.5f, 1.5f}, Shape{2}));
}

TEST_CASE("Range: bad arguments") {
  check_op_error("Range", {i32({0}, Shape{}), i32({5}, Shape{}), i32({0}, Shape{})}, {}, "delta != 0");
  check_op_error("Range", {i32({5}, Shape{}), i32({0}, Shape{}), i32({1}, Shape{})}, {}, "start <= limit");
  check_op_error("Range", {i32({0}, Shape{}), i32({5}, Shape{}), i32({-1}, Shape{})}, {}, "start >= limit");
  check_op_error("Range", {i32({0}, Shape{}), i64({5}, Shape{}), i32({1}, Shape{})}, {}, "one dtype");
  check_op_error("Range", {i32({0, 1}, Shape{2}), i32({5}, Shape{}), i32({1}, Shape{})}, {}, "scalar");
  check_op_error("Range", {i64({0}, Shape{}), i64({int64_t{1} << 60}, Shape{}), i64({1}, Shape{})}, {}, "limit");
  check_op_error("Range", {f32({0}, Shape{}), f32({1e30f}, Shape{}), f32({1e-10f}, Shape{})}, {}, "too many");
  const Tensor a = i32({0}, Shape{}), b = i32({10}, Shape{}), c = i32({3}, Shape{});
  CHECK(infer("Range", {kScalar, kScalar, kScalar}, {&a, &b, &c})[0] == PartialShape({4}));
  CHECK(infer("Range", {kScalar, kScalar, kScalar}, {&a, nullptr, &c})[0] == PartialShape({-1}));
}
