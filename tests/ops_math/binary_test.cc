// Binary arithmetic ops: broadcasting, dtypes, TensorFlow's integer rules.
#include <cmath>
#include <span>

#include "kernels/elementwise.h"

#include "math_test_util.h"

using namespace frost;
using namespace frost::testing;

TEST_CASE("Add broadcasts [4,1,3] with [5,1] to [4,5,3]") {
  std::vector<float> xv(12), want(60);
  for (int i = 0; i < 12; ++i) xv[static_cast<size_t>(i)] = static_cast<float>(i);
  const Tensor x = f32(xv, {4, 1, 3});
  const Tensor y = f32({0, 10, 20, 30, 40}, {5, 1});
  // out[i][j][k] = x[i][0][k] + y[j][0] = (3i + k) + 10j
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 5; ++j)
      for (int k = 0; k < 3; ++k) want[static_cast<size_t>(i * 15 + j * 3 + k)] = static_cast<float>(3 * i + k + 10 * j);
  check_equal(run_op1("Add", {x, y}), f32(want, {4, 5, 3}));
  // Swapped operands give the same numbers.
  check_equal(run_op1("AddV2", {y, x}), f32(want, {4, 5, 3}));
}

TEST_CASE("Sub and Mul with a scalar and with a row") {
  const Tensor x = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  check_equal(run_op1("Mul", {x, Tensor::scalar<float>(2)}), f32({2, 4, 6, 8, 10, 12}, {2, 3}));
  check_equal(run_op1("Sub", {Tensor::scalar<float>(10), x}), f32({9, 8, 7, 6, 5, 4}, {2, 3}));
  check_equal(run_op1("Sub", {x, f32({1, 2, 3}, {3})}), f32({0, 0, 0, 3, 3, 3}, {2, 3}));
  // Column vector [2,1] against a row [3]: an outer product.
  check_equal(run_op1("Mul", {f32({1, 2}, {2, 1}), f32({1, 10, 100}, {3})}), f32({1, 10, 100, 2, 20, 200}, {2, 3}));
  check_equal(run_op1("Add", {Tensor::scalar<float>(1.5f), Tensor::scalar<float>(2)}), Tensor::scalar<float>(3.5f));
}

TEST_CASE("empty tensors broadcast to empty outputs") {
  CHECK(run_op1("Add", {f32({}, {0, 3}), f32({1, 2, 3}, {3})}).shape() == Shape{0, 3});
  CHECK(run_op1("Mul", {f32({}, {0}), Tensor::scalar<float>(2)}).shape() == Shape{0});
  CHECK(run_op1("Maximum", {f32({}, {2, 0}), f32({1, 2}, {2, 1})}).shape() == Shape{2, 0});
  CHECK(run_op1("FloorDiv", {i32({}, {0}), i32({0}, {1})}).shape() == Shape{0});  // no element divides by 0
}

TEST_CASE("incompatible shapes and mixed dtypes are errors naming the op") {
  check_error([] { run_op1("Add", {f32({1, 2, 3, 4, 5, 6}, {2, 3}), f32({1, 2, 3, 4}, {4})}); },
              {"Add", "[2,3]", "[4]"});
  check_error([] { run_op1("Mul", {f32({1}, {1}), i32({1}, {1})}); }, {"Mul", "float", "int32"});
  check_error([] { run_op1("RealDiv", {i32({1}, {1}), i32({1}, {1})}); }, {"RealDiv", "int32"});
  check_error([] { run_op1("Add", {boolean({1}, {1}), boolean({1}, {1})}); }, {"Add", "bool"});
  check_error([] { run_op1("Sub", {f32({1}, {1})}); }, {"Sub", "2 inputs"});
}

TEST_CASE("RealDiv and Div on floats") {
  check_equal(run_op1("RealDiv", {f32({1, -1, 0, 3}, {4}), f32({4, 0, 0, 2}, {4})}),
              f32({0.25f, -kInf, kNaN, 1.5f}, {4}));
  check_equal(run_op1("Div", {f64({7, -7}, {2}), Tensor::scalar<double>(2)}), f64({3.5, -3.5}, {2}));
}

