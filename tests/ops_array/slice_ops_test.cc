// StridedSlice (every mask alone and combined), Slice, Split, SplitV, Unpack.
#include "array_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {
Tensor iota_f32(Shape s) {
  Tensor t(DType::Float, std::move(s));
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = static_cast<float>(i);
  return t;
}

struct SliceSpec {
  std::vector<int32_t> begin, end, strides;
  int64_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
};

Attrs masks(const SliceSpec& s) {
  return {{"begin_mask", s.begin_mask},       {"end_mask", s.end_mask},
          {"ellipsis_mask", s.ellipsis_mask}, {"new_axis_mask", s.new_axis_mask},
          {"shrink_axis_mask", s.shrink_axis_mask}, {"T", DType::Float}, {"Index", DType::Int32}};
}

Tensor strided_slice(const Tensor& x, const SliceSpec& s) {
  const auto n = static_cast<int64_t>(s.begin.size());
  return run_op1("StridedSlice", {x, i32(s.begin, Shape{n}), i32(s.end, Shape{n}), i32(s.strides, Shape{n})}, masks(s));
}

void check_slice_error(const Tensor& x, const SliceSpec& s, const std::string& fragment) {
  const auto n = static_cast<int64_t>(s.begin.size());
  check_op_error("StridedSlice", {x, i32(s.begin, Shape{n}), i32(s.end, Shape{n}), i32(s.strides, Shape{n})},
                 masks(s), fragment);
}
}  // namespace

TEST_CASE("StridedSlice: plain ranges with steps") {
  const Tensor x = iota_f32(Shape{2, 3, 4});  // x[a,b,c] = 12a + 4b + c
  check_values(strided_slice(x, {{0, 1, 0}, {2, 3, 4}, {1, 1, 2}}), {4, 6, 8, 10, 16, 18, 20, 22}, Shape{2, 2, 2});
  // Fewer indices than dims: the rest are taken whole (implicit trailing ellipsis).
  check_values(strided_slice(x, {{1}, {2}, {1}}), {12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}, Shape{1, 3, 4});
}

TEST_CASE("StridedSlice: begin_mask and end_mask alone") {
  const Tensor x = iota_f32(Shape{6});
  check_values(strided_slice(x, {{3}, {4}, {1}, 1}), {0, 1, 2, 3}, Shape{4});         // x[:4]
  check_values(strided_slice(x, {{2}, {0}, {1}, 0, 1}), {2, 3, 4, 5}, Shape{4});      // x[2:]
  check_values(strided_slice(x, {{0}, {0}, {2}, 1, 1}), {0, 2, 4}, Shape{3});         // x[::2]
}

TEST_CASE("StridedSlice: ellipsis_mask alone and with shrink") {
  const Tensor x = iota_f32(Shape{2, 3, 4});
  // x[..., 1]
  check_values(strided_slice(x, {{0, 1}, {0, 2}, {1, 1}, 0, 0, 1, 0, 2}), {1, 5, 9, 13, 17, 21}, Shape{2, 3});
  // x[...] is the whole tensor
  const Tensor all = strided_slice(x, {{0}, {0}, {1}, 0, 0, 1});
  CHECK(all.shape() == x.shape());
  check_slice_error(x, {{0, 0}, {0, 0}, {1, 1}, 0, 0, 3}, "multiple ellipses");
}

TEST_CASE("StridedSlice: new_axis_mask alone") {
  const Tensor x = iota_f32(Shape{2, 3});
  check_values(strided_slice(x, {{0}, {0}, {1}, 0, 0, 0, 1}), {0, 1, 2, 3, 4, 5}, Shape{1, 2, 3});  // x[tf.newaxis]
  // x[:, tf.newaxis]
  check_values(strided_slice(x, {{0, 0}, {0, 0}, {1, 1}, 1, 1, 0, 2}), {0, 1, 2, 3, 4, 5}, Shape{2, 1, 3});
  // x[tf.newaxis, ..., tf.newaxis]
  check_values(strided_slice(x, {{0, 0, 0}, {0, 0, 0}, {1, 1, 1}, 0, 0, 2, 5}), {0, 1, 2, 3, 4, 5},
               Shape{1, 2, 3, 1});
}

