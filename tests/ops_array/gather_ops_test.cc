// GatherV2, Gather, OneHot, Where, SparseToDense.
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

TEST_CASE("GatherV2: axis 0, axis 1, negative axis, scalar index") {
  const Tensor p = f32({1, 2, 3, 4, 5, 6}, Shape{3, 2});
  check_values(run_op1("GatherV2", {p, i32({2, 0}, Shape{2}), i32({0}, Shape{})}), {5, 6, 1, 2}, Shape{2, 2});
  check_values(run_op1("GatherV2", {p, i64({1}, Shape{1}), i32({1}, Shape{})}), {2, 4, 6}, Shape{3, 1});
  check_values(run_op1("GatherV2", {p, i32({1}, Shape{}), i64({-1}, Shape{})}), {2, 4, 6}, Shape{3});
  check_values(run_op1("GatherV2", {p, i32({0, 0, 2, 1}, Shape{2, 2}), i32({0}, Shape{})}), {1, 2, 1, 2, 5, 6, 3, 4},
               Shape{2, 2, 2});
  check_values(run_op1("GatherV2", {p, i32({}, Shape{0}), i32({0}, Shape{})}), {}, Shape{0, 2});
}

TEST_CASE("GatherV2: batch_dims=1") {
  const Tensor p = f32({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  check_values(run_op1("GatherV2", {p, i32({2, 0, 1, 1}, Shape{2, 2}), i32({1}, Shape{})}, {{"batch_dims", int64_t{1}}}),
               {3, 1, 5, 5}, Shape{2, 2});
  // params [2,3,2], indices [2,1], axis 1: out[b,j,:] = params[b, idx[b,j], :]
  check_values(run_op1("GatherV2", {iota_f32(Shape{2, 3, 2}), i32({2, 0}, Shape{2, 1}), i32({1}, Shape{})},
                       {{"batch_dims", int64_t{1}}}),
               {4, 5, 6, 7}, Shape{2, 1, 2});
  // axis 2 beyond batch_dims 1: out[b,o,j] = params[b,o,idx[b,j]]
  check_values(run_op1("GatherV2", {iota_f32(Shape{2, 2, 3}), i32({0, 2, 1, 1}, Shape{2, 2}), i32({2}, Shape{})},
                       {{"batch_dims", int64_t{-1}}}),
               {0, 2, 3, 5, 7, 7, 10, 10}, Shape{2, 2, 2});
  check_op_error("GatherV2", {p, i32({0, 0, 0}, Shape{3, 1}), i32({1}, Shape{})}, {{"batch_dims", int64_t{1}}},
                 "should be equal to indices.shape[0]");
  check_op_error("GatherV2", {p, i32({0, 0}, Shape{2, 1}), i32({0}, Shape{})}, {{"batch_dims", int64_t{1}}},
                 "less than or equal to axis");
}

TEST_CASE("GatherV2: strings and bad indices") {
  const Tensor s = strs({"a", "b", "c"}, Shape{3});
  check_strings(run_op1("GatherV2", {s, i32({2, 2, 0}, Shape{3}), i32({0}, Shape{})}), {"c", "c", "a"}, Shape{3});
  const Tensor p = f32({1, 2, 3}, Shape{3});
  check_op_error("GatherV2", {p, i32({0, -1}, Shape{2}), i32({0}, Shape{})}, {}, "indices[1] = -1 is not in [0, 3)");
  check_op_error("GatherV2", {p, i64({0, 3, 1, 1}, Shape{2, 2}), i32({0}, Shape{})}, {}, "indices[0,1] = 3");
  check_op_error("GatherV2", {p, i32({0}, Shape{1}), i32({1}, Shape{})}, {}, "axis in the range [-1, 1)");
  check_op_error("GatherV2", {f32({1}, Shape{}), i32({0}, Shape{1}), i32({0}, Shape{})}, {}, "at least 1 dimensional");
  check_op_error("GatherV2", {p, f32({0}, Shape{1}), i32({0}, Shape{})}, {}, "indices must be");
  const Tensor axis = i32({1}, Shape{});
  CHECK(infer("GatherV2", {PartialShape{-1, 5, 3}, PartialShape{4, 2}, kScalar}, {nullptr, nullptr, &axis})[0] ==
        PartialShape({-1, 4, 2, 3}));
}

TEST_CASE("Gather: the old op gathers along axis 0") {
  const Tensor p = f32({1, 2, 3, 4, 5, 6}, Shape{3, 2});
  check_values(run_op1("Gather", {p, i32({0, 2}, Shape{2, 1})}), {1, 2, 5, 6}, Shape{2, 1, 2});
  check_op_error("Gather", {p, i32({3}, Shape{1})}, {}, "not in [0, 3)");
}

TEST_CASE("OneHot: last axis, axis 0, 2-D indices, out-of-range indices") {
  const Tensor idx = i32({0, 2, -1, 1}, Shape{4});
  const Tensor on = f32({1}, Shape{}), off = f32({0}, Shape{});
  check_values(run_op1("OneHot", {idx, i32({3}, Shape{}), on, off}), {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0}, Shape{4, 3});
  check_values(run_op1("OneHot", {idx, i32({3}, Shape{}), on, off}, {{"axis", int64_t{0}}}),
               {1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0}, Shape{3, 4});
  check_values(run_op1("OneHot", {i64({0, 2, 1, -1}, Shape{2, 2}), i32({3}, Shape{}), i32({5}, Shape{}),
                                  i32({-1}, Shape{})},
                       {{"axis", int64_t{1}}}),
               {5, -1, -1, -1, -1, 5, -1, -1, 5, -1, -1, -1}, Shape{2, 3, 2});
  check_strings(run_op1("OneHot", {i32({1}, Shape{1}), i32({2}, Shape{}), Tensor::string_scalar("y"),
                                   Tensor::string_scalar("n")}),
                {"n", "y"}, Shape{1, 2});
  check_values(run_op1("OneHot", {idx, i32({0}, Shape{}), on, off}), {}, Shape{4, 0});
  check_op_error("OneHot", {idx, i32({-1}, Shape{}), on, off}, {}, "depth must be non-negative");
  check_op_error("OneHot", {idx, i32({3}, Shape{}), on, off}, {{"axis", int64_t{2}}}, "-1 or between [0, 2)");
  check_op_error("OneHot", {idx, i32({3}, Shape{}), on, i32({0}, Shape{})}, {}, "one dtype");
  const Tensor depth = i32({10}, Shape{});
  CHECK(infer("OneHot", {PartialShape{-1}, kScalar, kScalar, kScalar}, {nullptr, &depth})[0] ==
        PartialShape({-1, 10}));
}

TEST_CASE("Where: coordinates of true and non-zero elements") {
  const Tensor w = run_op1("Where", {bools({true, false, false, true, true, true}, Shape{3, 2})});
  CHECK(w.dtype() == DType::Int64);
  check_values(w, {0, 0, 1, 1, 2, 0, 2, 1}, Shape{4, 2});
  // -0.0 is zero, NaN is not.
  check_values(run_op1("Where", {f32({0.0f, -0.0f, NAN, 2.5f}, Shape{4})}), {2, 3}, Shape{2, 1});
  check_values(run_op1("Where", {bools({true}, Shape{})}), {}, Shape{1, 0});
  check_values(run_op1("Where", {bools({false, false}, Shape{2})}), {}, Shape{0, 1});
  check_op_error("Where", {strs({"a"}, Shape{1})}, {}, "string");
  CHECK(infer("Where", {PartialShape{-1, 3}}, {})[0] == PartialShape({-1, 2}));
}

TEST_CASE("SparseToDense: matrix and vector indices, scalar values, validation") {
  const Tensor d = run_op1("SparseToDense", {i32({0, 1, 2, 3}, Shape{2, 2}), i32({3, 4}, Shape{2}),
                                             f32({5, 6}, Shape{2}), f32({0}, Shape{})});
  check_values(d, {0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6}, Shape{3, 4});
  check_values(run_op1("SparseToDense", {i64({1, 3}, Shape{2}), i64({5}, Shape{1}), i32({7}, Shape{}),
                                         i32({-1}, Shape{})}),
               {-1, 7, -1, 7, -1}, Shape{5});
  check_values(run_op1("SparseToDense", {i32({2}, Shape{}), i32({3}, Shape{1}), f32({1}, Shape{}), f32({0}, Shape{})}),
               {0, 0, 1}, Shape{3});
  // Unsorted is fine without validation.
  check_values(run_op1("SparseToDense", {i32({3, 1}, Shape{2}), i32({4}, Shape{1}), f32({1, 2}, Shape{2}),
                                         f32({0}, Shape{})},
                       {{"validate_indices", false}}),
               {0, 2, 0, 1}, Shape{4});
  const Tensor shape = i32({4}, Shape{1}), val = f32({0}, Shape{});
  check_op_error("SparseToDense", {i32({4}, Shape{1}), shape, f32({1}, Shape{1}), val}, {}, "out of bounds");
  check_op_error("SparseToDense", {i32({3, 1}, Shape{2}), shape, f32({1, 2}, Shape{2}), val}, {}, "out of order");
  check_op_error("SparseToDense", {i32({1, 1}, Shape{2}), shape, f32({1, 2}, Shape{2}), val}, {}, "repeated");
  check_op_error("SparseToDense", {i32({0, 1}, Shape{2}), shape, f32({1, 2, 3}, Shape{3}), val}, {}, "incorrect shape");
  check_op_error("SparseToDense", {i32({0, 1}, Shape{2}), i32({2, 2}, Shape{2}), f32({1, 2}, Shape{2}), val}, {},
                 "output_shape has 2 elements");
}