TEST_CASE("integer Div truncates, FloorDiv floors, FloorMod follows the divisor") {
  const Tensor x = i32({-7, 7, -7, 7, 6}, {5});
  const Tensor y = i32({2, -2, -2, 2, 3}, {5});
  check_equal(run_op1("Div", {x, y}), i32({-3, -3, 3, 3, 2}, {5}));
  check_equal(run_op1("FloorDiv", {x, y}), i32({-4, -4, 3, 3, 2}, {5}));
  check_equal(run_op1("FloorMod", {x, y}), i32({1, -1, -1, 1, 0}, {5}));
  check_equal(run_op1("FloorDiv", {i64({-1}, {1}), i64({3}, {1})}), i64({-1}, {1}));
  check_equal(run_op1("FloorMod", {i64({-1}, {1}), i64({3}, {1})}), i64({2}, {1}));
  // INT_MIN / -1 wraps instead of trapping; its remainder is 0.
  const int32_t min = std::numeric_limits<int32_t>::min();
  check_equal(run_op1("FloorDiv", {i32({min}, {1}), i32({-1}, {1})}), i32({min}, {1}));
  check_equal(run_op1("FloorMod", {i32({min}, {1}), i32({-1}, {1})}), i32({0}, {1}));
  // Unsigned.
  check_equal(run_op1("FloorDiv", {u8({200, 7}, {2}), u8({7, 200}, {2})}), u8({28, 0}, {2}));
}

TEST_CASE("integer division by zero is an error") {
  check_error([] { run_op1("FloorDiv", {i32({1, 2}, {2}), i32({1, 0}, {2})}); }, {"FloorDiv", "division by zero"});
  check_error([] { run_op1("FloorMod", {i64({1}, {1}), Tensor::scalar<int64_t>(0)}); }, {"FloorMod", "division by zero"});
  check_error([] { run_op1("Div", {i32({1}, {1}), i32({0}, {1})}); }, {"Div", "division by zero"});
}

TEST_CASE("float FloorDiv and FloorMod") {
  check_equal(run_op1("FloorDiv", {f32({-7.5f, 7.5f}, {2}), f32({2, -2}, {2})}), f32({-4, -4}, {2}));
  check_equal(run_op1("FloorMod", {f32({-7.5f, 7.5f, 7.5f, -7.5f}, {4}), f32({2, -2, 2, -2}, {4})}),
              f32({0.5f, -0.5f, 1.5f, -1.5f}, {4}));
}

TEST_CASE("Pow: negative bases with integer exponents, integer powers") {
  const Tensor out = run_op1("Pow", {f32({-2, -2, -8, 2, 0}, {5}), f32({3, 2, 1.0f / 3, -1, 0}, {5})});
  check_equal(out, f32({-8, 4, kNaN, 0.5f, 1}, {5}));
  check_equal(run_op1("Pow", {i32({3, -2, 5, 0}, {4}), i32({4, 3, 0, 0}, {4})}), i32({81, -8, 1, 1}, {4}));
  check_equal(run_op1("Pow", {i64({2}, {1}), Tensor::scalar<int64_t>(62)}), i64({int64_t{1} << 62}, {1}));
  check_error([] { run_op1("Pow", {i32({2}, {1}), i32({-1}, {1})}); }, {"Pow", "negative"});
}

TEST_CASE("Maximum and Minimum propagate NaN; SquaredDifference") {
  check_equal(run_op1("Maximum", {f32({1, kNaN, 3, -1}, {4}), f32({2, 1, kNaN, -2}, {4})}), f32({2, kNaN, kNaN, -1}, {4}));
  check_equal(run_op1("Minimum", {f32({1, kNaN, 3, -1}, {4}), f32({2, 1, kNaN, -2}, {4})}), f32({1, kNaN, kNaN, -2}, {4}));
  check_equal(run_op1("Maximum", {i32({1, -5}, {2}), Tensor::scalar<int32_t>(0)}), i32({1, 0}, {2}));
  check_equal(run_op1("Minimum", {i64({1, -5}, {2}), Tensor::scalar<int64_t>(0)}), i64({0, -5}, {2}));
  check_equal(run_op1("SquaredDifference", {f32({1, 5}, {2}), f32({4, 5}, {2})}), f32({9, 0}, {2}));
  check_equal(run_op1("SquaredDifference", {i32({1, -3}, {2}), i32({4, 3}, {2})}), i32({9, 36}, {2}));
}