TEST_CASE("StridedSlice: shrink_axis_mask alone, first and last axis, negative index") {
  const Tensor x = iota_f32(Shape{2, 3, 4});
  check_values(strided_slice(x, {{1}, {2}, {1}, 0, 0, 0, 0, 1}), {12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23},
               Shape{3, 4});  // x[1]
  // x[:, :, -1]: shrink on the last axis with a negative index (end 0 is ignored).
  check_values(strided_slice(x, {{0, 0, -1}, {0, 0, 0}, {1, 1, 1}, 3, 3, 0, 0, 4}), {3, 7, 11, 15, 19, 23},
               Shape{2, 3});
  // Keras reads the batch size as tf.shape(x)[0]: a scalar out of a shape vector.
  const Tensor shape = i32({5, 28, 28, 1}, Shape{4});
  const Tensor batch = run_op1("StridedSlice", {shape, i32({0}, Shape{1}), i32({1}, Shape{1}), i32({1}, Shape{1})},
                               {{"shrink_axis_mask", int64_t{1}}});
  CHECK(batch.dtype() == DType::Int32);
  check_values(batch, {5}, Shape{});
  check_slice_error(iota_f32(Shape{6}), {{6}, {7}, {1}, 0, 0, 0, 0, 1}, "out of bounds");
  check_slice_error(iota_f32(Shape{6}), {{-7}, {-6}, {1}, 0, 0, 0, 0, 1}, "out of bounds");
  check_slice_error(iota_f32(Shape{6}), {{1}, {2}, {-1}, 0, 0, 0, 0, 1}, "stride 1");
}

TEST_CASE("StridedSlice: combined x[..., 1:3, tf.newaxis, 0]") {
  const Tensor x = iota_f32(Shape{2, 3, 4});
  // Sparse spec: [ellipsis, 1:3, newaxis, 0] -> x[a, b, 0] for b in {1, 2}, a new axis after b.
  check_values(strided_slice(x, {{0, 1, 0, 0}, {0, 3, 0, 1}, {1, 1, 1, 1}, 0, 0, 1, 4, 8}), {4, 8, 16, 20},
               Shape{2, 2, 1});
}

TEST_CASE("StridedSlice: negative strides reverse") {
  const Tensor x = iota_f32(Shape{6});
  check_values(strided_slice(x, {{0}, {0}, {-1}, 1, 1}), {5, 4, 3, 2, 1, 0}, Shape{6});  // x[::-1]
  check_values(strided_slice(x, {{4}, {1}, {-2}}), {4, 2}, Shape{2});                  // x[4:1:-2]
  check_values(strided_slice(x, {{-1}, {-7}, {-1}}), {5, 4, 3, 2, 1, 0}, Shape{6});    // x[-1:-7:-1]
  check_values(strided_slice(x, {{0}, {2}, {-1}, 1}), {5, 4, 3}, Shape{3});            // x[:2:-1]
  check_values(strided_slice(x, {{2}, {4}, {-1}}), {}, Shape{0});                      // x[2:4:-1]
  const Tensor m = iota_f32(Shape{3, 4});
  check_values(strided_slice(m, {{0, 0}, {0, 0}, {-1, 2}, 3, 3}), {8, 10, 4, 6, 0, 2}, Shape{3, 2});  // m[::-1, ::2]
  check_strings(strided_slice(strs({"a", "b", "c"}, Shape{3}), {{0}, {0}, {-1}, 1, 1}), {"c", "b", "a"}, Shape{3});
}

TEST_CASE("StridedSlice: out-of-range begin/end clamp as TensorFlow") {
  const Tensor x = iota_f32(Shape{6});
  check_values(strided_slice(x, {{2}, {100}, {1}}), {2, 3, 4, 5}, Shape{4});
  check_values(strided_slice(x, {{-100}, {3}, {1}}), {0, 1, 2}, Shape{3});
  check_values(strided_slice(x, {{10}, {20}, {1}}), {}, Shape{0});
  check_values(strided_slice(x, {{5}, {2}, {1}}), {}, Shape{0});
  check_values(strided_slice(x, {{100}, {-100}, {-2}}), {5, 3, 1}, Shape{3});
  // A zero-sized dim slices to nothing without error.
  check_values(strided_slice(Tensor(DType::Float, Shape{0, 2}), {{0}, {5}, {1}}), {}, Shape{0, 2});
}

