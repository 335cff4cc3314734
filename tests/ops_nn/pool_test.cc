// MaxPool, MaxPoolV2 and AvgPool: VALID/SAME borders, layouts, bad input.
#include "nn_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {

Attrs pool_attrs(std::vector<int64_t> ksize, std::vector<int64_t> strides, const std::string& padding) {
  return {{"T", DType::Float}, {"ksize", ksize}, {"strides", strides}, {"padding", padding}};
}

}  // namespace

TEST_CASE("MaxPool and AvgPool 2x2 stride 2 VALID") {
  const Tensor x = f32(iota_values(16), Shape{1, 4, 4, 1});
  const Attrs a = pool_attrs({1, 2, 2, 1}, {1, 2, 2, 1}, "VALID");
  check_close(run_op1("MaxPool", {x}, a), f32({6, 8, 14, 16}, Shape{1, 2, 2, 1}));
  check_close(run_op1("AvgPool", {x}, a), f32({3.5f, 5.5f, 11.5f, 13.5f}, Shape{1, 2, 2, 1}));
}

TEST_CASE("SAME on an odd size: the pad is after, and AvgPool divides by the real count") {
  const Tensor x = f32(iota_values(9), Shape{1, 3, 3, 1});
  const Attrs a = pool_attrs({1, 2, 2, 1}, {1, 2, 2, 1}, "SAME");
  check_close(run_op1("MaxPool", {x}, a), f32({5, 6, 8, 9}, Shape{1, 2, 2, 1}));
  check_close(run_op1("AvgPool", {x}, a), f32({3, 4.5f, 7.5f, 9}, Shape{1, 2, 2, 1}));
  // Max pooling never sees the padding, even when every value is negative.
  const Tensor neg = f32(iota_values(9, -1, -1), Shape{1, 3, 3, 1});
  check_close(run_op1("MaxPool", {neg}, a), f32({-1, -3, -7, -9}, Shape{1, 2, 2, 1}));
}

TEST_CASE("AvgPool SAME 3x3 stride 1: border averages") {
  const Tensor x = f32(iota_values(9), Shape{1, 3, 3, 1});
  check_close(run_op1("AvgPool", {x}, pool_attrs({1, 3, 3, 1}, {1, 1, 1, 1}, "SAME")),
              f32({3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7}, Shape{1, 3, 3, 1}));
}

TEST_CASE("pooling in NCHW equals NHWC, several channels") {
  const Tensor x = f32(pseudo_random(2 * 5 * 7 * 3, 9), Shape{2, 5, 7, 3});
  for (const char* op : {"MaxPool", "AvgPool"}) {
    CAPTURE(op);
    const Tensor y = run_op1(op, {x}, pool_attrs({1, 3, 2, 1}, {1, 2, 3, 1}, "SAME"));
    CHECK(y.shape() == Shape{2, 3, 3, 3});
    Attrs nchw = pool_attrs({1, 1, 3, 2}, {1, 1, 2, 3}, "SAME");
    nchw["data_format"] = "NCHW";
    check_close(nchw_to_nhwc(run_op1(op, {nhwc_to_nchw(x)}, nchw)), y, 1e-6);
  }
}

TEST_CASE("MaxPool EXPLICIT padding and MaxPoolV2 with ksize/strides inputs") {
  const Tensor x = f32(iota_values(4), Shape{1, 2, 2, 1});
  Attrs a = pool_attrs({1, 2, 2, 1}, {1, 1, 1, 1}, "EXPLICIT");
  a["explicit_paddings"] = ints({0, 0, 1, 0, 1, 0, 0, 0});
  check_close(run_op1("MaxPool", {x}, a), f32({1, 2, 3, 4}, Shape{1, 2, 2, 1}));

  const Tensor x16 = f32(iota_values(16), Shape{1, 4, 4, 1});
  const Tensor k = i32({1, 2, 2, 1}, Shape{4}), s = i32({1, 2, 2, 1}, Shape{4});
  check_close(run_op1("MaxPoolV2", {x16, k, s}, {{"padding", "VALID"}}), f32({6, 8, 14, 16}, Shape{1, 2, 2, 1}));
  CHECK(infer("MaxPoolV2", {PartialShape{1, 4, 4, 1}, PartialShape{4}, PartialShape{4}}, {{"padding", "VALID"}})[0] ==
        PartialShape{-1, -1, -1, -1});
}

TEST_CASE("pooling keeps float64 and an empty batch") {
  const Tensor d = run_op1("AvgPool", {Tensor::from_vector<double>({1, 2, 3, 4}, Shape{1, 2, 2, 1})},
                           pool_attrs({1, 2, 2, 1}, {1, 1, 1, 1}, "VALID"));
  REQUIRE(d.dtype() == DType::Double);
  CHECK(d.data<double>()[0] == 2.5);
  CHECK(run_op1("MaxPool", {f32({}, Shape{0, 4, 4, 2})}, pool_attrs({1, 2, 2, 1}, {1, 2, 2, 1}, "VALID")).shape() ==
        Shape{0, 2, 2, 2});
}

TEST_CASE("pooling shape function and bad input") {
  CHECK(infer("MaxPool", {PartialShape{-1, 28, 28, 32}}, pool_attrs({1, 2, 2, 1}, {1, 2, 2, 1}, "VALID"))[0] ==
        PartialShape{-1, 14, 14, 32});
  CHECK(infer("AvgPool", {PartialShape{-1, -1, 7, 8}}, pool_attrs({1, 3, 3, 1}, {1, 2, 2, 1}, "SAME"))[0] ==
        PartialShape{-1, -1, 4, 8});
  const Tensor x = f32(iota_values(16), Shape{1, 4, 4, 1});
  check_rejects("MaxPool", {x}, pool_attrs({2, 2, 2, 1}, {1, 1, 1, 1}, "VALID"), "batch and channel");
  check_rejects("AvgPool", {f32(iota_values(16), Shape{4, 4, 1})}, pool_attrs({1, 2, 2, 1}, {1, 1, 1, 1}, "VALID"),
                "4-D");
  check_rejects("AvgPool", {x}, {{"strides", ints({1, 1, 1, 1})}, {"padding", "VALID"}}, "ksize");
  check_rejects("AvgPool", {x}, pool_attrs({1, 6, 6, 1}, {1, 1, 1, 1}, "VALID"), "too small");
  check_rejects("AvgPool", {x}, pool_attrs({1, 2, 2, 1}, {1, 1, 1, 1}, "EXPLICIT"), "padding");
}
