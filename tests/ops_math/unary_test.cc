// Unary element-wise ops.
#include <cmath>

#include "math_test_util.h"

using namespace frost;
using namespace frost::testing;

TEST_CASE("Rsqrt, Sqrt, Log, Log1p and Exp at their edges") {
  check_equal(run_op1("Rsqrt", {f32({0, 4, 0.25f, -1}, {4})}), f32({kInf, 0.5f, 2, kNaN}, {4}));
  check_equal(run_op1("Sqrt", {f32({0, 9, -1}, {3})}), f32({0, 3, kNaN}, {3}));
  check_equal(run_op1("Log", {f32({0, 1, -1}, {3})}), f32({-kInf, 0, kNaN}, {3}));
  check_close(run_op1("Log", {f32({static_cast<float>(M_E)}, {1})}), f32({1}, {1}), 1e-6);
  check_equal(run_op1("Log1p", {f32({0, -1}, {2})}), f32({0, -kInf}, {2}));
  check_close(run_op1("Log1p", {f64({1e-10}, {1})}), f64({1e-10 - 5e-21}, {1}), 1e-25);
  check_equal(run_op1("Exp", {f32({0, -kInf}, {2})}), f32({1, 0}, {2}));
  check_close(run_op1("Exp", {f64({1}, {1})}), f64({M_E}, {1}), 1e-15);
}

TEST_CASE("Square, Abs, Neg, Reciprocal, Sign on floats") {
  check_equal(run_op1("Square", {f32({-3, 0.5f}, {2})}), f32({9, 0.25f}, {2}));
  check_equal(run_op1("Abs", {f32({-2.5f, 2.5f, -0.0f}, {3})}), f32({2.5f, 2.5f, 0}, {3}));
  check_equal(run_op1("Neg", {f32({-2.5f, 3}, {2})}), f32({2.5f, -3}, {2}));
  check_equal(run_op1("Reciprocal", {f32({4, 0, -0.5f}, {3})}), f32({0.25f, kInf, -2}, {3}));
  check_equal(run_op1("Inv", {f64({8}, {1})}), f64({0.125}, {1}));
  check_equal(run_op1("Sign", {f32({-3, 0, 2, kNaN}, {4})}), f32({-1, 0, 1, kNaN}, {4}));
}

TEST_CASE("Floor, Ceil and Round (half to even)") {
  check_equal(run_op1("Floor", {f32({-1.5f, 1.5f, 2}, {3})}), f32({-2, 1, 2}, {3}));
  check_equal(run_op1("Ceil", {f32({-1.5f, 1.5f, 2}, {3})}), f32({-1, 2, 2}, {3}));
  check_equal(run_op1("Round", {f32({0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.6f, -2.4f}, {7})}),
              f32({0, 2, 2, -0.0f, -2, 3, -2}, {7}));
  check_equal(run_op1("Round", {i32({3, -3}, {2})}), i32({3, -3}, {2}));
}

TEST_CASE("integer unary ops wrap like two's complement") {
  const int32_t min = std::numeric_limits<int32_t>::min();
  check_equal(run_op1("Abs", {i32({-5, 5, min}, {3})}), i32({5, 5, min}, {3}));
  check_equal(run_op1("Neg", {i64({-5, 7}, {2})}), i64({5, -7}, {2}));
  check_equal(run_op1("Square", {i32({-7, 65536}, {2})}), i32({49, 0}, {2}));
  check_equal(run_op1("Sign", {i32({-7, 0, 9}, {3})}), i32({-1, 0, 1}, {3}));
}

TEST_CASE("float-only unary ops refuse integers; half computes in float") {
  check_error([] { run_op1("Sqrt", {i32({4}, {1})}); }, {"Sqrt", "int32"});
  check_error([] { run_op1("Log", {boolean({1}, {1})}); }, {"Log", "bool"});
  // sqrt(2) = 1.41421356... rounds to the half 1448/1024.
  check_equal(run_op1("Sqrt", {f16({2}, {1})}), f16({1448.0f / 1024}, {1}));
  check_equal(run_op1("Neg", {bf16({1.5f}, {1})}), bf16({-1.5f}, {1}));
}

TEST_CASE("unary ops keep shape, including empty and scalar") {
  CHECK(run_op1("Exp", {f32({}, {3, 0})}).shape() == Shape{3, 0});
  check_equal(run_op1("Abs", {Tensor::scalar<float>(-2)}), Tensor::scalar<float>(2));
}

TEST_CASE("LogicalNot") {
  check_equal(run_op1("LogicalNot", {boolean({1, 0}, {2})}), boolean({0, 1}, {2}));
  check_error([] { run_op1("LogicalNot", {f32({1}, {1})}); }, {"LogicalNot", "bool"});
}
