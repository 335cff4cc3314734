// Reductions and ArgMax/ArgMin.
#include "math_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {
Tensor reduce(const std::string& op, const Tensor& x, std::vector<int32_t> axes, bool keep_dims = false) {
  const Tensor axes_t = i32(axes, {static_cast<int64_t>(axes.size())});
  return run_op1(op, {x, axes_t}, {{"keep_dims", keep_dims}, {"Tidx", DType::Int32}});
}
const Tensor k2x3 = f32({1, 2, 3, 4, 5, 6}, {2, 3});
}  // namespace

TEST_CASE("Sum, Mean, Max, Min, Prod over one axis") {
  check_equal(reduce("Sum", k2x3, {0}), f32({5, 7, 9}, {3}));
  check_equal(reduce("Sum", k2x3, {1}), f32({6, 15}, {2}));
  check_equal(reduce("Mean", k2x3, {0}), f32({2.5f, 3.5f, 4.5f}, {3}));
  check_equal(reduce("Max", k2x3, {1}), f32({3, 6}, {2}));
  check_equal(reduce("Min", k2x3, {0}), f32({1, 2, 3}, {3}));
  check_equal(reduce("Prod", k2x3, {1}), f32({6, 120}, {2}));
}

TEST_CASE("negative axes, several axes, keep_dims, scalar axis") {
  check_equal(reduce("Sum", k2x3, {-1}), f32({6, 15}, {2}));
  check_equal(reduce("Sum", k2x3, {0, 1}), f32({21}, {}));
  check_equal(reduce("Sum", k2x3, {1}, true), f32({6, 15}, {2, 1}));
  check_equal(reduce("Max", k2x3, {1, 0}, true), f32({6}, {1, 1}));
  check_equal(reduce("Sum", k2x3, {0, 0, -2}), f32({5, 7, 9}, {3}));  // duplicates allowed
  check_equal(run_op1("Sum", {k2x3, Tensor::scalar<int64_t>(-2)}), f32({5, 7, 9}, {3}));

  // [2,3,4] holding 12i + 4j + k; summing i and k leaves 8 terms per j: 60 + 32j.
  std::vector<float> v(24);
  for (int i = 0; i < 24; ++i) v[static_cast<size_t>(i)] = static_cast<float>(i);
  const Tensor x = f32(v, {2, 3, 4});
  check_equal(reduce("Sum", x, {0, 2}), f32({60, 92, 124}, {3}));
  check_equal(reduce("Sum", x, {-1, -3}, true), f32({60, 92, 124}, {1, 3, 1}));
  check_equal(reduce("Mean", x, {0, 2}), f32({7.5f, 11.5f, 15.5f}, {3}));
  check_equal(reduce("Max", x, {1}), f32({8, 9, 10, 11, 20, 21, 22, 23}, {2, 4}));
  check_equal(reduce("Min", x, {0, 1, 2}), f32({0}, {}));
}

TEST_CASE("an empty axis list is the identity") {
  check_equal(reduce("Sum", k2x3, {}), k2x3);
  check_equal(reduce("Mean", k2x3, {}, true), k2x3);
  check_equal(reduce("Prod", Tensor::scalar<float>(3), {}), Tensor::scalar<float>(3));
}

TEST_CASE("reducing zero elements gives TensorFlow's identities") {
  const Tensor empty = f32({}, {0, 3});
  check_equal(reduce("Sum", empty, {0}), f32({0, 0, 0}, {3}));
  check_equal(reduce("Prod", empty, {0}), f32({1, 1, 1}, {3}));
  check_equal(reduce("Max", empty, {0}), f32({-kInf, -kInf, -kInf}, {3}));
  check_equal(reduce("Min", empty, {0}), f32({kInf, kInf, kInf}, {3}));
  check_equal(reduce("Mean", empty, {0}), f32({kNaN, kNaN, kNaN}, {3}));
  check_equal(reduce("Max", i32({}, {0}), {0}), i32({std::numeric_limits<int32_t>::min()}, {}));
  check_equal(reduce("Min", i64({}, {0}), {0}), i64({std::numeric_limits<int64_t>::max()}, {}));
  check_equal(reduce("Mean", i32({}, {0}), {0}), i32({0}, {}));
  // Kept dimension of size zero: an empty output.
  CHECK(reduce("Sum", f32({}, {2, 0}), {0}).shape() == Shape{0});
  CHECK(reduce("Sum", empty, {1}, true).shape() == Shape{0, 1});
}

