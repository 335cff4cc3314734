// Every frozen corpus graph the reference backend can run: optimise it and
// check the outputs are unchanged (seeded random inputs, 1e-5 of max|before|),
// printing nodes before/after, BNs folded, fusions and the error.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "cli_util.h"
#include "freeze/pass_driver.h"
#include "freeze_test_util.h"
#include "io/graphdef_convert.h"

using namespace frost;
using namespace frost::testing;
namespace fs = std::filesystem;

namespace {

struct CorpusCase {
  std::string file;
  // Shapes for placeholders declared without one (node -> shape).
  std::map<std::string, PartialShape> shapes;
  // Placeholders fixed for inference.
  std::map<std::string, Tensor> set;
};

std::vector<CorpusCase> corpus_cases() {
  return {
      {"chaow94_mnist.pb", {}, {}},
      {"cae_mnist_autoencoder.pb", {}, {}},
      {"captcha_cnn.pb", {{"input", PartialShape{1, 100, 43, 3}}}, {}},
      {"dga_lstm.pb", {}, {{"keras_learning_phase", Tensor::scalar<bool>(false)}}},
      {"har_srijannadas.pb", {}, {}},
      {"surro_muscle.pb", {}, {}},
      {"ultraface_frozen.pb", {}, {}},
      {"charrnn_lstm_receipts.pb", {}, {}},
      {"finger_direction_graph.pb", {}, {}},
      {"mobilenet_v1_025_128_quantized.pb", {}, {}},
      {"neural_encryption.pb", {{"X_input", PartialShape{1, 8}}}, {}},
      {"opencv_face_detector_uint8.pb", {{"data", PartialShape{1, 300, 300, 3}}}, {}},
      {"sbd_yolo_inzapp.pb", {}, {}},
      {"teachable_handwriting.pb", {}, {}},
      {"tf2onnx_gru.pb", {{"X", PartialShape{1, 28, 28}}}, {{"keep_prob", Tensor::scalar<float>(1.0f)}}},
      {"tf2onnx_regression.pb", {{"X", PartialShape{4}}}, {}},
      {"utensor_quant_mnist.pb", {}, {}},
      {"volvo_nlu_tflearn.pb", {}, {}},
      {"yunus_logreg.pb", {}, {}},
  };
}

}  // namespace

TEST_CASE("corpus: optimised graphs compute what the originals do") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const char* only = std::getenv("FROST_OPTIMIZE_ONLY");  // one graph, for debugging
  // Node counts include Consts; folding a Split of weights into one Const per
  // output can add nodes while removing work, so ops (non-Const nodes) are
  // what must not grow.
  MESSAGE("graph | nodes before -> after | ops before -> after | BNs folded | fusions | max rel error");
  for (const CorpusCase& c : corpus_cases()) {
    if (only && c.file.find(only) == std::string::npos) continue;
    const fs::path path = fs::path(corpus) / "graphs" / c.file;
    CAPTURE(c.file);
    if (!fs::exists(path)) {
      MESSAGE("SKIPPED " << c.file << ": not in the corpus");
      continue;
    }
    Graph g = load_graph(path.string());
    for (const auto& [name, shape] : c.shapes)
      if (Node* n = g.find(name)) n->attrs["shape"] = shape;
    OptimizeOptions o;
    o.set = c.set;
    o.verify = true;
    o.seed = 5;
    OptimizeResult r;
    try {
      r = optimize_graph(g, o);
    } catch (const Error& e) {
      FAIL_CHECK(c.file << ": " << std::string(e.what()));
      continue;
    }
    const OptimizeReport& rep = r.report;
    if (!rep.verification.ran) {
      MESSAGE(c.file << ": " << rep.nodes_before << " -> " << rep.nodes_after
                     << " (not verified: " << rep.verification.skipped_reason << ")");
      continue;
    }
    const int ops_before = static_cast<int>(g.size()) - count_ops(g, "Const");
    const int ops_after = static_cast<int>(r.graph.size()) - count_ops(r.graph, "Const");
    MESSAGE(c.file << " | " << rep.nodes_before << " -> " << rep.nodes_after << " | " << ops_before << " -> "
                   << ops_after << " | " << rep.total("bn_folded") << " | " << rep.total("fusions") << " | "
                   << rep.verification.max_relative_error);
    CHECK(rep.verification.passed);
    CHECK(rep.verification.max_relative_error <= 1e-5);
    CHECK(ops_after <= ops_before);
  }
}
