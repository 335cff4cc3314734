// The facade (api/load_session.h): the recipe every user of the library goes
// through, on the bundled Fashion-MNIST CNN against TensorFlow's outputs; and
// a run's own thread count, which must not leak into the caller's setting.
#include <doctest/doctest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "api/load_session.h"
#include "graph/tensor_names.h"
#include "io/npy.h"

using namespace frost;

namespace {

std::string model_file(const std::string& name) {
  const char* root = std::getenv("FROST_SOURCE_ROOT");
  return std::string(root ? root : ".") + "/models/fashion_cnn/" + name;
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  REQUIRE(a.num_elements() == b.num_elements());
  double m = 0;
  for (int64_t i = 0; i < a.num_elements(); ++i)
    m = std::max(m, std::fabs(static_cast<double>(a.data<float>()[i]) - b.data<float>()[i]));
  return m;
}

}  // namespace

TEST_CASE("load_session: optimised by default, as written on request, both as TensorFlow computes") {
  const Tensor x = read_npy(model_file("inputs.npy")), expected = read_npy(model_file("expected.npy"));
  const std::string graph = model_file("frozen_graph.pb");
  const Session optimised = load_session(graph);
  LoadOptions as_written;
  as_written.optimize = false;
  const Session plain = load_session(graph, as_written);
  CHECK(optimised.graph().size() < plain.graph().size() / 2);  // BatchNorm folded, learning-phase conds gone
  const FeedMap feeds{{TensorId::parse("conv2d_input"), x}};
  const std::vector<TensorId> fetches{TensorId::parse("activation_3/Softmax")};
  CHECK(max_abs_diff(optimised.run(feeds, fetches)[0], expected) < 1e-5);
  CHECK(max_abs_diff(plain.run(feeds, fetches)[0], expected) < 1e-5);
}

TEST_CASE("load_session: kept tensors survive optimisation; set values parse by the placeholder's dtype") {
  LoadOptions options;
  options.outputs = {"dense/BiasAdd", "activation_3/Softmax"};
  options.set = {{"keras_learning_phase", "False"}};
  const Session s = load_session(model_file("frozen_graph.pb"), options);
  CHECK(s.graph().find("dense/BiasAdd") != nullptr);
  options.set = {{"keras_learning_phase", "2"}};
  CHECK_THROWS_WITH_AS(load_session(model_file("frozen_graph.pb"), options),
                       doctest::Contains("cannot set keras_learning_phase to '2': not a bool value"), Error);
  options.set = {};
  options.outputs = {"dense/BiasAd"};
  CHECK_THROWS_WITH_AS(load_session(model_file("frozen_graph.pb"), options), doctest::Contains("dense/BiasAdd"),
                       Error);  // the close name
}

TEST_CASE("Session::run: options.threads holds for the call only") {
  const Session s = load_session(model_file("frozen_graph.pb"));
  const FeedMap feeds{{TensorId::parse("conv2d_input"), read_npy(model_file("inputs.npy"))}};
  const std::vector<TensorId> fetches{TensorId::parse("activation_3/Softmax")};
  omp_set_num_threads(3);
  RunOptions one;
  one.threads = 1;
  const Tensor a = s.run(feeds, fetches, Backend::Cpu, one)[0];
  CHECK(omp_get_max_threads() == 3);
  const Tensor b = s.run(feeds, fetches)[0];
  CHECK(max_abs_diff(a, b) < 1e-6);
}