TEST_CASE("integer reductions: truncating Mean, wrapping Sum") {
  check_equal(reduce("Mean", i32({1, 2, -1, -2}, {2, 2}), {1}), i32({1, -1}, {2}));
  const int32_t max = std::numeric_limits<int32_t>::max();
  check_equal(reduce("Sum", i32({max, 1}, {2}), {0}), i32({std::numeric_limits<int32_t>::min()}, {}));
  // Mean of int8 sums in 64 bits: no overflow at 100 + 100.
  check_equal(reduce("Mean", Tensor::from_vector<int8_t>({100, 100}), {0}), Tensor::from_vector<int8_t>({100}, {}));
  check_equal(reduce("Prod", i64({-2, 3, 4}, {3}), {0}), i64({-24}, {}));
  check_equal(reduce("Max", u8({3, 250, 7}, {3}), {0}), u8({250}, {}));
}

TEST_CASE("float sums accumulate in double; Max/Min propagate NaN; half") {
  check_equal(reduce("Sum", f32({1e8f, 1, -1e8f}, {3}), {0}), f32({1}, {}));
  check_equal(reduce("Max", f32({1, kNaN, 3}, {3}), {0}), f32({kNaN}, {}));
  check_equal(reduce("Min", f32({kNaN, 1}, {2}), {0}), f32({kNaN}, {}));
  check_equal(reduce("Mean", f64({1, 2, 4}, {3}), {0}), f64({7.0 / 3}, {}));
  check_equal(reduce("Sum", f16({1, 2, 3.5f}, {3}), {0}), f16({6.5f}, {}));
}

TEST_CASE("bad reduction arguments are errors naming the op") {
  check_error([] { reduce("Sum", k2x3, {2}); }, {"Sum", "axis 2", "rank 2"});
  check_error([] { reduce("Mean", k2x3, {-3}); }, {"Mean", "-3"});
  check_error([] { reduce("Max", Tensor::scalar<float>(1), {0}); }, {"Max", "rank 0"});
  check_error([] { run_op1("Sum", {k2x3, f32({0}, {1})}); }, {"Sum", "int32 or int64"});
  check_error([] { run_op1("Sum", {k2x3, i32({0}, {1, 1})}); }, {"Sum", "[1,1]"});
  check_error([] { reduce("Prod", boolean({1}, {1}), {0}); }, {"Prod", "bool"});
}

TEST_CASE("reduction shape functions") {
  const OpDef* def = OpRegistry::global().find("Sum");
  REQUIRE(def != nullptr);
  Node node = make_node("Sum", 2, {{"keep_dims", true}});
  const Tensor axis = i32({1}, {1});
  ShapeContext ctx{node, {PartialShape{-1, 5, 7}, PartialShape{1}}, {nullptr, &axis}};
  CHECK(def->infer_shapes(ctx)[0] == PartialShape({-1, 1, 7}));
  ctx.input_values[1] = nullptr;
  CHECK(def->infer_shapes(ctx)[0] == PartialShape({-1, -1, -1}));
  node.attrs["keep_dims"] = false;
  CHECK(!def->infer_shapes(ctx)[0].known_rank());
  ctx.input_values[1] = &axis;
  CHECK(def->infer_shapes(ctx)[0] == PartialShape({-1, 7}));
}

TEST_CASE("ArgMax and ArgMin pick the first of ties") {
  const Tensor x = f32({1, 3, 3, 5, 0, 5}, {2, 3});
  check_equal(run_op1("ArgMax", {x, Tensor::scalar<int32_t>(1)}), i64({1, 0}, {2}));
  check_equal(run_op1("ArgMax", {x, Tensor::scalar<int32_t>(0)}), i64({1, 0, 1}, {3}));
  check_equal(run_op1("ArgMin", {x, Tensor::scalar<int64_t>(-1)}), i64({0, 1}, {2}));
  check_equal(run_op1("ArgMax", {x, Tensor::scalar<int32_t>(-1)}, {{"output_type", DType::Int32}}), i32({1, 0}, {2}));
  check_equal(run_op1("ArgMin", {i32({4, -2, -2, 7}, {4}), Tensor::scalar<int32_t>(0)}), i64({1}, {}));
  check_equal(run_op1("ArgMax", {f16({0.5f, 2, 1}, {1, 3}), Tensor::scalar<int32_t>(1)}), i64({1}, {1}));
  // [2,0] along axis 0: every (empty) column has 2 candidates, the output is empty.
  CHECK(run_op1("ArgMax", {f32({}, {2, 0}), Tensor::scalar<int32_t>(0)}).shape() == Shape{0});
}

TEST_CASE("ArgMax errors") {
  check_error([] { run_op1("ArgMax", {f32({}, {0, 2}), Tensor::scalar<int32_t>(0)}); }, {"ArgMax", "empty"});
  check_error([] { run_op1("ArgMax", {k2x3, Tensor::scalar<int32_t>(2)}); }, {"ArgMax", "dimension 2"});
  check_error([] { run_op1("ArgMin", {k2x3, i32({0, 1}, {2})}); }, {"ArgMin", "scalar"});
  check_error([] { run_op1("ArgMax", {k2x3, Tensor::scalar<int32_t>(0)}, {{"output_type", DType::Float}}); },
              {"ArgMax", "output_type"});
}
