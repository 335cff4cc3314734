// The command line on graphs fed by input pipelines and graphs saved with a
// loss head: inspect names the components and labels, run/bench feed them,
// optimize writes Placeholders, freeze says which output it chose and why.
#include <doctest/doctest.h>

#include <filesystem>

#include "cli_util.h"
#include "io/graphdef_convert.h"
#include "graph/signature.h"
#include "io/npy.h"
#include "pipeline_graphs.h"

using namespace frost;
using namespace frost::testing;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("cli: an iterator-fed graph: inspect, run --random-inputs, bench, optimize to a Placeholder") {
  const auto dir = temp_dir("pipeline");
  const std::string model = (dir / "iter.pb").string(), optimised = (dir / "iter_opt.pb").string();
  save_graph(pipeline::iterator_fed_classifier(), model);

  const CommandResult inspect = run_frost("inspect " + quote(model));
  INFO(inspect.out);
  CHECK(inspect.exit_code == 0);
  CHECK(has(inspect.out, "IteratorGetNext:0  float [?,8]  — input pipeline: IteratorGetNext of 'IteratorV2'"));
  CHECK(has(inspect.out, "Not inputs"));
  CHECK(has(inspect.out, "IteratorGetNext:1  int64 [?]"));
  CHECK(has(inspect.out, "probs  float [?,3]"));
  CHECK_FALSE(has(inspect.out, "one_hot  "));
  CHECK(has(run_frost("inspect --json " + quote(model)).out, "\"pipeline\""));

  const CommandResult run = run_frost("run " + quote(model) + " --random-inputs 1 --save " + quote((dir / "out").string()));
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(has(run.out, "probs: float [1,3]"));
  CHECK(run_frost("run " + quote(model) + " --random-inputs 1 --no-optimize --backend reference --save " +
                  quote((dir / "out").string())).exit_code == 0);
  CHECK(run_frost("bench " + quote(model) + " --runs 2 --warmup 1").exit_code == 0);

  // check against the outputs of a run fed from a file, by the component's name.
  const std::string x = (dir / "x.npy").string();
  Tensor features(DType::Float, Shape{2, 8});
  for (int64_t i = 0; i < features.num_elements(); ++i) features.data<float>()[i] = 0.1f * static_cast<float>(i % 7);
  write_npy(x, features);
  const CommandResult fed = run_frost("run " + quote(model) + " --input IteratorGetNext:0=" + quote(x) + " --save " +
                                      quote((dir / "fed").string()) + " --backend reference --no-optimize");
  INFO(fed.err);
  CHECK(fed.exit_code == 0);
  const CommandResult check = run_frost("check " + quote(model) + " --inputs " + quote(x) + " --expected " +
                                        quote((dir / "fed" / "probs.npy").string()));
  INFO(check.out, check.err);
  CHECK(check.exit_code == 0);

  const CommandResult missing = run_frost("run " + quote(model) + " --save " + quote((dir / "out").string()));
  CHECK(missing.exit_code == 2);
  CHECK(has(missing.err, "input 'IteratorGetNext:0'"));

  const CommandResult opt = run_frost("optimize " + quote(model) + " -o " + quote(optimised));
  INFO(opt.err);
  CHECK(opt.exit_code == 0);
  CHECK(has(opt.out, "input pipeline component IteratorGetNext:0 -> Placeholder 'IteratorGetNext'"));
  CHECK(has(opt.out, "verified"));
  const CommandResult after = run_frost("inspect " + quote(optimised));
  CHECK(has(after.out, "  IteratorGetNext  float [?,8]\n"));
  CHECK_FALSE(has(after.out, "IteratorV2"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: a queue-fed graph runs with its batch of 6 from the dequeue") {
  const auto dir = temp_dir("pipeline");
  const std::string model = (dir / "queue.pb").string();
  save_graph(pipeline::queue_fed_classifier(), model);
  const CommandResult inspect = run_frost("inspect " + quote(model));
  CHECK(has(inspect.out, "batch:0  float [6,4,2,1]"));
  CHECK(has(inspect.out, "batch:1  int32 [6]"));
  const CommandResult run = run_frost("run " + quote(model) + " --random-inputs 2 --save " + quote((dir / "out").string()));
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(has(run.out, "logits: float [6,3]"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: freeze and inspect of a graph whose loss is the only unconsumed node") {
  const auto dir = temp_dir("losshead");
  const std::string model = (dir / "xent.pb").string(), frozen = (dir / "frozen.pb").string();
  save_graph(pipeline::softmax_xent_training_graph(false), model);
  const CommandResult inspect = run_frost("inspect " + quote(model));
  INFO(inspect.out);
  CHECK(has(inspect.out, "labels  float [?,3]  — a label: only 'xent_mean' reads it"));
  CHECK(has(inspect.out, "Loss heads"));
  CHECK(has(inspect.out, "logits  float [?,3]  — the prediction the loss head 'xent_mean' compares"));
  const CommandResult freeze = run_frost("freeze --graph " + quote(model) + " -o " + quote(frozen));
  INFO(freeze.err);
  CHECK(freeze.exit_code == 0);
  CHECK(has(freeze.out, "outputs: logits"));
  CHECK(has(freeze.out, "'xent_mean' is not an output"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: optimize --help explains the derived tolerance") {
  const CommandResult help = run_frost("optimize --help");
  CHECK(help.exit_code == 0);
  CHECK(has(help.out, "max(1e-5, 4 x noise)"));
  CHECK(has(help.out, "Monte Carlo"));
}

TEST_CASE("corpus: training graphs whose losses were the unconsumed nodes now give their predictions") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  struct Case {
    const char* file;
    std::vector<std::string> inputs, outputs, labels, heads;
  };
  // Before loss heads were recognised, these reported the losses as outputs
  // and the labels as inputs (tf2onnx_regression: truediv of the MSE; the
  // finger-direction graph: the cross-entropy Neg and the accuracy Mean_1).
  const std::vector<Case> cases = {
      {"finger_direction_input_graph.pb", {"input_node"}, {"hypothesis"}, {"output_node"}, {"Neg", "Mean_1"}},
      {"tf2onnx_regression_savedmodel.saved_model.pb", {"X"}, {"Add"}, {"Y"}, {"truediv"}},
      {"volvo_nlu_graph_nonfrozen.pb", {"InputData/X"}, {"FullyConnected_2/Softmax"}, {"TargetsData/Y"},
       {"Crossentropy/Mean"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    const GraphSignature s = detect_signature(load_graph((std::filesystem::path(corpus) / "graphs" / c.file).string()));
    std::vector<std::string> inputs, outputs, labels, heads;
    for (const GraphInput& i : s.inputs)
      if (!i.has_default) inputs.push_back(i.name);
    for (const GraphOutput& o : s.outputs) outputs.push_back(o.name);
    for (const UnusedInput& u : s.unused_inputs) labels.push_back(u.input.name);
    for (const GraphOutput& h : s.loss_heads) heads.push_back(h.name);
    CHECK(inputs == c.inputs);
    CHECK(outputs == c.outputs);
    CHECK(labels == c.labels);
    CHECK(heads == c.heads);
  }
}
