// BiasAdd (both layouts, V1) and FusedBatchNorm / V2 / V3 in inference and
// training mode, with hand-computed numbers.
#include <cmath>

#include "nn_test_util.h"

using namespace frost;
using namespace frost::testing;

TEST_CASE("BiasAdd NHWC adds along the last axis") {
  check_close(run_op1("BiasAdd", {f32(iota_values(6), Shape{2, 3}), f32({10, 20, 30}, Shape{3})}),
              f32({11, 22, 33, 14, 25, 36}, Shape{2, 3}));
  check_close(run_op1("BiasAddV1", {f32(iota_values(4), Shape{1, 1, 2, 2}), f32({10, 20}, Shape{2})}),
              f32({11, 22, 13, 24}, Shape{1, 1, 2, 2}));
}

TEST_CASE("BiasAdd NCHW adds along axis 1") {
  // N=1, C=2, H=1, W=2: channel 0 holds 1,2 and channel 1 holds 3,4.
  check_close(
      run_op1("BiasAdd", {f32(iota_values(4), Shape{1, 2, 1, 2}), f32({10, 20}, Shape{2})}, {{"data_format", "NCHW"}}),
      f32({11, 12, 23, 24}, Shape{1, 2, 1, 2}));
}

TEST_CASE("BiasAdd rejects a bias of the wrong size or rank") {
  check_rejects("BiasAdd", {f32(iota_values(6), Shape{2, 3}), f32({1, 2}, Shape{2})}, {}, "3 channels");
  check_rejects("BiasAdd", {f32(iota_values(6), Shape{2, 3}), f32({1, 2, 3}, Shape{1, 3})}, {}, "3 channels");
  check_rejects("BiasAdd", {f32(iota_values(6), Shape{6}), f32({1}, Shape{1})}, {}, "at least 2-D");
  check_rejects("BiasAdd", {f32(iota_values(4), Shape{1, 2, 1, 2}), f32({1, 2}, Shape{2})}, {{"data_format", "NCWH"}},
                "data_format");
}

namespace {

// x NHWC [1,1,2,2]: channel 0 holds 1,3 and channel 1 holds 2,4.
// scale [2, 0.5], offset [1, -1], mean [1, 2], variance [3, 0], epsilon 1:
// channel 0: 2*(x-1)/2 + 1 = x; channel 1: 0.5*(x-2)/1 - 1.
std::vector<Tensor> inference_inputs(bool nchw) {
  return {nchw ? f32({1, 3, 2, 4}, Shape{1, 2, 1, 2}) : f32({1, 2, 3, 4}, Shape{1, 1, 2, 2}), f32({2, 0.5f}, Shape{2}),
          f32({1, -1}, Shape{2}), f32({1, 2}, Shape{2}), f32({3, 0}, Shape{2})};
}

}  // namespace

TEST_CASE("FusedBatchNorm family in inference mode, both layouts") {
  for (const char* op : {"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"}) {
    CAPTURE(op);
    const Attrs a{{"is_training", false}, {"epsilon", 1.0f}};
    const std::vector<Tensor> out = run_op(op, inference_inputs(false), a);
    CHECK(out.size() == (std::string(op) == "FusedBatchNormV3" ? 6u : 5u));
    check_close(out[0], f32({1, -1, 3, 0}, Shape{1, 1, 2, 2}));
    check_close(out[1], f32({1, 2}, Shape{2}));  // mean and variance pass through
    check_close(out[2], f32({3, 0}, Shape{2}));

    Attrs n = a;
    n["data_format"] = "NCHW";
    check_close(run_op(op, inference_inputs(true), n)[0], f32({1, 3, -1, 0}, Shape{1, 2, 1, 2}));
  }
}

TEST_CASE("FusedBatchNormV3 default epsilon is 0.0001") {
  std::vector<Tensor> in = inference_inputs(false);
  in[4] = f32({1 - 0.0001f, 4 - 0.0001f}, Shape{2});  // sqrt(var + eps) = 1 and 2
  const Tensor y = run_op("FusedBatchNormV3", in, {{"is_training", false}})[0];
  // channel 0: 2*(x-1)/1 + 1; channel 1: 0.5*(x-2)/2 - 1
  check_close(y, f32({1, -1, 5, -0.5f}, Shape{1, 1, 2, 2}), 1e-4);
}

TEST_CASE("FusedBatchNorm training (the default) uses batch statistics, empty mean/variance allowed") {
  // One channel holding 1, 2, 3, 6: mean 3, biased variance 3.5, unbiased 14/3.
  const Tensor x = f32({1, 2, 3, 6}, Shape{1, 2, 2, 1});
  const std::vector<Tensor> out =
      run_op("FusedBatchNormV3", {x, f32({1}, Shape{1}), f32({0}, Shape{1}), f32({}, Shape{0}), f32({}, Shape{0})},
             {{"epsilon", 0.5f}});  // is_training absent -> true, as TensorFlow's default
  // y = (x - 3) / sqrt(3.5 + 0.5)
  check_close(out[0], f32({-1, -0.5f, 0, 1.5f}, Shape{1, 2, 2, 1}));
  check_close(out[1], f32({3}, Shape{1}));
  check_close(out[2], f32({14.0f / 3}, Shape{1}));
  check_close(out[3], f32({3}, Shape{1}));
  check_close(out[4], f32({3.5f}, Shape{1}));
}

TEST_CASE("FusedBatchNorm training with exponential_avg_factor blends the running values") {
  const Tensor x = f32({1, 2, 3, 6}, Shape{1, 2, 2, 1});
  const std::vector<Tensor> out =
      run_op("FusedBatchNormV3", {x, f32({1}, Shape{1}), f32({0}, Shape{1}), f32({1}, Shape{1}), f32({2}, Shape{1})},
             {{"epsilon", 0.5f}, {"is_training", true}, {"exponential_avg_factor", 0.25f}});
  check_close(out[1], f32({0.75f * 1 + 0.25f * 3}, Shape{1}));
  check_close(out[2], f32({0.75f * 2 + 0.25f * 14.0f / 3}, Shape{1}));
}

TEST_CASE("FusedBatchNorm shape function and bad input") {
  const std::vector<PartialShape> s =
      infer("FusedBatchNormV3",
            {PartialShape{-1, 7, 7, 16}, PartialShape{16}, PartialShape{16}, PartialShape{16}, PartialShape{16}},
            {{"is_training", false}});
  REQUIRE(s.size() == 6);
  CHECK(s[0] == PartialShape{-1, 7, 7, 16});
  CHECK(s[1] == PartialShape{16});
  std::vector<Tensor> in = inference_inputs(false);
  in[1] = f32({1, 2, 3}, Shape{3});
  check_rejects("FusedBatchNorm", in, {{"is_training", false}}, "scale must be a vector of 2 channels");
  in = inference_inputs(false);
  in[3] = f32({}, Shape{0});
  check_rejects("FusedBatchNormV2", in, {{"is_training", false}}, "mean");
  in = inference_inputs(false);
  in[0] = f32(iota_values(4), Shape{2, 2});
  check_rejects("FusedBatchNormV3", in, {{"is_training", false}}, "4-D");
}
