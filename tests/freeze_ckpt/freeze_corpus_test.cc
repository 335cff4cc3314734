// Freezing the graph + checkpoint pairs of the shared corpus: the constants
// match the frozen graphs their authors published, byte for byte, and the
// frozen graphs run.
#include <doctest/doctest.h>

#include "freeze_ckpt_util.h"
#include "io/checkpoint/tensor_bundle.h"

using namespace frost;
using namespace frost::testing;

namespace {

FreezeOptions outputs(std::vector<std::string> names, std::map<std::string, std::string> set = {}) {
  FreezeOptions o;
  o.outputs = std::move(names);
  o.set = std::move(set);
  return o;
}

// Every checkpoint tensor that became a Const holds the checkpoint's bytes.
int check_constants_match_checkpoint(const Graph& frozen, const std::string& checkpoint) {
  const CheckpointReader reader(checkpoint);
  int compared = 0;
  for (const CheckpointEntry& e : reader.entries()) {
    const Node* n = frozen.find(e.name);
    if (!n || n->op != "Const") continue;
    CHECK_MESSAGE(same_bytes(n->attr_tensor("value"), reader.read(e.name)), e.name);
    ++compared;
  }
  return compared;
}

void check_no_training_left(const Graph& g) {
  for (const Node* n : g.nodes()) {
    INFO(n->name << " (" << n->op << ")");
    CHECK_FALSE(is_training_node(*n));
    CHECK(n->op != "Switch");
    CHECK(n->op != "ReadVariableOp");
  }
}

}  // namespace

TEST_CASE("freeze corpus: chaow94 meta + checkpoint equals chaow94_mnist.pb") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const FreezeResult r = freeze_with_report(meta_input(corpus_file(corpus, "chaow94_mnist_ckpt.meta")),
                                            outputs({"softmax_linear/add:0"}));
  CHECK(r.report.variables_frozen == 6);
  CHECK(r.report.outputs == std::vector<std::string>{"softmax_linear/add"});
  CHECK(r.report.inputs == std::vector<std::string>{"Placeholder"});
  check_no_training_left(r.graph);

  const Graph reference = load_graph(corpus_file(corpus, "chaow94_mnist.pb"));
  // hidden1/2 and softmax_linear weights and biases (global_step is not needed).
  CHECK(check_constants_identical(r.graph, reference) == 6);

  const FeedMap feeds = seeded_feeds(reference, 7);
  const TensorId out = TensorId::parse("softmax_linear/add");
  const Tensor ours = run_reference(r.graph, feeds, {out})[0];
  const Tensor theirs = run_reference(reference, feeds, {out})[0];
  CHECK(ours.shape() == Shape{100, 10});
  CHECK(max_abs_diff(ours, theirs) == 0.0);

  // The frozen graph survives a save/load as a standard GraphDef.
  const auto dir = temp_dir("chaow");
  save_graph(r.graph, (dir / "frozen.pb").string());
  const Graph reloaded = load_graph((dir / "frozen.pb").string());
  CHECK(reloaded.size() == r.graph.size());
  CHECK(check_constants_identical(reloaded, reference) == 6);
  std::filesystem::remove_all(dir);
}

TEST_CASE("freeze corpus: tf2onnx_regression from its checkpoint and from its SavedModel") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const Graph reference = load_graph(corpus_file(corpus, "tf2onnx_regression.pb"));
  const FeedMap feeds = {{TensorId::parse("X"), Tensor::from_vector<float>({0.f, 1.f, -2.5f, 10.f})}};
  const Tensor expected = run_reference(reference, feeds, {TensorId::parse("pred")})[0];

  SUBCASE("meta graph + checkpoint") {
    const FreezeResult r =
        freeze_with_report(meta_input(corpus_file(corpus, "tf2onnx_regression_ckpt.meta")), outputs({"pred"}));
    CHECK(r.report.variables_frozen == 2);
    CHECK(check_constants_identical(r.graph, reference) == 2);
    CHECK(max_abs_diff(run_reference(r.graph, feeds, {TensorId::parse("pred")})[0], expected) == 0.0);
  }
  SUBCASE("SavedModel file + explicit checkpoint prefix; outputs from the signature") {
    FreezeInput in;
    in.kind = FreezeInput::Kind::SavedModel;
    in.path = corpus_file(corpus, "tf2onnx_regression_savedmodel.saved_model.pb");
    in.checkpoint = corpus_file(corpus, "tf2onnx_regression_savedmodel.variables");
    const FreezeResult r = freeze_with_report(in, {});
    CHECK(r.report.outputs == std::vector<std::string>{"pred"});
    CHECK(r.report.inputs == std::vector<std::string>{"X"});
    CHECK(r.report.variables_frozen == 2);
    CHECK(check_constants_identical(r.graph, reference) == 2);
    CHECK(max_abs_diff(run_reference(r.graph, feeds, {TensorId::parse("pred")})[0], expected) == 0.0);
    check_no_training_left(r.graph);
  }
  SUBCASE("SavedModel: the flat NAME.variables checkpoint is found by default") {
    FreezeInput in;
    in.kind = FreezeInput::Kind::SavedModel;
    in.path = corpus_file(corpus, "tf2onnx_regression_savedmodel.saved_model.pb");
    CHECK(freeze_with_report(in, {}).report.variables_frozen == 2);
  }
  SUBCASE("SavedModel: unknown tag and signature list what exists") {
    FreezeInput in;
    in.kind = FreezeInput::Kind::SavedModel;
    in.path = corpus_file(corpus, "tf2onnx_regression_savedmodel.saved_model.pb");
    in.tag = "train";
    CHECK_THROWS_WITH_AS(freeze(in, {}), doctest::Contains("[serve]"), Error);
    in.tag = "serve";
    in.signature = "predict_fn";
    CHECK_THROWS_WITH_AS(freeze(in, {}), doctest::Contains("serving_default"), Error);
  }
}

