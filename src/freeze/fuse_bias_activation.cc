// Rule: a contraction followed by its bias and an activation is one op in
// TensorFlow's own vocabulary (what Grappler's remapper emits), so the
// result still loads in TensorFlow and a backend can run it as one kernel
// with a fused epilogue:
//   Conv2D               + BiasAdd [+ act]  ->  _FusedConv2D
//   DepthwiseConv2dNative + BiasAdd [+ act] ->  _FusedDepthwiseConv2dNative
//   MatMul               + BiasAdd [+ act]  ->  _FusedMatMul
// Inputs: (input, filter, bias); attrs: the contraction's own plus
// fused_ops = ["BiasAdd"(, act)], num_args = 1, epsilon (unused without
// FusedBatchNorm, TF's default 1e-4) and leakyrelu_alpha for LeakyRelu.
// The fused node takes the name of the last node it absorbs, so fetches of
// that name still work; an absorbed intermediate must not be kept or read
// by anything else. NHWC float only (TF's CPU fused kernels are NHWC).
// Activations: Relu, Relu6, Elu, LeakyRelu everywhere TF's stock CPU kernels
// take them; Sigmoid, Tanh and _MklSwish (fuse_swish.cc) only when
// PassContext::runtime_fusions (TF runs those fused only in oneDNN builds).
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"
#include "graph/activation_ops.h"

namespace frost {

namespace {

std::string fused_name_of(const std::string& op) {
  if (op == "Conv2D") return "_FusedConv2D";
  if (op == "DepthwiseConv2dNative") return "_FusedDepthwiseConv2dNative";
  if (op == "MatMul") return "_FusedMatMul";
  return "";
}

bool fusable_activation(const std::string& op, const PassContext& ctx) {
  const ActivationOp* a = find_activation_op(op);
  return a && (a->tf_fusion == TfFusion::kStock || (ctx.runtime_fusions && a->tf_fusion == TfFusion::kOneDnn));
}

// The single data consumer of `node`'s output 0, if that is all that reads it.
Node* only_consumer(Graph& g, const PassContext& ctx, const std::string& node) {
  if (!single_use(g, ctx, node)) return nullptr;
  for (Node* n : g.nodes())
    for (int i = 0; i < n->num_data_inputs(); ++i) {
      const TensorId id = n->input(i);
      if (id.node == node) return id.index == 0 ? n : nullptr;
    }
  return nullptr;
}

}  // namespace

PassStats fuse_bias_activation(Graph& g, const PassContext& ctx) {
  PassStats stats;
  // Walk by name: fusing removes nodes, so pointers from before may dangle.
  std::vector<std::string> names;
  for (const Node* n : g.nodes()) names.push_back(n->name);
  for (const std::string& name : names) {
    Node* bias_add = g.find(name);
    if (!bias_add || bias_add->op != "BiasAdd" || bias_add->num_data_inputs() != 2) continue;
    if (bias_add->attr_string_or("data_format", "NHWC") != "NHWC") continue;
    const TensorId lid = bias_add->input(0);
    Node* linear = g.find(lid.node);
    if (!linear || lid.index != 0 || fused_name_of(linear->op).empty()) continue;
    if (linear->op == "DepthwiseConv2dNative" && !ctx.runtime_fusions) continue;
    if (linear->attr_type_or("T", DType::Float) != DType::Float) continue;
    if (linear->op != "MatMul" && linear->attr_string_or("data_format", "NHWC") != "NHWC") continue;
    if (linear->num_data_inputs() != 2 || !single_use(g, ctx, linear->name)) continue;
    // TensorFlow's _FusedDepthwiseConv2dNative has no explicit_paddings attr;
    // Frost's runtime reads it (fused depthwise graphs are Frost's only anyway).
    const bool explicit_depthwise =
        linear->op == "DepthwiseConv2dNative" && linear->attr_string_or("padding", "") == "EXPLICIT";
    if (explicit_depthwise && !ctx.runtime_fusions) continue;

    Node* act = only_consumer(g, ctx, bias_add->name);
    if (act && (!fusable_activation(act->op, ctx) || act->num_data_inputs() != 1)) act = nullptr;

    Node fused;
    fused.name = act ? act->name : bias_add->name;
    fused.op = fused_name_of(linear->op);
    fused.device = linear->device;
    fused.inputs = {linear->inputs[0], linear->inputs[1], bias_add->inputs[1]};
    fused.attrs = linear->attrs;
    std::vector<std::string> fused_ops = {"BiasAdd"};
    if (act) fused_ops.push_back(act->op);
    fused.attrs["fused_ops"] = fused_ops;
    fused.attrs["epsilon"] = 0.0001f;
    if (const ActivationOp* a = act ? find_activation_op(act->op) : nullptr; a && a->alpha_attr)
      fused.attrs["leakyrelu_alpha"] = activation_alpha(*act, *a);
    if (linear->op != "MatMul" && !fused.attrs.count("data_format")) fused.attrs["data_format"] = std::string("NHWC");
    set_tensorflow_fused_attrs(fused, 1);
    if (explicit_depthwise) fused.attrs["explicit_paddings"] = linear->attr("explicit_paddings");
    std::vector<std::string> absorbed = {linear->name, bias_add->name};
    for (const Node* part : {linear, bias_add, act})
      if (part) add_control_inputs(fused, control_inputs(*part));
    if (act) absorbed.push_back(act->name);
    // Control inputs between the absorbed nodes are internal now.
    std::erase_if(fused.inputs, [&](const std::string& in) {
      return !in.empty() && in[0] == '^' &&
             std::find(absorbed.begin(), absorbed.end(), in.substr(1)) != absorbed.end();
    });
    // Replace in place: the last absorbed node becomes the fused one.
    Node& last = g.at(fused.name);
    last = std::move(fused);
    absorbed.pop_back();
    g.remove(absorbed);
    stats.add("fusions");
    stats.add(act ? "fused_with_activation" : "fused_bias_only");
  }
  return stats;
}

}  // namespace frost
