// Comparisons, logical ops, Select/SelectV2 and AddN.
#include "math_test_util.h"

using namespace frost;
using namespace frost::testing;

TEST_CASE("comparisons broadcast and output bool") {
  const Tensor x = f32({1, 2, 3}, {3});
  const Tensor two = Tensor::scalar<float>(2);
  check_equal(run_op1("Greater", {x, two}), boolean({0, 0, 1}, {3}));
  check_equal(run_op1("GreaterEqual", {x, two}), boolean({0, 1, 1}, {3}));
  check_equal(run_op1("Less", {x, two}), boolean({1, 0, 0}, {3}));
  check_equal(run_op1("LessEqual", {x, two}), boolean({1, 1, 0}, {3}));
  check_equal(run_op1("Equal", {x, two}), boolean({0, 1, 0}, {3}));
  check_equal(run_op1("NotEqual", {x, two}), boolean({1, 0, 1}, {3}));
  // [2,1] against [3]
  check_equal(run_op1("Less", {i32({1, 3}, {2, 1}), i32({0, 2, 4}, {3})}), boolean({0, 1, 1, 0, 0, 1}, {2, 3}));
  check_equal(run_op1("Greater", {i64({5}, {1}), i64({4, 6}, {2})}), boolean({1, 0}, {2}));
}

TEST_CASE("comparisons with NaN, bool and half") {
  check_equal(run_op1("Equal", {f32({kNaN, 1}, {2}), f32({kNaN, 1}, {2})}), boolean({0, 1}, {2}));
  check_equal(run_op1("NotEqual", {f32({kNaN}, {1}), f32({kNaN}, {1})}), boolean({1}, {1}));
  check_equal(run_op1("Equal", {boolean({1, 0}, {2}), boolean({1, 1}, {2})}), boolean({1, 0}, {2}));
  check_equal(run_op1("Greater", {f16({1.5f, 1}, {2}), f16({1, 1}, {2})}), boolean({1, 0}, {2}));
  check_error([] { run_op1("Greater", {boolean({1}, {1}), boolean({0}, {1})}); }, {"Greater", "bool"});
  check_error([] { run_op1("Less", {f32({1}, {1}), f64({1}, {1})}); }, {"Less", "float", "double"});
  check_error([] { run_op1("Equal", {f32({1, 2}, {2}), f32({1, 2, 3}, {3})}); }, {"Equal", "[2]", "[3]"});
}

TEST_CASE("Equal/NotEqual with incompatible_shape_error=false answer with a scalar") {
  const Attrs lenient{{"incompatible_shape_error", false}};
  check_equal(run_op1("Equal", {f32({1, 2}, {2}), f32({1, 2, 3}, {3})}, lenient), boolean({0}, {}));
  check_equal(run_op1("NotEqual", {f32({1, 2}, {2}), f32({1, 2, 3}, {3})}, lenient), boolean({1}, {}));
  check_equal(run_op1("Equal", {f32({1, 2}, {2}), f32({1, 3}, {2})}, lenient), boolean({1, 0}, {2}));
  // Statically, unknown dimensions leave the output shape open.
  const OpDef* def = OpRegistry::global().find("Equal");
  const Node node = make_node("Equal", 2, lenient);
  const ShapeContext ctx{node, {PartialShape{-1}, PartialShape{3}}, {nullptr, nullptr}};
  CHECK(!def->infer_shapes(ctx)[0].known_rank());
}

TEST_CASE("empty comparisons") {
  CHECK(run_op1("Less", {f32({}, {0, 2}), f32({1, 2}, {2})}).shape() == Shape{0, 2});
}

TEST_CASE("LogicalAnd and LogicalOr broadcast") {
  const Tensor x = boolean({1, 0}, {2, 1});
  const Tensor y = boolean({1, 0}, {2});
  check_equal(run_op1("LogicalAnd", {x, y}), boolean({1, 0, 0, 0}, {2, 2}));
  check_equal(run_op1("LogicalOr", {x, y}), boolean({1, 1, 1, 0}, {2, 2}));
  check_error([] { run_op1("LogicalAnd", {f32({1}, {1}), boolean({1}, {1})}); }, {"LogicalAnd", "bool"});
}

