// Small graphs for the FPGA backend tests: NHWC convolutions with seeded
// random weights, built with the pass tests' GraphBuilder.
#pragma once

#include <random>

#include "../freeze/freeze_test_util.h"

namespace frost::testing {

inline Tensor random_tensor(Shape shape, std::mt19937& rng, float scale = 0.5f) {
  Tensor t(DType::Float, std::move(shape));
  std::normal_distribution<float> d(0.0f, scale);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

// A Conv2D (SAME, stride 1) of `in` with a random [k, k, cin, cout] filter.
inline std::string conv(GraphBuilder& b, const std::string& name, const std::string& in, int64_t k, int64_t cin,
                        int64_t cout, std::mt19937& rng) {
  const std::string w = b.constant(name + "/w", random_tensor(Shape{k, k, cin, cout}, rng, 0.3f));
  return b.op(name, "Conv2D", {in, w},
              {{"strides", std::vector<int64_t>{1, 1, 1, 1}}, {"padding", "SAME"}, {"data_format", "NHWC"}});
}

inline std::string depthwise(GraphBuilder& b, const std::string& name, const std::string& in, int64_t k, int64_t c,
                             std::mt19937& rng) {
  const std::string w = b.constant(name + "/w", random_tensor(Shape{k, k, c, 1}, rng, 0.3f));
  return b.op(name, "DepthwiseConv2dNative", {in, w},
              {{"strides", std::vector<int64_t>{1, 1, 1, 1}}, {"padding", "SAME"}, {"data_format", "NHWC"}});
}

}  // namespace frost::testing
