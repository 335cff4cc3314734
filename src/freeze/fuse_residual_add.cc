// Rule: a residual connection after a fused convolution joins the fusion:
//   Add(_FusedConv2D[BiasAdd](x, w, b), r) [-> activation]
//     -> _FusedConv2D(x, w, b, r) with fused_ops ["BiasAdd", "Add"(, act)]
// as TensorFlow's oneDNN remapper writes it (num_args 2). Only with
// PassContext::runtime_fusions (stock TF CPU kernels lack it). The residual
// must have the conv output's exact static shape (an Add that broadcasts is
// not a residual); dim 0 may be unknown on both sides (the batch).
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"
#include "graph/activation_ops.h"
#include "graph/shape_inference.h"

namespace frost {

namespace {

bool same_static_shape(const PartialShape& a, const PartialShape& b) {
  if (!a.known_rank() || !b.known_rank() || a.rank() != b.rank()) return false;
  for (int i = 0; i < a.rank(); ++i) {
    if (a.dim(i) != b.dim(i)) return false;
    if (a.dim(i) < 0 && i != 0) return false;
  }
  return true;
}

bool fusable_activation(const std::string& op) {
  const ActivationOp* a = find_activation_op(op);
  return a && a->tf_fusion == TfFusion::kStock;
}

}  // namespace

PassStats fuse_residual_add(Graph& g, const PassContext& ctx) {
  PassStats stats;
  if (!ctx.runtime_fusions) return stats;
  std::map<TensorId, InferredTensor> shapes;
  bool have_shapes = false;
  std::vector<std::string> names;
  for (const Node* n : g.nodes()) names.push_back(n->name);
  for (const std::string& name : names) {
    Node* add = g.find(name);
    if (!add || (add->op != "Add" && add->op != "AddV2") || add->num_data_inputs() != 2) continue;
    int side = -1;
    for (int i = 0; i < 2 && side < 0; ++i) {
      const TensorId id = add->input(i);
      const Node* p = g.find(id.node);
      if (p && id.index == 0 && p->op == "_FusedConv2D" && p->num_data_inputs() == 3 &&
          p->attr("fused_ops").list_s() == std::vector<std::string>{"BiasAdd"} && single_use(g, ctx, p->name))
        side = i;
    }
    if (side < 0) continue;
    if (!have_shapes) {
      shapes = infer_shapes(g);
      have_shapes = true;
    }
    const TensorId conv_out = add->input(side), residual = add->input(1 - side);
    const auto a = shapes.find(TensorId{conv_out.node, conv_out.index, false});
    const auto b = shapes.find(TensorId{residual.node, residual.index, false});
    if (a == shapes.end() || b == shapes.end() || !same_static_shape(a->second.shape, b->second.shape)) continue;

    Node* conv = g.find(conv_out.node);
    Node* act = nullptr;
    if (single_use(g, ctx, add->name))
      for (Node* n : g.nodes())
        if (n->num_data_inputs() == 1 && n->input(0) == TensorId{add->name, 0, false} && fusable_activation(n->op))
          act = n;

    Node fused = *conv;
    fused.name = act ? act->name : add->name;
    fused.inputs = {conv->inputs[0], conv->inputs[1], conv->inputs[2], add->inputs[static_cast<size_t>(1 - side)]};
    add_control_inputs(fused, control_inputs(*conv));
    add_control_inputs(fused, control_inputs(*add));
    std::vector<std::string> ops = {"BiasAdd", "Add"};
    if (act) {
      ops.push_back(act->op);
      add_control_inputs(fused, control_inputs(*act));
      if (const ActivationOp* a = find_activation_op(act->op); a && a->alpha_attr)
        fused.attrs["leakyrelu_alpha"] = activation_alpha(*act, *a);
    }
    fused.attrs["fused_ops"] = ops;
    set_tensorflow_fused_attrs(fused, 2);
    std::vector<std::string> absorbed = {conv->name, add->name};
    if (act) absorbed.push_back(act->name);
    std::erase_if(fused.inputs, [&](const std::string& in) {
      return !in.empty() && in[0] == '^' &&
             std::find(absorbed.begin(), absorbed.end(), in.substr(1)) != absorbed.end();
    });
    g.at(fused.name) = std::move(fused);
    absorbed.pop_back();
    g.remove(absorbed);
    stats.add("fusions");
    stats.add("residual_adds_fused");
  }
  return stats;
}

}  // namespace frost
