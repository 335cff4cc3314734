// models/fashion_cnn: Frost's freeze of the TF1 session graph + Saver
// checkpoint against TensorFlow's own freeze_graph result (frozen_graph.pb).
#include <doctest/doctest.h>

#include "freeze_ckpt_util.h"
#include "io/checkpoint/tensor_bundle.h"
#include "io/npy.h"

#include <set>

using namespace frost;
using namespace frost::testing;

TEST_CASE("freeze models: fashion_cnn graph + checkpoint equals TensorFlow's freeze_graph") {
  const std::string dir = model_dir("fashion_cnn");
  if (dir.empty()) return;
  FreezeInput in;
  in.kind = FreezeInput::Kind::GraphDef;
  in.path = dir + "/tf_complete_model.pb";
  in.checkpoint = dir + "/tf_chkpt.ckpt";
  const TensorId out = TensorId::parse("activation_3/Softmax");
  const Graph reference = load_graph(dir + "/frozen_graph.pb");
  const Tensor images = read_npy(dir + "/inputs.npy");
  const Tensor expected = read_npy(dir + "/expected.npy");
  const FeedMap feeds = {{TensorId::parse("conv2d_input"), images}};
  const Tensor theirs = run_reference(reference, feeds, {out})[0];
  // The variables: checkpoint keys that are Consts in TensorFlow's frozen graph.
  std::vector<std::string> variables;
  const CheckpointReader reader(in.checkpoint);
  for (const CheckpointEntry& e : reader.entries())
    if (const Node* n = reference.find(e.name); n && n->op == "Const") variables.push_back(e.name);
  REQUIRE(variables.size() == 16);

  SUBCASE("learning phase set to false: conditionals resolved") {
    FreezeOptions o;
    o.set = {{"keras_learning_phase", "false"}};  // outputs detected: the one Softmax
    const FreezeResult r = freeze_with_report(in, o);
    CHECK(r.report.outputs == std::vector<std::string>{"activation_3/Softmax"});
    CHECK(r.report.inputs == std::vector<std::string>{"conv2d_input"});
    // Kernels and biases of 2 conv + 2 dense layers, gamma/beta/mean/variance of 2 BN.
    CHECK(r.report.variables_frozen == 16);
    CHECK(r.report.switches_resolved > 0);
    CHECK(count_op(r.graph, "Switch") == 0);
    CHECK(count_op(r.graph, "Merge") == 0);
    CHECK(count_op(r.graph, "RandomUniform") == 0);  // dropout's training branch is gone
    CHECK(count_op(r.graph, "VarHandleOp") == 0);
    CHECK(check_constants_identical(r.graph, reference, variables) == 16);
    check_constants_identical(r.graph, reference);  // every other same-named Const too
    const Tensor ours = run_reference(r.graph, feeds, {out})[0];
    CHECK(max_abs_diff(ours, theirs) <= 1e-6);
    CHECK(max_abs_diff(ours, expected) <= 1e-5);
  }
  SUBCASE("learning phase left as an input: same node count as freeze_graph") {
    const FreezeResult r = freeze_with_report(in, {});
    CHECK(r.report.variables_frozen == 16);
    CHECK(r.graph.size() == reference.size());
    CHECK(check_constants_identical(r.graph, reference, variables) == 16);
    CHECK(check_constants_identical(r.graph, reference) == 24);  // every Const of freeze_graph's result
    CHECK(max_abs_diff(run_reference(r.graph, feeds, {out})[0], theirs) <= 1e-6);
  }
}

namespace {

// dtype, shape and raw bytes of a numeric tensor, as one comparable string.
std::string fingerprint(const Tensor& t) {
  return dtype_name(t.dtype()) + t.shape().to_string() +
         std::string(static_cast<const char*>(t.raw_data()), t.byte_size());
}

}  // namespace

TEST_CASE("freeze models: fashion_cnn TF2 SavedModel equals convert_variables_to_constants_v2's graph") {
  const std::string dir = model_dir("fashion_cnn");
  if (dir.empty()) return;
  FreezeInput in;
  in.kind = FreezeInput::Kind::SavedModel;
  in.path = dir + "/saved_model";  // tag serve, signature serving_default, variables/variables
  const FreezeResult r = freeze_with_report(in, {});
  CHECK(r.report.inputs == std::vector<std::string>{"serving_default_conv2d_input"});
  CHECK(r.report.outputs == std::vector<std::string>{"StatefulPartitionedCall"});
  CHECK(r.report.variables_frozen == 16);
  CHECK(r.report.checkpoint_prefix == dir + "/saved_model/variables/variables");
  for (const char* op : {"StatefulPartitionedCall", "PartitionedCall", "VarHandleOp", "ReadVariableOp"})
    CHECK_MESSAGE(count_op(r.graph, op) == 0, op);

  // TensorFlow names its constants after the reads; compare the values: the
  // 16 variables (the keys are object-graph paths such as
  // "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE") byte for byte.
  const Graph reference = load_graph(dir + "/tf2_frozen_graph.pb");
  std::multiset<std::string> theirs;
  for (const Node* n : reference.nodes())
    if (n->op == "Const" && n->name.find("ReadVariableOp") != std::string::npos)
      theirs.insert(fingerprint(n->attr_tensor("value")));
  REQUIRE(theirs.size() == 16);
  int matched = 0;
  for (const char* var : {"conv2d/kernel", "conv2d/bias", "batch_normalization/gamma", "batch_normalization/beta",
                          "batch_normalization/moving_mean", "batch_normalization/moving_variance",
                          "conv2d_1/kernel", "conv2d_1/bias", "batch_normalization_1/gamma",
                          "batch_normalization_1/beta", "batch_normalization_1/moving_mean",
                          "batch_normalization_1/moving_variance", "dense/kernel", "dense/bias", "dense_1/kernel",
                          "dense_1/bias"}) {
    const Node* n = r.graph.find(var);
    REQUIRE_MESSAGE(n != nullptr, var);
    REQUIRE(n->op == "Const");
    const auto it = theirs.find(fingerprint(n->attr_tensor("value")));
    CHECK_MESSAGE(it != theirs.end(), var << " has no byte-identical constant in tf2_frozen_graph.pb");
    if (it != theirs.end()) {
      theirs.erase(it);
      ++matched;
    }
  }
  CHECK(matched == 16);

  const Tensor images = read_npy(dir + "/inputs.npy");
  const Tensor ours = run_reference(r.graph, {{TensorId::parse("serving_default_conv2d_input"), images}},
                                    {TensorId::parse("StatefulPartitionedCall")})[0];
  const Tensor tf2 =
      run_reference(reference, {{TensorId::parse("conv2d_input"), images}}, {TensorId::parse("Identity")})[0];
  CHECK(max_abs_diff(ours, tf2) <= 1e-6);
  CHECK(max_abs_diff(ours, read_npy(dir + "/expected_tf2.npy")) <= 1e-5);
}
