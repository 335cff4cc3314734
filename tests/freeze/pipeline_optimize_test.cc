// Optimising and freezing graphs fed by input pipelines (their components
// become Placeholders, the numbers stay) and graphs saved with a loss head
// (freeze keeps the prediction and says why).
#include <filesystem>

#include "freeze/freeze_graph.h"
#include "freeze/pipeline_placeholders.h"
#include "freeze_test_util.h"
#include "io/graphdef_convert.h"
#include "graph/input_pipeline.h"
#include "graph/signature.h"
#include "pipeline_graphs.h"
#include "runtime/executor.h"
#include "runtime/random_inputs.h"

using namespace frost;
using namespace frost::testing;
using namespace frost::testing::pipeline;

namespace {

int count_pipeline_ops(const Graph& g) {
  int n = 0;
  for (const Node* node : g.nodes()) n += is_pipeline_source_op(node->op) || is_pipeline_reader_op(node->op);
  return n;
}

OptimizeResult optimize_verified(const Graph& g) {
  OptimizeOptions o;
  o.verify = true;
  return optimize_graph(g, o);
}

}  // namespace

TEST_CASE("optimize: an iterator-fed graph gets a Placeholder named like the reader, same numbers") {
  const Graph g = iterator_fed_classifier();
  const OptimizeResult r = optimize_verified(g);
  CHECK(count_pipeline_ops(r.graph) == 0);
  REQUIRE(r.graph.find("IteratorGetNext") != nullptr);
  const Node& p = r.graph.at("IteratorGetNext");
  CHECK(p.op == "Placeholder");
  CHECK(p.attr_type("dtype") == DType::Float);
  CHECK(p.attr("shape").shape() == PartialShape{-1, 8});
  CHECK(r.graph.find("one_hot") == nullptr);  // the label's leftover went with the pipeline
  REQUIRE(r.report.pipeline_placeholders.size() == 1);
  CHECK(r.report.pipeline_placeholders[0] == std::pair<std::string, std::string>{"IteratorGetNext:0", "IteratorGetNext"});
  CHECK(r.report.inputs == std::vector<std::string>{"IteratorGetNext"});
  const Verification& v = r.report.verification;
  REQUIRE_MESSAGE(v.ran, v.skipped_reason);
  CHECK(v.passed);
  // The written graph is an ordinary placeholder-fed graph.
  const GraphSignature s = detect_signature(r.graph);
  REQUIRE(s.inputs.size() == 1);
  CHECK(s.inputs[0].name == "IteratorGetNext");
  CHECK(s.inputs[0].pipeline.empty());
}

TEST_CASE("optimize: a queue-fed graph's batch component becomes Placeholder 'batch' [6,4,2,1]; numbers as fed") {
  const Graph g = queue_fed_classifier();
  const OptimizeResult r = optimize_verified(g);
  CHECK(count_pipeline_ops(r.graph) == 0);
  const Node& p = r.graph.at("batch");
  CHECK(p.op == "Placeholder");
  CHECK(p.attr("shape").shape() == PartialShape{6, 4, 2, 1});
  CHECK(r.report.verification.passed);
  // Same values in, same values out: the original fed at its component.
  const GraphInput in{"batch:0", DType::Float, PartialShape{6, 4, 2, 1}, false, "x"};
  const Tensor x = random_input(in, 5);
  const Tensor before = run_reference(g, {{TensorId{"batch", 0, false}, x}}, {TensorId{"logits", 0, false}})[0];
  const Tensor after = run_reference(r.graph, {{TensorId{"batch", 0, false}, x}}, {TensorId{"logits", 0, false}})[0];
  REQUIRE(after.shape() == Shape{6, 3});
  for (int64_t i = 0; i < after.num_elements(); ++i)
    CHECK(after.data<float>()[i] == doctest::Approx(before.data<float>()[i]).epsilon(1e-6));
}

