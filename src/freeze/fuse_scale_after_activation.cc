// Rule: a per-channel affine after a fused contraction's activation joins
// its epilogue (Keras' Conv → ReLU → BatchNormalization, whose BN
// fold_batch_norm has turned into Mul + Add):
//   Mul(_Fused*[..., act](x, w, b, ...), s)  ->  _Fused*[..., act, "Scale"](x, w, b, ..., s)
//   Add(_Fused*[..., act](...), t)           ->  _Fused*[..., act, "Shift"](..., t)
// (Sub(·, t) as a shift by −t). A second Mul or Add composes with what is
// already there: (y·s + t)·c = y·(s·c) + t·c, (y·s + t) + c = y·s + (t + c).
// _Fused* is _FusedConv2D, _FusedDepthwiseConv2dNative or _FusedMatMul (NHWC:
// the channel is the last axis); the constant must be per output channel
// (per_channel: one value, [C] or [1,..,1,C]). The fused node takes the
// Mul's / Add's name and must have been read by it alone. Frost's runtime
// only (PassContext::runtime_fusions): TensorFlow has no such fused_ops.
// The new arguments are computed in double and rounded once.
#include "freeze/linear_fold_util.h"
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"
#include "graph/activation_ops.h"

namespace frost {

namespace {

bool is_fused_contraction(const std::string& op) {
  return op == "_FusedConv2D" || op == "_FusedDepthwiseConv2dNative" || op == "_FusedMatMul";
}

// Where a fused node's fused_ops stand: the index just past its activation
// (0 when it has none), and whether Scale/Shift follow it.
struct Tail {
  size_t after_activation = 0;
  bool scale = false, shift = false;
};

std::optional<Tail> read_tail(const std::vector<std::string>& ops) {
  Tail t;
  size_t i = 0;
  while (i < ops.size() && (ops[i] == "BiasAdd" || ops[i] == "Add")) ++i;
  const ActivationOp* a = i < ops.size() ? find_activation_op(ops[i]) : nullptr;
  if (!a || a->tf_fusion == TfFusion::kNone) return std::nullopt;
  t.after_activation = ++i;
  if (i < ops.size() && ops[i] == "Scale") t.scale = true, ++i;
  if (i < ops.size() && ops[i] == "Shift") t.shift = true, ++i;
  if (i != ops.size()) return std::nullopt;
  return t;
}

}  // namespace

PassStats fuse_scale_after_activation(Graph& g, const PassContext& ctx) {
  PassStats stats;
  if (!ctx.runtime_fusions || !ctx.cpu_fusions) return stats;
  std::vector<std::string> names;
  for (const Node* n : g.nodes()) names.push_back(n->name);
  for (const std::string& name : names) {
    Node* op = g.find(name);
    if (!op || op->num_data_inputs() != 2) continue;
    const bool mul = op->op == "Mul", sub = op->op == "Sub";
    if (!mul && !sub && op->op != "Add" && op->op != "AddV2") continue;
    // The fused node on one side (x - c only for Sub), a Const on the other.
    int side = -1;
    for (int i = 0; i < 2 && side < 0; ++i) {
      if (sub && i == 1) break;
      const TensorId id = op->input(i);
      const Node* p = g.find(id.node);
      if (p && id.index == 0 && is_fused_contraction(p->op) && const_input(g, *op, 1 - i)) side = i;
    }
    if (side < 0) continue;
    Node* fused = g.find(op->input(side).node);
    if (!single_use(g, ctx, fused->name) || !fused->has_attr("fused_ops")) continue;
    if (fused->attr_type_or("T", DType::Float) != DType::Float) continue;
    if (fused->op != "_FusedMatMul" && fused->attr_string_or("data_format", "NHWC") != "NHWC") continue;
    std::vector<std::string> ops = fused->attr("fused_ops").list_s();
    const std::optional<Tail> tail = read_tail(ops);
    if (!tail || ops.empty() || ops[0] != "BiasAdd") continue;
    const Tensor* bias = const_input(g, *fused, 2);
    const Tensor& c = *const_input(g, *op, 1 - side);
    if (!bias || c.dtype() != DType::Float) continue;
    const int64_t channels = bias->num_elements();
    const int out_rank = fused->op == "_FusedMatMul" ? 2 : 4;
    const auto values = per_channel(c, channels, out_rank);
    if (!values) continue;

    // The current scale s and shift t (1 and 0 when absent), then the new.
    const int64_t num_args = fused->attr_int_or("num_args", 0);
    const size_t first_arg = 2 + static_cast<size_t>(num_args) - (tail->scale ? 1 : 0) - (tail->shift ? 1 : 0);
    if (fused->inputs.size() < first_arg || fused->num_data_inputs() != static_cast<int>(2 + num_args)) continue;
    const Tensor* s_old = tail->scale ? const_value(g, fused->inputs[first_arg]) : nullptr;
    const Tensor* t_old = tail->shift ? const_value(g, fused->inputs[first_arg + (tail->scale ? 1 : 0)]) : nullptr;
    if ((tail->scale && (!s_old || s_old->num_elements() != channels)) ||
        (tail->shift && (!t_old || t_old->num_elements() != channels)))
      continue;
    std::vector<double> scale(static_cast<size_t>(channels), 1.0), shift(static_cast<size_t>(channels), 0.0);
    for (int64_t k = 0; k < channels; ++k) {
      const size_t u = static_cast<size_t>(k);
      if (s_old) scale[u] = s_old->as_double(k);
      if (t_old) shift[u] = t_old->as_double(k);
      if (mul) {
        scale[u] *= (*values)[u];
        shift[u] *= (*values)[u];
      } else {
        shift[u] += sub ? -(*values)[u] : (*values)[u];
      }
    }
    const bool has_scale = tail->scale || mul, has_shift = tail->shift || !mul;

    Node next = *fused;
    next.name = op->name;
    next.inputs.resize(first_arg);
    if (has_scale) next.inputs.push_back(add_const(g, op->name + "/post_scale", float_vector(scale, DType::Float)));
    if (has_shift) next.inputs.push_back(add_const(g, op->name + "/post_shift", float_vector(shift, DType::Float)));
    ops.resize(tail->after_activation);
    if (has_scale) ops.push_back("Scale");
    if (has_shift) ops.push_back("Shift");
    next.attrs["fused_ops"] = ops;
    const int64_t args = static_cast<int64_t>(next.inputs.size()) - 2;
    add_control_inputs(next, control_inputs(*fused));
    add_control_inputs(next, control_inputs(*op));
    std::erase_if(next.inputs, [&](const std::string& in) { return in == "^" + fused->name; });
    set_tensorflow_fused_attrs(next, args);
    const std::string old_name = fused->name;
    g.at(op->name) = std::move(next);
    g.remove({old_name});
    stats.add("fusions");
    stats.add(mul ? "scales_fused_after_activation" : "shifts_fused_after_activation");
  }
  return stats;
}

}  // namespace frost
