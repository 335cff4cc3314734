// ResizeBilinear / ResizeNearestNeighbor (2x2 -> 3x3 and 4x4 by hand, for
// every coordinate mode), SpaceToBatchND / BatchToSpaceND.
#include "nn_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {

const Tensor kImage = f32({0, 10, 20, 30}, Shape{1, 2, 2, 1});

Tensor resize(const std::string& op, const Tensor& image, int32_t h, int32_t w, Attrs attrs = {}) {
  return run_op1(op, {image, i32({h, w}, Shape{2})}, std::move(attrs));
}

}  // namespace

TEST_CASE("ResizeBilinear 2x2 -> 3x3") {
  // Legacy: source = o * 2/3, the last row/column clamps to the edge.
  check_close(resize("ResizeBilinear", kImage, 3, 3),
              f32({0, 6.6666667f, 10, 13.333333f, 20, 23.333333f, 20, 26.666667f, 30}, Shape{1, 3, 3, 1}));
  // align_corners: source = o * 1/2.
  const Tensor corners = f32({0, 5, 10, 10, 15, 20, 20, 25, 30}, Shape{1, 3, 3, 1});
  check_close(resize("ResizeBilinear", kImage, 3, 3, {{"align_corners", true}}), corners);
  // half_pixel_centers: source = (o + 0.5) * 2/3 - 0.5 = -1/6, 1/2, 7/6 (clamped to the edges).
  check_close(resize("ResizeBilinear", kImage, 3, 3, {{"half_pixel_centers", true}}), corners);
}

TEST_CASE("ResizeBilinear 2x2 -> 4x4") {
  check_close(resize("ResizeBilinear", kImage, 4, 4),
              f32({0, 5, 10, 10, 10, 15, 20, 20, 20, 25, 30, 30, 20, 25, 30, 30}, Shape{1, 4, 4, 1}));
  check_close(resize("ResizeBilinear", kImage, 4, 4, {{"align_corners", true}}),
              f32({0, 3.3333333f, 6.6666667f, 10, 6.6666667f, 10, 13.333333f, 16.666667f, 13.333333f, 16.666667f, 20,
                   23.333333f, 20, 23.333333f, 26.666667f, 30},
                  Shape{1, 4, 4, 1}));
  // half pixel: source = o/2 - 1/4 -> weights 0, 1/4, 3/4, 1.
  check_close(
      resize("ResizeBilinear", kImage, 4, 4, {{"half_pixel_centers", true}}),
      f32({0, 2.5f, 7.5f, 10, 5, 7.5f, 12.5f, 15, 15, 17.5f, 22.5f, 25, 20, 22.5f, 27.5f, 30}, Shape{1, 4, 4, 1}));
}

TEST_CASE("ResizeBilinear takes integer images and returns float, several channels") {
  const Tensor img = Tensor::from_vector<uint8_t>({0, 100, 10, 110, 20, 120, 30, 130}, Shape{1, 2, 2, 2});
  const Tensor y = resize("ResizeBilinear", img, 3, 3, {{"align_corners", true}});
  REQUIRE(y.dtype() == DType::Float);
  CHECK(y.shape() == Shape{1, 3, 3, 2});
  CHECK(y.data<float>()[8] == 15.0f);   // centre, channel 0
  CHECK(y.data<float>()[9] == 115.0f);  // centre, channel 1
}

