// Inputs, outputs and labels of graphs fed by input pipelines (tf.data
// iterators, TF1 queues), and loss heads replaced by their predictions.
#include <doctest/doctest.h>

#include "graph/input_pipeline.h"
#include "graph/shape_inference.h"
#include "graph/signature.h"
#include "graph/summary.h"
#include "pipeline_graphs.h"

using namespace frost;
using namespace frost::testing::pipeline;

namespace {

std::vector<std::string> names(const std::vector<GraphOutput>& outputs) {
  std::vector<std::string> out;
  for (const GraphOutput& o : outputs) out.push_back(o.name);
  return out;
}

}  // namespace

TEST_CASE("pipeline: an iterator-fed graph's features are its input, the label component is reported as unused") {
  const Graph g = iterator_fed_classifier();
  const GraphSignature s = detect_signature(g);
  REQUIRE(s.inputs.size() == 1);
  CHECK(s.inputs[0].name == "IteratorGetNext:0");
  CHECK(s.inputs[0].tensor() == TensorId{"IteratorGetNext", 0, false});
  CHECK(s.inputs[0].dtype == DType::Float);
  CHECK(s.inputs[0].shape == PartialShape{-1, 8});
  CHECK(s.inputs[0].pipeline.find("IteratorGetNext of 'IteratorV2'") != std::string::npos);
  // The OneHot of the label (its loss pruned away) is not a likely output.
  CHECK(names(s.outputs) == std::vector<std::string>{"probs"});
  REQUIRE(s.unused_inputs.size() == 1);
  CHECK(s.unused_inputs[0].input.name == "IteratorGetNext:1");
  CHECK(s.unused_inputs[0].input.dtype == DType::Int64);
  // Shapes flow from the component attrs.
  const auto shapes = infer_shapes(g);
  CHECK(shapes.at(TensorId{"probs", 0, false}).shape == PartialShape{-1, 3});
}

TEST_CASE("pipeline: a queue-fed graph takes its batch from QueueDequeueManyV2's n; UpTo leaves it unknown") {
  {
    const GraphSignature s = detect_signature(queue_fed_classifier("QueueDequeueManyV2"));
    REQUIRE(s.inputs.size() == 1);
    CHECK(s.inputs[0].name == "batch:0");
    CHECK(s.inputs[0].dtype == DType::Float);
    CHECK(s.inputs[0].shape == PartialShape{6, 4, 2, 1});
    CHECK(s.inputs[0].pipeline.find("batch 6") != std::string::npos);
    CHECK(names(s.outputs) == std::vector<std::string>{"logits"});
    REQUIRE(s.unused_inputs.size() == 1);
    CHECK(s.unused_inputs[0].input.name == "batch:1");
    CHECK(s.unused_inputs[0].input.shape == PartialShape{6});
    CHECK(s.unused_inputs[0].reason.find("nothing reads it") != std::string::npos);
  }
  {
    const GraphSignature s = detect_signature(queue_fed_classifier("QueueDequeueUpToV2"));
    REQUIRE(s.inputs.size() == 1);
    CHECK(s.inputs[0].shape == PartialShape{-1, 4, 2, 1});
    CHECK(s.inputs[0].pipeline.find("up to 6") != std::string::npos);
  }
}

TEST_CASE("pipeline: components come from the attrs; a reader without them has unknown shapes, never throws") {
  Graph g = queue_fed_classifier();
  CHECK(is_pipeline_reader_op("QueueDequeueV2"));
  CHECK(is_pipeline_source_op("OneShotIterator"));
  CHECK_FALSE(is_pipeline_reader_op("Placeholder"));
  g.at("batch/fifo_queue").attrs.erase("shapes");  // FIFOQueueV2 made without shapes
  const std::vector<PipelineComponent> c = pipeline_components(g, g.at("batch"));
  REQUIRE(c.size() == 2);
  CHECK_FALSE(c[0].shape.known_rank());
  CHECK(c[1].dtype == DType::Int32);
}

TEST_CASE("loss heads: Mean(Square(Sub(prediction, label))) gives way to the prediction; the label is not an input") {
  const Graph g = mse_training_graph();
  const GraphSignature s = detect_signature(g);
  REQUIRE(s.outputs.size() == 1);
  CHECK(s.outputs[0].name == "logits");
  CHECK(s.outputs[0].reason.find("loss head 'Mean'") != std::string::npos);
  CHECK(s.outputs[0].reason.find("label 'y'") != std::string::npos);
  REQUIRE(s.loss_heads.size() == 1);
  CHECK(s.loss_heads[0].name == "Mean");
  REQUIRE(s.inputs.size() == 1);
  CHECK(s.inputs[0].name == "x");
  REQUIRE(s.unused_inputs.size() == 1);
  CHECK(s.unused_inputs[0].input.name == "y");
  CHECK(s.unused_inputs[0].reason.find("label") != std::string::npos);
  // inspect's summary says the same.
  const GraphSummary summary = summarize_graph(g);
  CHECK(summary.loss_heads.size() == 1);
  CHECK(summary.unused_inputs.size() == 1);
}

TEST_CASE("loss heads: softmax cross-entropy against a label placeholder; a Softmax output already covers the logits") {
  {
    const GraphSignature s = detect_signature(softmax_xent_training_graph(false));
    CHECK(names(s.outputs) == std::vector<std::string>{"logits"});
    REQUIRE(s.loss_heads.size() == 1);
    CHECK(s.loss_heads[0].name == "xent_mean");
    CHECK(s.loss_heads[0].reason.find("SoftmaxCrossEntropyWithLogits") != std::string::npos);
    REQUIRE(s.inputs.size() == 1);
    CHECK(s.inputs[0].name == "x");
  }
  {
    const GraphSignature s = detect_signature(softmax_xent_training_graph(true));
    REQUIRE(s.outputs.size() == 1);
    CHECK(s.outputs[0].name == "probs");
    CHECK(s.outputs[0].reason.find("loss head 'xent_mean'") != std::string::npos);
  }
}

TEST_CASE("loss heads must not fire: a scalar knob multiplied into the prediction, and an unreduced comparison") {
  {
    Graph g = mse_training_graph();
    // y is a scale factor here: logits * scale, no reduction.
    g.remove({"sub", "Square", "Const", "Mean", "y"});
    g.add(placeholder("scale", PartialShape(std::vector<int64_t>{})));
    g.add(make_node("scaled", "Mul", {"logits", "scale"}, t_float()));
    const GraphSignature s = detect_signature(g);
    CHECK(names(s.outputs) == std::vector<std::string>{"scaled"});
    CHECK(s.inputs.size() == 2);
    CHECK(s.loss_heads.empty());
  }
  {
    Graph g = mse_training_graph();
    // A residual against a second input, not reduced: an output, not a loss.
    g.remove({"Square", "Const", "Mean"});
    const GraphSignature s = detect_signature(g);
    CHECK(names(s.outputs) == std::vector<std::string>{"sub"});
    CHECK(s.inputs.size() == 2);
    CHECK(s.loss_heads.empty());
  }
}
