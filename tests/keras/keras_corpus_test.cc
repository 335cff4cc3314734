// Keras files converted by Frost against graphs TensorFlow froze from the
// same models: the corpus's .h5 files and their frozen .pb twins (read in
// place from ../shared/corpus), and the bundled Fashion-MNIST CNN.
#include <doctest/doctest.h>

#include <filesystem>

#include "cli_util.h"
#include "io/npy.h"
#include "keras_test_util.h"
#include "runtime/session.h"

using namespace frost;
using frost::testing::corpus_dir;
using frost::testing::relative_error;
using frost::testing::seeded_input;

namespace {

constexpr uint64_t kSeed = 19;

struct Twin {
  const char* h5;
  const char* pb;
  const char* h5_input;
  const char* pb_input;
  // Pairs of tensors that must agree: (in the .h5 conversion, in the .pb).
  std::vector<std::pair<const char*, const char*>> outputs;
  Shape shape;
  float lo, hi;
  bool integers;
};

std::string source_root() {
  const char* root = std::getenv("FROST_SOURCE_ROOT");
  REQUIRE_MESSAGE(root, "FROST_SOURCE_ROOT is not set (run through meson test)");
  return root;
}

}  // namespace

TEST_CASE("keras: corpus .h5 files give the outputs of their frozen .pb twins") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const std::vector<Twin> twins = {
      {"dga_lstm.h5", "dga_lstm.pb", "input_1", "input_1", {{"activation_1", "activation_1/Sigmoid"}, {"lstm_1", "lstm_1/transpose_1"}},
       Shape{3, 64}, 0, 40, true},
      {"har_srijannadas.h5", "har_srijannadas.pb", "lstm_1_input", "x", {{"Output", "Identity"}}, Shape{3, 100, 12}, -2, 2, false},
      {"sbd_yolo_inzapp.h5", "sbd_yolo_inzapp.pb", "input_1", "x",
       {{"conv2d_10", "functional_1/conv2d_10/BiasAdd"}, {"thresholded_re_lu", "Identity"}}, Shape{1, 368, 640, 1}, 0, 1, false},
  };
  MESSAGE("seed " << kSeed);
  for (const Twin& t : twins) {
    CAPTURE(t.h5);
    const std::string dir = corpus + "/graphs/";
    const Session keras = Session::load(dir + t.h5);
    const Session frozen = Session::load(dir + t.pb);
    const Tensor x = seeded_input(t.shape, kSeed, t.lo, t.hi, t.integers);
    std::vector<TensorId> kf, ff;
    for (const auto& [k, f] : t.outputs) {
      kf.push_back(TensorId::parse(k));
      ff.push_back(TensorId::parse(f));
    }
    const std::vector<Tensor> a = keras.run({{TensorId::parse(t.h5_input), x}}, kf);
    const std::vector<Tensor> b = frozen.run({{TensorId::parse(t.pb_input), x}}, ff);
    for (size_t i = 0; i < a.size(); ++i) {
      CAPTURE(t.outputs[i].first);
      CHECK(relative_error(a[i], b[i]) <= 1e-5);
    }
  }
}

TEST_CASE("keras: a full model without InputLayer converts and runs; a weights-only file is refused") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const Session m = Session::load(corpus + "/graphs/lstm_timeseries_atechno_model.h5");
  REQUIRE(m.inputs().size() == 1);
  CHECK(m.inputs()[0].name == "lstm_8_input");
  const Tensor x = seeded_input(Shape{5, 1, 1}, kSeed, 0, 1);
  const std::vector<Tensor> y = m.run({{TensorId::parse("lstm_8_input"), x}}, {TensorId::parse("dense_9")});
  CHECK(y[0].shape() == Shape{5, 1});
  for (int64_t i = 0; i < 5; ++i) CHECK(std::isfinite(y[0].data<float>()[i]));
  CHECK_THROWS_WITH_AS(Session::load(corpus + "/graphs/lstm_timeseries_atechno.h5"),
                       doctest::Contains("a weights-only Keras file (no model_config attribute)"), Error);
}

TEST_CASE("keras: the Fashion-MNIST CNN's .h5 gives TensorFlow's outputs") {
  const std::string dir = source_root() + "/models/fashion_cnn/";
  const Session m = Session::load(dir + "keras_model.h5");
  REQUIRE(m.inputs().size() == 1);
  const Tensor x = read_npy(dir + "inputs.npy");
  const Tensor expected = read_npy(dir + "expected.npy");
  for (const Backend backend : {Backend::Cpu, Backend::Reference}) {
    CAPTURE(backend_name(backend));
    const auto y = m.run({{TensorId::parse(m.inputs()[0].name), x}}, {TensorId::parse("activation_3")}, backend);
    CHECK(relative_error(y[0], expected) <= 1e-5);
  }
}
