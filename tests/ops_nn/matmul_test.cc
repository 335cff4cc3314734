// MatMul and BatchMatMul / V2 / V3 against hand-computed products.
#include "nn_test_util.h"

using namespace frost;
using namespace frost::testing;

TEST_CASE("MatMul 2x3 by 3x2 and every transpose") {
  const Tensor a = f32({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  const Tensor b = f32({7, 8, 9, 10, 11, 12}, Shape{3, 2});
  const Tensor want = f32({58, 64, 139, 154}, Shape{2, 2});
  check_close(run_op1("MatMul", {a, b}), want);
  const Tensor at = f32({1, 4, 2, 5, 3, 6}, Shape{3, 2});
  const Tensor bt = f32({7, 9, 11, 8, 10, 12}, Shape{2, 3});
  check_close(run_op1("MatMul", {at, b}, {{"transpose_a", true}}), want);
  check_close(run_op1("MatMul", {a, bt}, {{"transpose_b", true}}), want);
  check_close(run_op1("MatMul", {at, bt}, {{"transpose_a", true}, {"transpose_b", true}}), want);
}

TEST_CASE("MatMul with empty dimensions") {
  CHECK(run_op1("MatMul", {f32({}, Shape{0, 3}), f32(iota_values(6), Shape{3, 2})}).shape() == Shape{0, 2});
  // k == 0: the product of empty matrices is all zeros.
  check_close(run_op1("MatMul", {f32({}, Shape{2, 0}), f32({}, Shape{0, 3})}),
              f32(std::vector<float>(6, 0.0f), Shape{2, 3}));
}

TEST_CASE("MatMul shape function and bad input") {
  CHECK(infer("MatMul", {PartialShape{-1, 784}, PartialShape{784, 10}}, {})[0] == PartialShape{-1, 10});
  CHECK(infer("MatMul", {PartialShape::unknown(), PartialShape{10, 784}}, {{"transpose_b", true}})[0] ==
        PartialShape{-1, 10});
  check_rejects("MatMul", {f32(iota_values(6), Shape{2, 3}), f32(iota_values(6), Shape{2, 3})}, {}, "inner dimensions");
  check_rejects("MatMul", {f32(iota_values(6), Shape{6}), f32(iota_values(6), Shape{6, 1})}, {}, "2-D");
  check_rejects("MatMul", {i32({1}, Shape{1, 1}), i32({1}, Shape{1, 1})}, {}, "dtype");
}

TEST_CASE("BatchMatMul with equal batches, adj_x and adj_y") {
  const Tensor x = f32({1, 2, 3, 4, 5, 6, 7, 8}, Shape{2, 2, 2});
  const Tensor y = f32({1, 0, 1, 1, 2, 0, 0, 2}, Shape{2, 2, 2});
  // batch 0: [[1,2],[3,4]]·[[1,0],[1,1]]; batch 1: [[5,6],[7,8]]·2I
  const Tensor want = f32({3, 2, 7, 4, 10, 12, 14, 16}, Shape{2, 2, 2});
  check_close(run_op1("BatchMatMul", {x, y}), want);
  const Tensor xt = f32({1, 3, 2, 4, 5, 7, 6, 8}, Shape{2, 2, 2});
  const Tensor yt = f32({1, 1, 0, 1, 2, 0, 0, 2}, Shape{2, 2, 2});
  check_close(run_op1("BatchMatMul", {xt, yt}, {{"adj_x", true}, {"adj_y", true}}), want);
  check_close(run_op1("BatchMatMulV2", {xt, y}, {{"adj_x", true}}), want);
}

TEST_CASE("BatchMatMulV2 broadcasts batch dimensions") {
  // x: [2,1,1,2] rows [1,2] and [3,4]; y: [3,2,1] columns [1;1], [2;1], [3;1].
  const Tensor x = f32({1, 2, 3, 4}, Shape{2, 1, 1, 2});
  const Tensor y = f32({1, 1, 2, 1, 3, 1}, Shape{3, 2, 1});
  const Tensor out = run_op1("BatchMatMulV2", {x, y});
  check_close(out, f32({3, 4, 5, 7, 10, 13}, Shape{2, 3, 1, 1}));
  // A rank-2 operand is shared by every batch.
  const Tensor m = f32({1, 0, 1, 1}, Shape{2, 2});
  check_close(run_op1("BatchMatMulV3", {f32({1, 2, 3, 4, 5, 6, 7, 8}, Shape{2, 2, 2}), m}),
              f32({3, 2, 7, 4, 11, 6, 15, 8}, Shape{2, 2, 2}));
  CHECK(infer("BatchMatMulV2", {PartialShape{-1, 1, 4, 5}, PartialShape{3, 5, 6}}, {})[0] == PartialShape{-1, 3, 4, 6});
}

TEST_CASE("BatchMatMul rejects mismatched batches and inner dimensions") {
  const Tensor x = f32(iota_values(8), Shape{2, 2, 2});
  check_rejects("BatchMatMul", {x, f32(iota_values(4), Shape{1, 2, 2})}, {}, "batch dimensions differ");
  check_rejects("BatchMatMulV2", {x, f32(iota_values(12), Shape{3, 2, 2})}, {}, "broadcast");
  check_rejects("BatchMatMulV2", {x, f32(iota_values(6), Shape{2, 3, 1})}, {}, "inner dimensions");
  check_rejects("BatchMatMulV2", {f32({1, 2}, Shape{2}), x}, {}, "at least 2-D");
}