TEST_CASE("StridedSlice: bad specs") {
  const Tensor x = iota_f32(Shape{2, 3});
  check_slice_error(x, {{0}, {1}, {0}}, "must be non-zero");
  check_slice_error(x, {{0, 0, 0}, {1, 1, 1}, {1, 1, 1}}, "index out of range");
  check_op_error("StridedSlice", {x, i32({0, 0}, Shape{2}), i32({1}, Shape{1}), i32({1, 1}, Shape{2})}, {},
                 "equal length");
}

TEST_CASE("StridedSlice shape function: partial input and constant spec") {
  const Tensor b = i32({0}, Shape{1}), e = i32({1}, Shape{1}), s = i32({1}, Shape{1});
  // tf.shape(x)[0] where x has unknown batch: a scalar.
  CHECK(infer("StridedSlice", {PartialShape{4}, PartialShape{1}, PartialShape{1}, PartialShape{1}}, {nullptr, &b, &e, &s},
              {{"shrink_axis_mask", int64_t{1}}})[0] == kScalar);
  // x[:, 2:5] with unknown batch.
  const Tensor b2 = i32({0, 2}, Shape{2}), e2 = i32({0, 5}, Shape{2}), s2 = i32({1, 1}, Shape{2});
  CHECK(infer("StridedSlice", {PartialShape{-1, 10}, PartialShape{2}, PartialShape{2}, PartialShape{2}},
              {nullptr, &b2, &e2, &s2}, {{"begin_mask", int64_t{1}}, {"end_mask", int64_t{1}}})[0] ==
        PartialShape({-1, 3}));
  // begin/end unknown, strides known: shrunk axes go, unmasked ones are unknown.
  CHECK(infer("StridedSlice", {PartialShape{7, 10}, PartialShape{2}, PartialShape{2}, PartialShape{2}},
              {nullptr, nullptr, nullptr, &s2}, {{"shrink_axis_mask", int64_t{1}}})[0] == PartialShape({-1}));
}

TEST_CASE("Slice: begin and size with -1") {
  const Tensor x = iota_f32(Shape{3, 4});
  check_values(run_op1("Slice", {x, i32({1, 1}, Shape{2}), i32({2, -1}, Shape{2})}), {5, 6, 7, 9, 10, 11},
               Shape{2, 3});
  check_values(run_op1("Slice", {x, i64({0, 3}, Shape{2}), i64({3, 1}, Shape{2})}), {3, 7, 11}, Shape{3, 1});
  check_values(run_op1("Slice", {x, i32({3, 0}, Shape{2}), i32({0, 4}, Shape{2})}), {}, Shape{0, 4});
  check_op_error("Slice", {x, i32({4, 0}, Shape{2}), i32({1, 1}, Shape{2})}, {}, "begin[0] in [0, 3]");
  check_op_error("Slice", {x, i32({1, 1}, Shape{2}), i32({3, 1}, Shape{2})}, {}, "size[0] in [0, 2]");
  check_op_error("Slice", {x, i32({1}, Shape{1}), i32({1}, Shape{1})}, {}, "length 2");
  const Tensor begin = i32({1, 1}, Shape{2}), size = i32({2, -1}, Shape{2});
  CHECK(infer("Slice", {PartialShape{-1, 4}, PartialShape{2}, PartialShape{2}}, {nullptr, &begin, &size})[0] ==
        PartialShape({2, 3}));
}

TEST_CASE("Split: even pieces, negative axis") {
  const Tensor x = iota_f32(Shape{2, 6});
  auto out = run_op("Split", {i32({1}, Shape{}), x}, {{"num_split", int64_t{3}}});
  REQUIRE(out.size() == 3);
  check_values(out[0], {0, 1, 6, 7}, Shape{2, 2});
  check_values(out[1], {2, 3, 8, 9}, Shape{2, 2});
  check_values(out[2], {4, 5, 10, 11}, Shape{2, 2});
  out = run_op("Split", {i32({-1}, Shape{}), x}, {{"num_split", int64_t{2}}});
  check_values(out[1], {3, 4, 5, 9, 10, 11}, Shape{2, 3});
  out = run_op("Split", {i64({-2}, Shape{}), x}, {{"num_split", int64_t{2}}});
  check_values(out[0], {0, 1, 2, 3, 4, 5}, Shape{1, 6});
  check_op_error("Split", {i32({1}, Shape{}), x}, {{"num_split", int64_t{4}}}, "evenly divide");
  check_op_error("Split", {i32({2}, Shape{}), x}, {{"num_split", int64_t{2}}}, "out of range");
}

