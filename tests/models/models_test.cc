// Every bundled model (models/<name>/reference.txt) runs on the reference
// backend and matches TensorFlow's outputs, and the Fashion-MNIST CNN gives
// exactly Keras's predictions on the first 1,000 test images.
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "cli_util.h"
#include "freeze/pass_driver.h"
#include "graph/tensor_names.h"
#include "graph/validate.h"
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

fs::path models_dir() { return fs::path(std::getenv("FROST_SOURCE_ROOT")) / "models"; }

std::vector<fs::path> reference_files() {
  std::vector<fs::path> out;
  if (!fs::exists(models_dir())) return out;
  for (const auto& entry : fs::directory_iterator(models_dir()))
    if (fs::exists(entry.path() / "reference.txt")) out.push_back(entry.path() / "reference.txt");
  std::sort(out.begin(), out.end());
  return out;
}

// Relative tolerance against max|expected| (the 1e-4).
constexpr double kRelativeTolerance = 1e-4;

}  // namespace

TEST_CASE("models: every bundled model matches TensorFlow on the reference backend") {
  const auto files = reference_files();
  REQUIRE_MESSAGE(!files.empty(), "no models/<name>/reference.txt found");
  for (const fs::path& file : files) {
    for (const ReferenceStanza& stanza : read_reference_file(file.string())) {
      CAPTURE(stanza.graph);
      const Graph g = load_graph(stanza.graph);
      validate_graph(g);
      FeedMap feeds;
      for (const ReferenceTensor& in : stanza.inputs) feeds[resolve_tensor(g, in.tensor)] = read_npy(in.file);
      std::vector<TensorId> fetches;
      for (const ReferenceTensor& out : stanza.outputs) fetches.push_back(resolve_tensor(g, out.tensor));
      const std::vector<Tensor> got = run_reference(g, feeds, fetches);
      // The CPU backend runs the graph optimised for inference, as `frost run` does.
      OptimizeOptions options;
      for (const TensorId& id : fetches) options.outputs.push_back(id.to_string());
      for (const auto& [id, value] : feeds) options.inputs.push_back(id.to_string());
      const Session optimised(optimize_for_inference(g, options));
      // The first CPU run traces the dataflow executor and plans; the second runs the plan (arena, in place).
      const std::vector<Tensor> cpu_first = optimised.run(feeds, fetches, Backend::Cpu);
      const std::vector<Tensor> cpu = optimised.run(feeds, fetches, Backend::Cpu);
      // Again after other inputs, over the arena the other run left behind.
      const std::vector<Tensor> cpu_again = rerun_after_other_input(optimised, feeds, fetches);
      if (const auto plan = optimised.plan_stats(feeds, fetches)) CHECK_FALSE(plan->arena_given_up);
      for (size_t i = 0; i < fetches.size(); ++i) {
        const Tensor expected = read_npy(stanza.outputs[i].file);
        const Comparison c = compare_tensors(got[i], expected), on_cpu = compare_tensors(cpu[i], expected);
        MESSAGE((fs::path(stanza.graph).parent_path().filename() / fs::path(stanza.graph).filename()).string()
                << " " << fetches[i].to_string() << ": reference "
                                                           << c.to_string() << "; cpu (optimised " << g.size() << " -> "
                                                           << optimised.graph().size() << " nodes) " << on_cpu.to_string());
        CHECK(c.within(kRelativeTolerance, 0.0));
        CHECK(on_cpu.within(kRelativeTolerance, 0.0));
        CHECK(compare_tensors(cpu_first[i], expected).within(kRelativeTolerance, 0.0));
        CHECK(compare_tensors(cpu_again[i], expected).within(kRelativeTolerance, 0.0));
      }
    }
  }
}

TEST_CASE("models: frost eval on 1,000 Fashion-MNIST test images gives exactly Keras's predictions") {
  const fs::path dir = models_dir() / "fashion_cnn";
  if (!fs::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") && !std::getenv("FROST_FASHION_MNIST")) {
    if (std::getenv("CI")) FAIL("Fashion-MNIST not installed (Debian package dataset-fashion-mnist)");
    MESSAGE("SKIPPED: Fashion-MNIST not installed");
    return;
  }
  const CommandResult r = run_frost("eval " + quote((dir / "frozen_graph.pb").string()) +
                                    " --dataset fashion-mnist:test --limit 1000 --keras-predictions " +
                                    quote((dir / "keras_predictions.npy").string()));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  MESSAGE(r.out);
  CHECK(r.out.find("predictions differing from Keras: 0 of 1000") != std::string::npos);
}
