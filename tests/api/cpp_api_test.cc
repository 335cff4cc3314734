// The C++ API as a user's program sees it (frost/frost.h only, libfrost.so):
// load with options, inputs/outputs with unknown dims, run by name on a view
// of the caller's memory, frost::Error with file/node/op, one Model shared by
// eight threads on its first run, per-call threads, copies outliving the original.
#include <frost/frost.h>

#include <latch>
#include <thread>

#include "api_test_util.h"

using namespace api_test;

namespace {

const std::string kCnn = model_path("fashion_cnn/frozen_graph.pb");

std::vector<float> scores(const frost::Model& model, std::vector<float>& pixels, const std::vector<int64_t>& shape,
                          int threads = 0) {
  std::map<std::string, frost::Tensor> feeds;
  feeds.emplace("conv2d_input", frost::Tensor::view(pixels.data(), shape));
  const std::map<std::string, frost::Tensor> out = model.run(feeds, {}, threads);
  const frost::Tensor& y = out.at("activation_3/Softmax");
  return std::vector<float>(y.data<float>(), y.data<float>() + y.num_elements());
}

}  // namespace

TEST_CASE("c++ api: load, describe, run on a view, compare with TensorFlow") {
  const frost::Model model = frost::Model::load(kCnn);
  REQUIRE(model.inputs().size() == 1);
  const frost::TensorInfo& in = model.inputs()[0];
  CHECK(in.name == "conv2d_input");
  CHECK(in.dtype == frost::DType::Float32);
  CHECK(in.known_rank);
  CHECK(in.shape == std::vector<int64_t>{-1, 28, 28, 1});
  REQUIRE(model.outputs().size() == 1);
  CHECK(model.outputs()[0].name == "activation_3/Softmax");
  CHECK(model.outputs()[0].shape == std::vector<int64_t>{-1, 10});

  const Floats x = read_floats(model_path("fashion_cnn/inputs.npy"));
  const Floats expected = read_floats(model_path("fashion_cnn/expected.npy"));
  std::vector<float> pixels = x.values;
  CHECK(max_abs_diff(scores(model, pixels, x.shape).data(), expected.values) < 1e-5);
  CHECK(pixels == x.values);
}

TEST_CASE("c++ api: options keep named tensors, fix placeholders, or skip optimisation") {
  frost::Options options;
  options.outputs = {"activation_3/Softmax", "dense/BiasAdd"};
  options.set = {{"keras_learning_phase", "false"}};
  options.backend = "reference";
  const frost::Model model = frost::Model::load(kCnn, options);
  REQUIRE(model.outputs().size() == 2);
  CHECK(model.outputs()[1].name == "dense/BiasAdd");

  frost::Options plain;
  plain.optimize = false;
  const Floats x = read_floats(model_path("fashion_cnn/inputs.npy"));
  const Floats expected = read_floats(model_path("fashion_cnn/expected.npy"));
  std::vector<float> pixels = x.values;
  CHECK(max_abs_diff(scores(frost::Model::load(kCnn, plain), pixels, x.shape).data(), expected.values) < 1e-5);
  const std::map<std::string, frost::Tensor> both = model.run(
      [&] {
        std::map<std::string, frost::Tensor> f;
        f.emplace("conv2d_input", frost::Tensor::view(pixels.data(), x.shape));
        return f;
      }());
  CHECK(both.size() == 2);
  CHECK(max_abs_diff(both.at("activation_3/Softmax").data<float>(), expected.values) < 1e-5);
}

TEST_CASE("c++ api: frost::Error carries the code, file, node and op") {
  try {
    frost::Model::load("/nonexistent/model.pb");
    FAIL("no error");
  } catch (const frost::Error& e) {
    CHECK(e.code() == FROST_BAD_MODEL);
    CHECK(e.file() == "/nonexistent/model.pb");
    CHECK(std::string(e.what()).find("/nonexistent/model.pb") != std::string::npos);
  }
  const frost::Model model = frost::Model::load(kCnn);
  std::vector<int32_t> ints(28 * 28);
  std::map<std::string, frost::Tensor> feeds;
  feeds.emplace("conv2d_input", frost::Tensor::view(ints.data(), {1, 28, 28, 1}));
  try {
    model.run(feeds);
    FAIL("no error");
  } catch (const frost::Error& e) {
    CHECK(e.code() == FROST_INVALID_ARGUMENT);
    CHECK(e.node() == "conv2d_input");
    CHECK(e.op() == "Placeholder");
  }
  frost::Options bad;
  bad.backend = "gpu";
  CHECK_THROWS_WITH_AS(frost::Model::load(kCnn, bad), doctest::Contains("unknown backend 'gpu'"), frost::Error);
  CHECK_THROWS_AS(frost::Tensor::create(frost::DType::Float32, {-1}), frost::Error);
  frost::Tensor t = frost::Tensor::create(frost::DType::Int64, {2, 2});
  CHECK_THROWS_AS(t.data<float>(), frost::Error);
  CHECK(t.data<int64_t>()[3] == 0);
}

TEST_CASE("c++ api: one Model, 8 threads on its first run; copies share it and outlive the original") {
  const Floats x = read_floats(model_path("fashion_cnn/inputs.npy"));
  std::vector<float> pixels = x.values;
  const std::vector<float> serial = scores(frost::Model::load(kCnn), pixels, x.shape);
  for (int round = 0; round < 5; ++round) {
    auto model = std::make_unique<frost::Model>(frost::Model::load(kCnn));
    const frost::Model copy = *model;
    constexpr int kThreads = 8;
    std::vector<std::vector<float>> results(kThreads);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        std::vector<float> own = x.values;
        start.arrive_and_wait();
        results[static_cast<size_t>(t)] = scores(t % 2 ? copy : *model, own, x.shape, t % 3);
      });
    for (std::thread& t : threads) t.join();
    model.reset();  // the copy keeps the model alive
    // Each thread feeds its own copy of the pixels (another alignment than the
    // serial run's) with its own thread count: the same numbers up to rounding.
    for (const std::vector<float>& r : results) CHECK(max_abs_diff(r.data(), serial) <= 1e-6);
    CHECK(max_abs_diff(scores(copy, pixels, x.shape).data(), serial) <= 1e-6);
  }
}