TEST_CASE("SplitV: sizes with one -1, negative axis") {
  const Tensor x = iota_f32(Shape{2, 6});
  const auto out = run_op("SplitV", {x, i32({1, -1, 2}, Shape{3}), i32({-1}, Shape{})}, {{"num_split", int64_t{3}}});
  REQUIRE(out.size() == 3);
  check_values(out[0], {0, 6}, Shape{2, 1});
  check_values(out[1], {1, 2, 3, 7, 8, 9}, Shape{2, 3});
  check_values(out[2], {4, 5, 10, 11}, Shape{2, 2});
  const auto zero = run_op("SplitV", {x, i64({0, 6}, Shape{2}), i32({1}, Shape{})}, {{"num_split", int64_t{2}}});
  check_values(zero[0], {}, Shape{2, 0});
  check_op_error("SplitV", {x, i32({1, 2, 2}, Shape{3}), i32({1}, Shape{})}, {{"num_split", int64_t{3}}}, "sum to 5");
  check_op_error("SplitV", {x, i32({-1, -1, 2}, Shape{3}), i32({1}, Shape{})}, {{"num_split", int64_t{3}}},
                 "only be one -1");
  check_op_error("SplitV", {x, i32({4, 4, -1}, Shape{3}), i32({1}, Shape{})}, {{"num_split", int64_t{3}}},
                 "past the split dimension");
  const Tensor sizes = i32({1, -1, 2}, Shape{3}), axis = i32({1}, Shape{});
  const auto shapes = infer("SplitV", {PartialShape{-1, 6}, PartialShape{3}, kScalar}, {nullptr, &sizes, &axis},
                            {{"num_split", int64_t{3}}});
  REQUIRE(shapes.size() == 3);
  CHECK(shapes[1] == PartialShape({-1, 3}));
}

TEST_CASE("Unpack: axis 0 and negative axis, strings") {
  const Tensor x = iota_f32(Shape{2, 3});
  auto out = run_op("Unpack", {x}, {{"num", int64_t{2}}});
  REQUIRE(out.size() == 2);
  check_values(out[0], {0, 1, 2}, Shape{3});
  check_values(out[1], {3, 4, 5}, Shape{3});
  out = run_op("Unpack", {x}, {{"num", int64_t{3}}, {"axis", int64_t{-1}}});
  REQUIRE(out.size() == 3);
  check_values(out[0], {0, 3}, Shape{2});
  check_values(out[2], {2, 5}, Shape{2});
  const auto s = run_op("Unpack", {strs({"a", "b"}, Shape{2})}, {{"num", int64_t{2}}});
  check_strings(s[1], {"b"}, Shape{});
  check_op_error("Unpack", {x}, {{"num", int64_t{3}}}, "num is 3");
  check_op_error("Unpack", {x}, {{"num", int64_t{2}}, {"axis", int64_t{2}}}, "out of range");
}

TEST_CASE("StridedSlice: int64 spec tensors and 1- and 2-byte elements") {
  Tensor b(DType::Int8, Shape{4});
  for (int i = 0; i < 4; ++i) b.data<int8_t>()[i] = static_cast<int8_t>(i + 1);
  const Tensor r = run_op1("StridedSlice", {b, i64({-1}, Shape{1}), i64({0}, Shape{1}), i64({-2}, Shape{1})},
                           {{"end_mask", int64_t{1}}});
  CHECK(r.dtype() == DType::Int8);
  check_values(r, {4, 2}, Shape{2});
  Tensor h(DType::Half, Shape{2, 2});
  for (int i = 0; i < 4; ++i) h.data<uint16_t>()[i] = float_to_half(static_cast<float>(i));
  const Tensor col = run_op1("StridedSlice", {h, i32({0, 1}, Shape{2}), i32({0, 2}, Shape{2}), i32({1, 1}, Shape{2})},
                             {{"begin_mask", int64_t{1}}, {"end_mask", int64_t{1}}, {"shrink_axis_mask", int64_t{2}}});
  CHECK(col.dtype() == DType::Half);
  check_values(col, {1, 3}, Shape{2});
}