TEST_CASE("Select with a vector condition picks rows") {
  const Tensor x = f32({1, 2, 3, 4}, {2, 2});
  const Tensor y = f32({5, 6, 7, 8}, {2, 2});
  check_equal(run_op1("Select", {boolean({1, 0}, {2}), x, y}), f32({1, 2, 7, 8}, {2, 2}));
  check_equal(run_op1("Select", {boolean({0, 1, 1, 0}, {2, 2}), x, y}), f32({5, 2, 3, 8}, {2, 2}));
  check_equal(run_op1("Select", {boolean({0}, {}), x, y}), y);
  // A vector against vectors is element-wise.
  check_equal(run_op1("Select", {boolean({1, 0}, {2}), i64({1, 2}, {2}), i64({3, 4}, {2})}), i64({1, 4}, {2}));
  // Rank 3: the vector spans the first dimension.
  check_equal(run_op1("Select", {boolean({0, 1}, {2}), i32({1, 2, 3, 4}, {2, 1, 2}), i32({5, 6, 7, 8}, {2, 1, 2})}),
              i32({5, 6, 3, 4}, {2, 1, 2}));
  check_equal(run_op1("Select", {boolean({1}, {1}), f16({1.5f}, {1}), f16({2}, {1})}), f16({1.5f}, {1}));
}

TEST_CASE("Select rejects mismatched shapes and dtypes") {
  const Tensor x = f32({1, 2, 3, 4}, {2, 2});
  check_error([&] { run_op1("Select", {boolean({1, 0, 1}, {3}), x, x}); }, {"Select", "3", "[2,2]"});
  check_error([&] { run_op1("Select", {boolean({1}, {1}), x, f32({1, 2}, {2})}); }, {"Select", "[2,2]", "[2]"});
  check_error([&] { run_op1("Select", {f32({1}, {}), x, x}); }, {"Select", "bool"});
  check_error([&] { run_op1("Select", {boolean({1}, {}), x, i32({1, 2, 3, 4}, {2, 2})}); }, {"Select", "float", "int32"});
  check_error([&] { run_op1("Select", {boolean({1, 0, 1, 0, 1, 0}, {2, 3}), x, x}); }, {"Select", "[2,3]"});
}

TEST_CASE("SelectV2 broadcasts all three inputs") {
  const Tensor cond = boolean({1, 0}, {2, 1});
  const Tensor x = f32({1, 2, 3}, {1, 3});
  const Tensor y = Tensor::scalar<float>(-1);
  check_equal(run_op1("SelectV2", {cond, x, y}), f32({1, 2, 3, -1, -1, -1}, {2, 3}));
  check_equal(run_op1("SelectV2", {boolean({1, 0, 1}, {3}), Tensor::scalar<int32_t>(7), i32({1, 2, 3}, {3})}),
              i32({7, 2, 7}, {3}));
  CHECK(run_op1("SelectV2", {boolean({}, {0, 1}), x, y}).shape() == Shape{0, 3});
  check_error([&] { run_op1("SelectV2", {boolean({1, 0, 1, 0}, {4}), x, y}); }, {"SelectV2", "[4]", "[1,3]"});
}

TEST_CASE("AddN sums inputs of one shape") {
  check_equal(run_op1("AddN", {f32({1, 2}, {2}), f32({10, 20}, {2}), f32({100, 200}, {2})}), f32({111, 222}, {2}));
  check_equal(run_op1("AddN", {i32({1, 2}, {2, 1})}), i32({1, 2}, {2, 1}));
  check_equal(run_op1("AddN", {i64({1}, {}), i64({2}, {})}), i64({3}, {}));
  // Half rounds after each addition: (2048 + 1) -> 2048, + 1 -> 2048 again.
  check_equal(run_op1("AddN", {f16({2048}, {1}), f16({1}, {1}), f16({1}, {1})}), f16({2048}, {1}));
  check_error([] { run_op1("AddN", {f32({1, 2}, {2}), f32({1}, {1})}); }, {"AddN", "[2]", "[1]"});
  check_error([] { run_op1("AddN", {f32({1}, {1}), i32({1}, {1})}); }, {"AddN", "float", "int32"});
}