TEST_CASE("pipeline placeholders: component i > 0 is named <reader>_<i>; a reader with an unlisted component read stays") {
  Graph g = iterator_fed_classifier();
  // Make the label component an input too: a second head reads it.
  g.add(make_node("label_float", "Cast", {"IteratorGetNext:1"}, {{"SrcT", DType::Int64}, {"DstT", DType::Float}}));
  {
    Graph h = g;
    const auto made = pipeline_inputs_to_placeholders(
        h, {TensorId{"IteratorGetNext", 0, false}, TensorId{"IteratorGetNext", 1, false}},
        {TensorId{"probs", 0, false}, TensorId{"label_float", 0, false}});
    REQUIRE(made.size() == 2);
    CHECK(made[1].placeholder == "IteratorGetNext_1");
    CHECK(h.at("IteratorGetNext_1").op == "Placeholder");
    CHECK(h.at("IteratorGetNext_1").attr_type("dtype") == DType::Int64);
    CHECK(h.at("label_float").inputs[0] == "IteratorGetNext_1");
    CHECK(count_pipeline_ops(h) == 0);
  }
  {
    Graph h = g;
    const auto made = pipeline_inputs_to_placeholders(h, {TensorId{"IteratorGetNext", 0, false}},
                                                      {TensorId{"probs", 0, false}, TensorId{"label_float", 0, false}});
    CHECK(made.empty());
    CHECK(h.at("IteratorGetNext").op == "IteratorGetNext");
  }
}

TEST_CASE("optimize in memory (pipeline_placeholders off) keeps the components feedable by their names") {
  OptimizeOptions o;
  o.pipeline_placeholders = false;
  o.runtime_fusions = true;
  const OptimizeResult r = optimize_graph(iterator_fed_classifier(), o);
  CHECK(r.graph.at("IteratorGetNext").op == "IteratorGetNext");
  const GraphInput in{"IteratorGetNext:0", DType::Float, PartialShape{-1, 8}, false, "x"};
  const std::vector<Tensor> out =
      run_reference(r.graph, {{TensorId{"IteratorGetNext", 0, false}, random_input(in, 3, 2)}}, {TensorId{"probs", 0, false}});
  CHECK(out[0].shape() == Shape{2, 3});
  // Unfed, the reader says what to feed.
  CHECK_THROWS_WITH_AS(run_reference(r.graph, {}, {TensorId{"probs", 0, false}}),
                       doctest::Contains("feed its components"), Error);
  // A feed of the wrong dtype is named.
  CHECK_THROWS_WITH_AS(run_reference(r.graph, {{TensorId{"IteratorGetNext", 0, false}, Tensor::scalar<int32_t>(1)}},
                                     {TensorId{"probs", 0, false}}),
                       doctest::Contains("IteratorGetNext:0"), Error);
}

TEST_CASE("freeze: a graph saved with its MSE loss freezes to the prediction, and says why") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("frost_loss_head_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "mse.pb").string();
  save_graph(mse_training_graph(), path);
  FreezeInput in;
  in.path = path;
  const FreezeResult r = freeze_with_report(in, {});
  CHECK(r.report.outputs == std::vector<std::string>{"logits"});
  CHECK(r.report.inputs == std::vector<std::string>{"x"});
  CHECK(r.graph.find("Mean") == nullptr);
  CHECK(r.graph.find("y") == nullptr);
  std::string notes;
  for (const std::string& n : r.report.notes) notes += n + "\n";
  MESSAGE(notes);
  CHECK(notes.find("'Mean' is not an output") != std::string::npos);
  CHECK(notes.find("output 'logits'") != std::string::npos);

  save_graph(iterator_fed_classifier(), path);
  const FreezeResult p = freeze_with_report(in, {});
  CHECK(p.report.outputs == std::vector<std::string>{"probs"});
  CHECK(p.report.inputs == std::vector<std::string>{"IteratorGetNext"});
  CHECK(count_pipeline_ops(p.graph) == 0);
  std::filesystem::remove_all(dir);
}
