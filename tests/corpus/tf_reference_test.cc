// Every corpus graph that TensorFlow could run (tests/corpus/<name>/reference.txt,
// made by tools/corpus_reference.py) gives TensorFlow's outputs on both of
// Frost's backends: the reference backend on the graph as written, the CPU
// backend on the graph optimised for inference; and the optimisation itself
// changes the reference backend's outputs by at most 1e-5 relative.
#include <doctest/doctest.h>

#include <filesystem>

#include "cli_util.h"
#include "freeze/pass_driver.h"
#include "graph/tensor_names.h"
#include "io/graph_file.h"
#include "io/graphdef_convert.h"
#include "io/npy.h"
#include "io/reference_file.h"
#include "runtime/compare.h"
#include "freeze/pass_driver.h"
#include "runtime/session.h"
#include "rerun_after_other_input.h"

using namespace frost;
using namespace frost::testing;
namespace fs = std::filesystem;

namespace {

// Relative tolerance against max|expected|, for every graph (quantised ones
// included: Frost's integer kernels reproduce TensorFlow's rounding).
constexpr double kTolerance = 1e-4;

// A reference input: an array (.npy) or a whole file fed as a string (.wav).
Tensor load_input(const std::string& file) {
  if (fs::path(file).extension() == ".npy") return read_npy(file);
  return Tensor::string_scalar(read_file_bytes(file));
}

// The graph path from reference.txt, or the same file under $FROST_CORPUS.
std::string locate_graph(const std::string& path, const std::string& corpus) {
  if (fs::exists(path)) return path;
  return (fs::path(corpus) / "graphs" / fs::path(path).filename()).string();
}

// Runs one corpus graph's stanzas (tests/corpus/<name>/reference.txt) on both
// backends and checks them against TensorFlow and each other.
void check_against_tensorflow(const std::string& name) {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const fs::path ref = fs::path(std::getenv("FROST_SOURCE_ROOT")) / "tests" / "corpus" / name / "reference.txt";
  REQUIRE_MESSAGE(fs::exists(ref), "no TensorFlow reference at " << ref.string());
  for (const ReferenceStanza& stanza : read_reference_file(ref.string())) {
    const Session model(load_graph(locate_graph(stanza.graph, corpus)));
    FeedMap feeds;
    std::vector<TensorId> inputs, fetches;
    for (const ReferenceTensor& in : stanza.inputs) {
      inputs.push_back(resolve_tensor(model.graph(), in.tensor));
      feeds[inputs.back()] = load_input(in.file);
    }
    for (const ReferenceTensor& out : stanza.outputs) fetches.push_back(resolve_tensor(model.graph(), out.tensor));
    OptimizeOptions options;
    for (const TensorId& id : fetches) options.outputs.push_back(id.to_string());
    for (const TensorId& id : inputs) options.inputs.push_back(id.to_string());
    const Session optimised(optimize_for_inference(model.graph(), options));

    const std::vector<Tensor> reference = model.run(feeds, fetches, Backend::Reference);
    const std::vector<Tensor> reference_optimised = optimised.run(feeds, fetches, Backend::Reference);
    // The first CPU run traces the dataflow executor and plans; the second runs the plan (arena, in place).
    const std::vector<Tensor> cpu_first = optimised.run(feeds, fetches, Backend::Cpu);
    const std::vector<Tensor> cpu = optimised.run(feeds, fetches, Backend::Cpu);
    // Again after other inputs, over the arena the other run left behind.
    const std::vector<Tensor> cpu_again = rerun_after_other_input(optimised, feeds, fetches);
    if (const auto plan = optimised.plan_stats(feeds, fetches)) CHECK_FALSE(plan->arena_given_up);
    for (size_t i = 0; i < fetches.size(); ++i) {
      const Tensor expected = read_npy(stanza.outputs[i].file);
      const Comparison on_reference = compare_tensors(reference[i], expected);
      const Comparison on_cpu = compare_tensors(cpu[i], expected);
      const Comparison optimisation = compare_tensors(reference_optimised[i], reference[i]);
      MESSAGE(name << " " << fetches[i].to_string() << ": reference " << on_reference.to_string() << "; cpu "
                   << on_cpu.to_string() << "; optimised vs not " << optimisation.relative_error() << " ("
                   << model.graph().size() << " -> " << optimised.graph().size() << " nodes)");
      CHECK(on_reference.within(kTolerance, 0.0));
      CHECK(on_cpu.within(kTolerance, 0.0));
      CHECK(compare_tensors(cpu_first[i], expected).within(kTolerance, 0.0));
      CHECK(compare_tensors(cpu_again[i], expected).within(kTolerance, 0.0));
      CHECK(optimisation.within(1e-5, 0.0));
    }
  }
}

}  // namespace

// One test per frozen graph of ../shared/corpus/MANIFEST.md.
#define CORPUS_GRAPH_TEST(name) \
  TEST_CASE("corpus vs TensorFlow: " #name) { check_against_tensorflow(#name); }

CORPUS_GRAPH_TEST(opencv_face_detector_uint8)
CORPUS_GRAPH_TEST(chaow94_mnist)
CORPUS_GRAPH_TEST(har_srijannadas)
CORPUS_GRAPH_TEST(ultraface_frozen)
CORPUS_GRAPH_TEST(speech_commands_conv)
CORPUS_GRAPH_TEST(cae_mnist_autoencoder)
CORPUS_GRAPH_TEST(captcha_cnn)
CORPUS_GRAPH_TEST(charrnn_lstm_receipts)
CORPUS_GRAPH_TEST(teachable_handwriting)
CORPUS_GRAPH_TEST(yunus_logreg)
CORPUS_GRAPH_TEST(sbd_yolo_inzapp)
CORPUS_GRAPH_TEST(mobilenet_v1_025_128_quantized)
CORPUS_GRAPH_TEST(dga_lstm)
CORPUS_GRAPH_TEST(surro_muscle)
CORPUS_GRAPH_TEST(tf2onnx_gru)
CORPUS_GRAPH_TEST(tf2onnx_regression)
CORPUS_GRAPH_TEST(utensor_quant_mnist)
CORPUS_GRAPH_TEST(volvo_nlu_tflearn)
CORPUS_GRAPH_TEST(neural_encryption)
CORPUS_GRAPH_TEST(finger_direction_graph)
