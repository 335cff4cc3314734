// Graph plumbing ops: placeholders, constants and the identity family.
#include <doctest/doctest.h>

#include "op_test_util.h"

using namespace frost;
using namespace frost::testing;

TEST_CASE("Const returns its value; a dtype attr that disagrees is an error") {
  const Tensor v = f32({1, 2, 3}, Shape{3});
  check_close(run_op1("Const", {}, {{"value", v}, {"dtype", DType::Float}}), v);
  CHECK_THROWS_WITH_AS(run_op("Const", {}, {{"value", v}, {"dtype", DType::Int32}}),
                       doctest::Contains("attr dtype is int32"), Error);
}

TEST_CASE("Placeholder has no value unless fed; PlaceholderWithDefault passes its default") {
  CHECK_THROWS_WITH_AS(run_op("Placeholder", {}, {{"dtype", DType::Float}, {"shape", PartialShape{-1, 2}}}),
                       doctest::Contains("feed it"), Error);
  const Tensor d = i32({4, 5}, Shape{2});
  check_close(run_op1("PlaceholderWithDefault", {d}, {{"dtype", DType::Int32}, {"shape", PartialShape{2}}}), d);
}

TEST_CASE("identity family forwards values unchanged, IdentityN forwards each input") {
  const Tensor x = f32({-1, 0.5f}, Shape{1, 2});
  for (const char* op : {"Identity", "Snapshot", "StopGradient", "PreventGradient"}) {
    CAPTURE(op);
    check_close(run_op1(op, {x}), x);
  }
  const auto outs = run_op("IdentityN", {x, i32({7}, Shape{1})});
  REQUIRE(outs.size() == 2);
  check_close(outs[0], x);
  CHECK(outs[1].data<int32_t>()[0] == 7);
  CHECK(run_op("NoOp", {}).empty());
}

TEST_CASE("CheckNumerics passes finite tensors and fails on NaN or Inf with its message") {
  check_close(run_op1("CheckNumerics", {f32({1, 2}, Shape{2})}, {{"message", "weights"}}), f32({1, 2}, Shape{2}));
  CHECK_THROWS_WITH_AS(run_op("CheckNumerics", {f32({1, NAN}, Shape{2})}, {{"message", "weights"}}),
                       doctest::Contains("weights: tensor has NaN"), Error);
  CHECK_THROWS_WITH_AS(run_op("CheckNumerics", {f32({INFINITY}, Shape{1})}), doctest::Contains("Inf"), Error);
}
