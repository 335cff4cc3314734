// Element-wise activations and (log-)softmax against values computed by hand
// (in double, from the definitions), including TensorFlow's attr defaults.
#include <cmath>
#include <limits>

#include "nn_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {

const Tensor kInput = f32({-2, -0.5f, 0, 0.5f, 7}, Shape{5});

}  // namespace

TEST_CASE("Relu, Relu6, Elu, Selu") {
  check_close(run_op1("Relu", {kInput}), f32({0, 0, 0, 0.5f, 7}, Shape{5}));
  check_close(run_op1("Relu6", {kInput}), f32({0, 0, 0, 0.5f, 6}, Shape{5}));
  check_close(run_op1("Elu", {kInput}), f32({-0.86466472f, -0.39346934f, 0, 0.5f, 7}, Shape{5}));
  check_close(run_op1("Selu", {kInput}), f32({-1.52016647f, -0.69175819f, 0, 0.52535049f, 7.35490691f}, Shape{5}));
}

TEST_CASE("LeakyRelu: default alpha 0.2 when the attr is absent, and a given alpha") {
  check_close(run_op1("LeakyRelu", {kInput}), f32({-0.4f, -0.1f, 0, 0.5f, 7}, Shape{5}));
  check_close(run_op1("LeakyRelu", {kInput}, {{"alpha", 0.1f}}), f32({-0.2f, -0.05f, 0, 0.5f, 7}, Shape{5}));
}

TEST_CASE("Sigmoid, Tanh, Softplus") {
  check_close(run_op1("Sigmoid", {kInput}), f32({0.11920292f, 0.37754067f, 0.5f, 0.62245933f, 0.99908895f}, Shape{5}));
  check_close(run_op1("Tanh", {kInput}), f32({-0.96402758f, -0.46211716f, 0, 0.46211716f, 0.99999834f}, Shape{5}));
  check_close(run_op1("Softplus", {kInput}),
              f32({0.12692801f, 0.47407698f, 0.69314718f, 0.97407698f, 7.00091147f}, Shape{5}));
  // Far from 0 softplus is x or exp(x), never inf or 0 from overflow.
  const Tensor far = run_op1("Softplus", {f32({100, -20}, Shape{2})});
  CHECK(far.data<float>()[0] == 100.0f);
  CHECK(far.data<float>()[1] == doctest::Approx(std::exp(-20.0)).epsilon(1e-5));
}

TEST_CASE("HardSwish: x·relu6(x + 3)/6") {
  check_close(run_op1("HardSwish", {kInput}), f32({-1.0f / 3, -0.20833333f, 0, 0.29166667f, 7}, Shape{5}));
  check_close(run_op1("HardSwish", {f32({-4, -3, 3}, Shape{3})}), f32({0, 0, 3}, Shape{3}));
}

TEST_CASE("activations keep shape, handle empty tensors and float64") {
  CHECK(run_op1("Relu", {f32({}, Shape{0, 3})}).shape() == Shape{0, 3});
  const Tensor d = run_op1("Sigmoid", {Tensor::from_vector<double>({0.0, 1.0}, Shape{1, 2})});
  REQUIRE(d.dtype() == DType::Double);
  CHECK(d.data<double>()[1] == doctest::Approx(0.7310585786300049).epsilon(1e-14));
  check_rejects("Relu", {i32({1, -1}, Shape{2})}, {}, "dtype");
}

TEST_CASE("Softmax over the last axis, with large values that must not overflow") {
  const std::vector<float> want{0.09003057f, 0.24472847f, 0.66524096f};
  check_close(run_op1("Softmax", {f32({1, 2, 3}, Shape{3})}), f32(want, Shape{3}));
  const Tensor big = run_op1("Softmax", {f32({1000, 1001, 1002, -1000, -1000, -1000}, Shape{2, 3})});
  check_close(big, f32({want[0], want[1], want[2], 1.0f / 3, 1.0f / 3, 1.0f / 3}, Shape{2, 3}));
  // Rank 3: each innermost row sums to 1.
  const Tensor r3 = run_op1("Softmax", {f32(pseudo_random(24, 5), Shape{2, 3, 4})});
  for (int row = 0; row < 6; ++row) {
    double s = 0;
    for (int j = 0; j < 4; ++j) s += r3.as_double(row * 4 + j);
    CHECK(s == doctest::Approx(1.0).epsilon(1e-6));
  }
}

TEST_CASE("LogSoftmax, large values, rank check") {
  check_close(run_op1("LogSoftmax", {f32({1, 2, 3}, Shape{1, 3})}),
              f32({-2.40760596f, -1.40760596f, -0.40760596f}, Shape{1, 3}));
  check_close(run_op1("LogSoftmax", {f32({1000, 1001, 1002}, Shape{3})}),
              f32({-2.40760596f, -1.40760596f, -0.40760596f}, Shape{3}));
  check_rejects("Softmax", {Tensor::scalar<float>(1.0f)}, {}, "rank");
  check_rejects("LogSoftmax", {Tensor::scalar<float>(1.0f)}, {}, "rank");
}
