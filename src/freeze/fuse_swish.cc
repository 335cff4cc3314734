// Rule: Swish written out as Keras and tf.nn.silu freeze it becomes one op,
//   Mul(x, Sigmoid(x))  or  Mul(Sigmoid(x), x)  ->  _MklSwish(x)
// under the name TensorFlow's oneDNN remapper gives the same rewrite. On its
// own that is one pass over memory instead of two; above all it makes Swish
// an activation (graph/activation_ops.h) that fuse_bias_activation then takes
// into the producing Conv2D / DepthwiseConv2dNative / MatMul + BiasAdd (also
// when the BiasAdd is a folded BatchNorm), so the epilogue computes it in
// registers: the Sigmoid read x once and the Mul read x again, which kept the
// contraction's output from having a single consumer.
// Conditions: float, the Sigmoid's input is the very tensor the Mul's other
// operand is, and the Sigmoid is read by that Mul alone (not fetched, no
// control consumers). The Mul keeps its name and both nodes' control inputs.
// Frost's CPU runtime only (runtime_fusions and cpu_fusions): stock
// TensorFlow has no _MklSwish kernel, and the FPGA partition takes the
// Sigmoid and Mul as they are.
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

namespace {

bool is_float_op(const Node& n, const std::string& op) {
  return n.op == op && n.attr_type_or("T", DType::Float) == DType::Float;
}

// The Sigmoid operand of `mul` (side 0 or 1) whose input is the other
// operand, or -1.
int swish_sigmoid_side(const Graph& g, const PassContext& ctx, const Node& mul) {
  for (int side = 0; side < 2; ++side) {
    const TensorId s = mul.input(side);
    const Node* sigmoid = g.find(s.node);
    if (!sigmoid || s.index != 0 || !is_float_op(*sigmoid, "Sigmoid") || sigmoid->num_data_inputs() != 1) continue;
    if (sigmoid->input(0) != mul.input(1 - side) || !single_use(g, ctx, sigmoid->name)) continue;
    return side;
  }
  return -1;
}

}  // namespace

PassStats fuse_swish(Graph& g, const PassContext& ctx) {
  PassStats stats;
  if (!ctx.runtime_fusions || !ctx.cpu_fusions) return stats;
  std::vector<std::string> names;
  for (const Node* n : g.nodes()) names.push_back(n->name);
  for (const std::string& name : names) {
    Node* mul = g.find(name);
    if (!mul || !is_float_op(*mul, "Mul") || mul->num_data_inputs() != 2) continue;
    const int side = swish_sigmoid_side(g, ctx, *mul);
    if (side < 0) continue;
    const std::string sigmoid_name = mul->input(side).node;
    const Node& sigmoid = g.at(sigmoid_name);
    std::vector<std::string> controls = control_inputs(*mul);
    for (const std::string& c : control_inputs(sigmoid))
      if (c != "^" + mul->name) controls.push_back(c);
    Node swish;
    swish.name = mul->name;
    swish.op = "_MklSwish";
    swish.device = mul->device;
    swish.inputs = {mul->inputs[static_cast<size_t>(1 - side)]};
    swish.attrs["T"] = DType::Float;
    add_control_inputs(swish, controls);
    *mul = std::move(swish);
    g.remove({sigmoid_name});
    stats.add("swish_fused");
  }
  return stats;
}

}  // namespace frost