TEST_CASE("ResizeNearestNeighbor 2x2 -> 3x3 and 4x4") {
  const Tensor img = f32({1, 2, 3, 4}, Shape{1, 2, 2, 1});
  // Legacy: floor(o * 2/3) = 0, 0, 1.
  check_close(resize("ResizeNearestNeighbor", img, 3, 3), f32({1, 1, 2, 1, 1, 2, 3, 3, 4}, Shape{1, 3, 3, 1}));
  // align_corners: round(o * 1/2) = 0, 1 (half away from zero), 1.
  check_close(resize("ResizeNearestNeighbor", img, 3, 3, {{"align_corners", true}}),
              f32({1, 2, 2, 3, 4, 4, 3, 4, 4}, Shape{1, 3, 3, 1}));
  // half_pixel_centers: floor((o + 0.5) * 2/3) = 0, 1, 1.
  check_close(resize("ResizeNearestNeighbor", img, 3, 3, {{"half_pixel_centers", true}}),
              f32({1, 2, 2, 3, 4, 4, 3, 4, 4}, Shape{1, 3, 3, 1}));
  const Tensor four = f32({1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, Shape{1, 4, 4, 1});
  check_close(resize("ResizeNearestNeighbor", img, 4, 4), four);
  check_close(resize("ResizeNearestNeighbor", img, 4, 4, {{"half_pixel_centers", true}}), four);
  // Downscale 3 -> 2 tells the modes apart: legacy floor(o*1.5) = 0,1; half pixel floor((o+.5)*1.5) = 0,2.
  const Tensor row = f32({1, 2, 3}, Shape{1, 1, 3, 1});
  check_close(resize("ResizeNearestNeighbor", row, 1, 2), f32({1, 2}, Shape{1, 1, 2, 1}));
  check_close(resize("ResizeNearestNeighbor", row, 1, 2, {{"half_pixel_centers", true}}),
              f32({1, 3}, Shape{1, 1, 2, 1}));
}

TEST_CASE("ResizeNearestNeighbor keeps the dtype") {
  const Tensor img = Tensor::from_vector<int32_t>({5, 6, 7, 8}, Shape{1, 2, 2, 1});
  const Tensor y = resize("ResizeNearestNeighbor", img, 4, 4);
  REQUIRE(y.dtype() == DType::Int32);
  CHECK(y.data<int32_t>()[15] == 8);
}

TEST_CASE("resize shape function and bad input") {
  CHECK(infer("ResizeBilinear", {PartialShape{-1, 2, 2, 3}, PartialShape{2}}, {})[0] == PartialShape{-1, -1, -1, 3});
  const Tensor size = i32({5, 7}, Shape{2});
  CHECK(infer("ResizeBilinear", {PartialShape{-1, 2, 2, 3}, PartialShape{2}}, {}, {nullptr, &size})[0] ==
        PartialShape{-1, 5, 7, 3});
  check_rejects("ResizeBilinear", {kImage, i32({3, 3}, Shape{2})},
                {{"align_corners", true}, {"half_pixel_centers", true}}, "cannot both");
  check_rejects("ResizeBilinear", {kImage, i32({3, 3, 3}, Shape{3})}, {}, "size");
  check_rejects("ResizeNearestNeighbor", {kImage, i32({0, 3}, Shape{2})}, {}, "positive");
  check_rejects("ResizeNearestNeighbor", {f32({1, 2}, Shape{1, 2}), i32({3, 3}, Shape{2})}, {}, "4-D");
}

TEST_CASE("SpaceToBatchND 4x4 with 2x2 blocks, no padding") {
  const Tensor x = f32(iota_values(16), Shape{1, 4, 4, 1});
  const Tensor y = run_op1("SpaceToBatchND", {x, i32({2, 2}, Shape{2}), i32({0, 0, 0, 0}, Shape{2, 2})});
  check_close(y, f32({1, 3, 9, 11, 2, 4, 10, 12, 5, 7, 13, 15, 6, 8, 14, 16}, Shape{4, 2, 2, 1}));
}

TEST_CASE("SpaceToBatchND with padding and batch 2 (TensorFlow's documented example)") {
  const Tensor x = f32(iota_values(16), Shape{2, 2, 4, 1});
  const Tensor pads = i32({0, 0, 2, 0}, Shape{2, 2});
  const Tensor y = run_op1("SpaceToBatchND", {x, i32({2, 2}, Shape{2}), pads});
  check_close(y,
              f32({0, 1, 3, 0, 9, 11, 0, 2, 4, 0, 10, 12, 0, 5, 7, 0, 13, 15, 0, 6, 8, 0, 14, 16}, Shape{8, 1, 3, 1}));
  // And back: the crops remove the padding again.
  check_close(run_op1("BatchToSpaceND", {y, i32({2, 2}, Shape{2}), pads}), x);
}

TEST_CASE("SpaceToBatchND with one spatial dimension and trailing dims (dilated Conv1D pattern)") {
  const Tensor x = f32(iota_values(8), Shape{1, 4, 2});
  const Tensor y = run_op1("SpaceToBatchND", {x, i64({2}, Shape{1}), i64({0, 0}, Shape{1, 2})});
  check_close(y, f32({1, 2, 5, 6, 3, 4, 7, 8}, Shape{2, 2, 2}));
  check_close(run_op1("BatchToSpaceND", {y, i32({2}, Shape{1}), i32({0, 0}, Shape{1, 2})}), x);
}

TEST_CASE("SpaceToBatchND / BatchToSpaceND round trip on 3 spatial dims, int32") {
  std::vector<int32_t> v(2 * 3 * 5 * 2 * 3);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int32_t>(i * 7 % 101);
  const Tensor x = Tensor::from_vector(v, Shape{2, 3, 5, 2, 3});
  const Tensor block = i32({2, 3, 1}, Shape{3});
  const Tensor pads = i32({1, 0, 0, 1, 2, 0}, Shape{3, 2});
  const Tensor y = run_op1("SpaceToBatchND", {x, block, pads});
  CHECK(y.shape() == Shape{12, 2, 2, 4, 3});
  const Tensor back = run_op1("BatchToSpaceND", {y, block, pads});
  REQUIRE(back.shape() == x.shape());
  for (int64_t i = 0; i < x.num_elements(); ++i) REQUIRE(back.data<int32_t>()[i] == x.data<int32_t>()[i]);
}

TEST_CASE("BatchToSpaceND with crops, and the 4-D v1 ops") {
  // Four 1x1 batches of 3 channels become one 2x2 image, then 1 column is cropped.
  const Tensor x = f32(iota_values(12), Shape{4, 1, 1, 3});
  check_close(run_op1("BatchToSpaceND", {x, i32({2, 2}, Shape{2}), i32({0, 0, 0, 0}, Shape{2, 2})}),
              f32(iota_values(12), Shape{1, 2, 2, 3}));
  check_close(run_op1("BatchToSpaceND", {x, i32({2, 2}, Shape{2}), i32({0, 0, 0, 1}, Shape{2, 2})}),
              f32({1, 2, 3, 7, 8, 9}, Shape{1, 2, 1, 3}));
  check_close(run_op1("BatchToSpace", {x, i32({0, 0, 0, 0}, Shape{2, 2})}, {{"block_size", int64_t{2}}}),
              f32(iota_values(12), Shape{1, 2, 2, 3}));
  const Tensor img = f32(iota_values(16), Shape{1, 4, 4, 1});
  CHECK(run_op1("SpaceToBatch", {img, i32({0, 0, 0, 0}, Shape{2, 2})}, {{"block_size", int64_t{2}}}).shape() ==
        Shape{4, 2, 2, 1});
}

TEST_CASE("space/batch shape function and bad input") {
  const Tensor block = i32({2, 2}, Shape{2}), pads = i32({0, 0, 2, 0}, Shape{2, 2});
  CHECK(infer("SpaceToBatchND", {PartialShape{-1, 2, 4, 1}, PartialShape{2}, PartialShape{2, 2}}, {},
              {nullptr, &block, &pads})[0] == PartialShape{-1, 1, 3, 1});
  CHECK(infer("BatchToSpaceND", {PartialShape{8, 1, 3, 1}, PartialShape{2}, PartialShape{2, 2}}, {})[0] ==
        PartialShape{-1, -1, -1, -1});
  const Tensor x = f32(iota_values(9), Shape{1, 3, 3, 1});
  check_rejects("SpaceToBatchND", {x, block, i32({0, 0, 0, 0}, Shape{2, 2})}, {}, "not divisible by block size");
  check_rejects("SpaceToBatchND", {x, i32({0, 3}, Shape{2}), i32({0, 0, 0, 0}, Shape{2, 2})}, {}, "block sizes");
  check_rejects("SpaceToBatchND", {x, block, i32({0, 0}, Shape{1, 2})}, {}, "paddings must have shape");
  check_rejects("SpaceToBatchND", {x, block, i32({-1, 1, 0, 1}, Shape{2, 2})}, {}, "non-negative");
  check_rejects("BatchToSpaceND", {x, block, i32({0, 0, 0, 0}, Shape{2, 2})}, {}, "not divisible");
  check_rejects("BatchToSpaceND", {f32(iota_values(4), Shape{4, 1, 1, 1}), block, i32({2, 1, 0, 0}, Shape{2, 2})}, {},
                "crops");
  check_rejects("SpaceToBatchND", {x, block, f32({0, 0, 0, 0}, Shape{2, 2})}, {}, "int32");
}

TEST_CASE("space/batch refuses absurd block sizes and paddings") {
  const Tensor x = f32(iota_values(4), Shape{1, 2, 2, 1});
  check_rejects("SpaceToBatchND", {x, i64({int64_t{1} << 40, 1}, Shape{2}), i32({0, 0, 0, 0}, Shape{2, 2})}, {},
                "block sizes");
  check_rejects("SpaceToBatchND", {x, i32({2, 2}, Shape{2}), i64({0, int64_t{1} << 40, 0, 0}, Shape{2, 2})}, {},
                "paddings must be non-negative");
  // Products of individually valid blocks overflow int64 without the check.
  check_rejects("SpaceToBatchND",
                {f32({1}, Shape{1, 1, 1, 1, 1}), i32({1 << 30, 1 << 30, 1 << 30}, Shape{3}),
                 i32({0, (1 << 30) - 1, 0, (1 << 30) - 1, 0, (1 << 30) - 1}, Shape{3, 2})},
                {}, "too large");
}