TEST_CASE("freeze corpus: finger_direction input graph + checkpoint state file") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const std::string ckpt = corpus_file(corpus, "finger_direction_input_graph_ckpt.checkpoint");
  const FreezeResult r = freeze_with_report(
      graph_input(corpus_file(corpus, "finger_direction_input_graph.pb"), ckpt), outputs({"hypothesis"}));
  CHECK(r.report.variables_frozen == 2);
  CHECK(check_constants_match_checkpoint(r.graph, ckpt) == 2);
  check_no_training_left(r.graph);
  const Tensor y = run_reference(r.graph, seeded_feeds(r.graph, 3), {TensorId::parse("hypothesis")})[0];
  CHECK(y.shape() == Shape{2, 1});
  for (int64_t i = 0; i < y.num_elements(); ++i) CHECK((y.as_double(i) > 0 && y.as_double(i) < 1));
}

TEST_CASE("freeze corpus: neural_encryption meta + checkpoint") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const std::string meta = corpus_file(corpus, "neural_encryption_ckpt.meta");
  const FreezeResult r = freeze_with_report(meta_input(meta), outputs({"Output"}));
  CHECK(r.report.variables_frozen == 4);
  CHECK(check_constants_match_checkpoint(r.graph, corpus_file(corpus, "neural_encryption_ckpt")) == 4);
  check_no_training_left(r.graph);
  // X_input has no declared shape; the checkpoint's layers are 8 wide.
  const FeedMap feeds = {{TensorId::parse("X_input"),
                          Tensor::from_vector<float>({1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1}, Shape{2, 8})}};
  const Tensor y = run_reference(r.graph, feeds, {TensorId::parse("Output")})[0];
  CHECK(y.shape() == Shape{2, 8});
}

TEST_CASE("freeze corpus: volvo tflearn graph + checkpoint with is_training=false") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const FreezeInput in = graph_input(corpus_file(corpus, "volvo_nlu_graph_nonfrozen.pb"),
                                     corpus_file(corpus, "volvo_nlu_tflearn_ckpt"));
  const FreezeResult r =
      freeze_with_report(in, outputs({"FullyConnected_2/Softmax"}, {{"is_training", "false"}}));
  // Three dense layers: W and b each (is_training was set, not read).
  CHECK(r.report.variables_frozen == 6);
  CHECK(r.graph.find("is_training") == nullptr);
  check_no_training_left(r.graph);
  const Tensor y = run_reference(r.graph, seeded_feeds(r.graph, 5), {TensorId::parse("FullyConnected_2/Softmax")})[0];
  REQUIRE(y.shape() == Shape{2, 7});
  for (int row = 0; row < 2; ++row) {
    double sum = 0;
    for (int c = 0; c < 7; ++c) sum += y.as_double(row * 7 + c);
    CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
  }
}

TEST_CASE("freeze corpus: signlang's missing data shard is named; inspect finds its inputs and Softmax outputs") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const std::string graph = corpus_file(corpus, "signlang_tf_complete_model.pb");
  const FreezeInput in = graph_input(graph, corpus_file(corpus, "signlang_tf_complete_model.checkpoint"));
  CHECK_THROWS_WITH_AS(freeze(in, outputs({"activation_4/Softmax"}, {{"keras_learning_phase", "false"}})),
                       doctest::Contains("signlang_tf_complete_model.data-00000-of-00001"), Error);
  CHECK_THROWS_WITH_AS(freeze(in, outputs({"activation_4/Softmax"}, {{"keras_learning_phase", "false"}})),
                       doctest::Contains("data shard not found"), Error);
  // Without --outputs: the two Softmax heads are both plausible; the error lists them.
  CHECK_THROWS_WITH_AS(freeze(in, {}), doctest::Contains("activation_4_1/Softmax"), Error);

  const Graph g = load_graph(graph);
  std::vector<std::string> inputs, outputs_found;
  for (const GraphInput& i : detect_inputs(g))
    if (!i.has_default) inputs.push_back(i.name);
  for (const GraphOutput& o : detect_outputs(g)) outputs_found.push_back(o.name);
  CHECK(inputs == std::vector<std::string>{"input_1", "input_1_1"});
  CHECK(outputs_found == std::vector<std::string>{"activation_4/Softmax", "activation_4_1/Softmax"});

  const CommandResult r = run_frost("inspect " + quote(graph));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("input_1 ") != std::string::npos);
  CHECK(r.out.find("input_1_1 ") != std::string::npos);
  CHECK(r.out.find("activation_4/Softmax") != std::string::npos);
  CHECK(r.out.find("Placeholder_1 ") == std::string::npos);  // Keras weight-setting placeholders
  CHECK(r.out.find("AssignMovingAvg") == std::string::npos);
  CHECK(r.out.find("random_uniform ") == std::string::npos);
}
