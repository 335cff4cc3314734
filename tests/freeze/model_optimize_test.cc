// Every bundled model (models/<name>/reference.txt): the optimised graph gives
// the unoptimised graph's outputs on the model's own inputs (1e-5 of
// max|before|) and still TensorFlow's (1e-4). For fashion_cnn's TF1 frozen
// graph (learning phase, dropout, batch norm) nothing training-only is left;
// layout_twin's converted NCHW graph keeps only its input's Transpose.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "freeze/pass_driver.h"
#include "freeze_test_util.h"
#include "graph/tensor_names.h"
#include "io/graphdef_convert.h"
#include "io/npy.h"
#include "io/reference_file.h"
#include "runtime/compare.h"
#include "runtime/executor.h"

using namespace frost;
using namespace frost::testing;
namespace fs = std::filesystem;

namespace {

fs::path models_dir() {
  if (const char* dir = std::getenv("FROST_MODELS")) return dir;  // another checkout's models/
  return fs::path(std::getenv("FROST_SOURCE_ROOT")) / "models";
}

// Ops that must not survive optimisation of a frozen inference graph.
bool training_only(const std::string& op) {
  return op == "Switch" || op == "Merge" || op == "RandomUniform" || op == "FusedBatchNorm" ||
         op == "FusedBatchNormV2" || op == "FusedBatchNormV3" || op == "Identity";
}

}  // namespace

TEST_CASE("models: optimised graphs give the unoptimised outputs on the models' inputs") {
  std::vector<fs::path> files;
  if (fs::exists(models_dir()))
    for (const auto& entry : fs::directory_iterator(models_dir()))
      if (fs::exists(entry.path() / "reference.txt")) files.push_back(entry.path() / "reference.txt");
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    MESSAGE("SKIPPED: no models/<name>/reference.txt on this branch yet");
    return;
  }
  MESSAGE("model | nodes before -> after | BNs folded | fusions | max rel error vs unoptimised | vs TensorFlow");
  for (const fs::path& file : files) {
    const std::string model = file.parent_path().filename().string();
    for (const ReferenceStanza& stanza : read_reference_file(file.string())) {
      const std::string label = model + "/" + fs::path(stanza.graph).filename().string();
      CAPTURE(label);
      const Graph g = load_graph(stanza.graph);
      OptimizeOptions o;
      FeedMap feeds;
      for (const ReferenceTensor& in : stanza.inputs) {
        o.inputs.push_back(in.tensor);
        feeds[resolve_tensor(g, in.tensor)] = read_npy(in.file);
      }
      std::vector<TensorId> fetches;
      for (const ReferenceTensor& out : stanza.outputs) {
        o.outputs.push_back(out.tensor);
        fetches.push_back(resolve_tensor(g, out.tensor));
      }
      const OptimizeResult r = optimize_graph(g, o);

      const std::vector<Tensor> before = run_reference(g, feeds, fetches);
      const std::vector<Tensor> after = run_reference(r.graph, feeds, fetches);
      double max_err = 0, max_err_tf = 0;
      for (size_t i = 0; i < fetches.size(); ++i) {
        const Comparison c = compare_tensors(after[i], before[i]);
        CHECK(c.within(1e-5, 0.0));
        max_err = std::max(max_err, c.relative_error());
        const Comparison tf = compare_tensors(after[i], read_npy(stanza.outputs[i].file));
        CHECK(tf.within(1e-4, 0.0));
        max_err_tf = std::max(max_err_tf, tf.relative_error());
      }
      const OptimizeReport& rep = r.report;
      MESSAGE(label << " | " << rep.nodes_before << " -> " << rep.nodes_after << " | " << rep.total("bn_folded")
                    << " | " << rep.total("fusions") << " | " << max_err << " | " << max_err_tf);

      if (model == "fashion_cnn" && fs::path(stanza.graph).filename() == "frozen_graph.pb") {
        for (const Node* n : r.graph.nodes()) {
          bool fetched = false;
          for (const TensorId& f : fetches) fetched = fetched || f.node == n->name;
          if (training_only(n->op) && !fetched) FAIL_CHECK("left in the optimised graph: " << n->name << " (" << n->op << ")");
        }
        CHECK(rep.total("switches_resolved") > 0);
      }
      // The converted NCHW twin keeps only the Transpose of its NCHW input:
      // every convolution, pool, Concat, Flatten+Dense and global pool runs in
      // NHWC as in nhwc.pb (issue 15's layout target).
      if (model == "layout_twin") {
        int transposes = 0;
        for (const Node* n : r.graph.nodes()) transposes += n->op == "Transpose";
        CHECK(transposes == (fs::path(stanza.graph).filename() == "nchw.pb" ? 1 : 0));
      }
    }
  }
}