TEST_CASE("integer arithmetic wraps; int32 shape arithmetic") {
  check_equal(run_op1("Mul", {u8({200, 16}, {2}), u8({2, 16}, {2})}), u8({144, 0}, {2}));
  const int32_t max = std::numeric_limits<int32_t>::max();
  check_equal(run_op1("Add", {i32({max}, {1}), i32({1}, {1})}), i32({std::numeric_limits<int32_t>::min()}, {1}));
  check_equal(run_op1("Add", {i32({2, 3}, {2}), Tensor::scalar<int32_t>(-1)}), i32({1, 2}, {2}));
  check_equal(run_op1("Sub", {i64({10}, {1}), i64({12}, {1})}), i64({-2}, {1}));
  check_equal(run_op1("Mul", {i64({3, 4}, {2}), i64({5}, {1})}), i64({15, 20}, {2}));
}

TEST_CASE("half and bfloat16 compute in float and round to nearest even") {
  // 1 + 2^-11 is half-way between two halves: rounds to even, i.e. 1.
  const Tensor h = run_op1("Add", {f16({1, 2}, {2}), f16({0.00048828125f, 0.5f}, {2})});
  CHECK(h.dtype() == DType::Half);
  check_equal(h, f16({1, 2.5f}, {2}));
  check_equal(run_op1("Mul", {bf16({3, -2}, {2}), bf16({1.5f, 0.25f}, {2})}), bf16({4.5f, -0.5f}, {2}));
  check_error([] { run_op1("Add", {f16({1}, {1}), f32({1}, {1})}); }, {"half", "float"});
}

TEST_CASE("binary shape function broadcasts partial shapes") {
  const OpDef* def = OpRegistry::global().find("Add");
  REQUIRE(def != nullptr);
  const Node node = make_node("Add", 2, {});
  ShapeContext ctx{node, {PartialShape{-1, 3}, PartialShape{4, 1}}, {nullptr, nullptr}};
  CHECK(def->infer_shapes(ctx)[0] == PartialShape({4, 3}));
  ctx.input_shapes = {PartialShape{2, 3}, PartialShape::unknown()};
  CHECK(!def->infer_shapes(ctx)[0].known_rank());
  ctx.input_shapes = {PartialShape{2, 3}, PartialShape{4}};
  check_error([&] { def->infer_shapes(ctx); }, {"Add", "[2,3]", "[4]"});
}

TEST_CASE("broadcast plan merges dimensions; too many distinct ones is an error") {
  const std::vector<int64_t> out{4, 5, 3}, a{4, 1, 3}, b{5, 1};
  const std::vector<std::span<const int64_t>> inputs{a, b};
  kernels::Broadcast plan;
  REQUIRE(kernels::plan_broadcast(out, inputs, &plan));
  CHECK(plan.rank == 3);
  CHECK(plan.num_elements == 60);
  CHECK(plan.strides[0][0] == 3);  // a walks dims 0 and 2, is broadcast along 1
  CHECK(plan.strides[0][1] == 0);
  CHECK(plan.strides[1][0] == 0);  // b walks dim 1 only
  CHECK(plan.strides[1][1] == 1);
  CHECK(plan.strides[1][2] == 0);
  const std::vector<int64_t> same{2, 3, 4};
  const std::vector<std::span<const int64_t>> equal_inputs{same, same};
  REQUIRE(kernels::plan_broadcast(same, equal_inputs, &plan));
  CHECK(plan.rank == 1);  // no broadcasting: one flat loop
  CHECK(plan.out_dims[0] == 24);

  std::vector<int64_t> x(10), y(10);
  for (size_t i = 0; i < 10; ++i) {
    x[i] = i % 2 ? 1 : 2;
    y[i] = i % 2 ? 2 : 1;
  }
  Tensor tx(DType::Float, Shape(x)), ty(DType::Float, Shape(y));
  check_error([&] { run_op1("Add", {tx, ty}); }, {"Add", "more than 8"});
}
