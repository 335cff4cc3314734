// Rule: an inference-mode FusedBatchNorm (V1/V2/V3, is_training=false) with
// constant scale γ, offset β, mean μ and variance σ² is the per-channel affine
//   y = x·s + t,   s = γ / sqrt(σ² + ε),   t = β − μ·s.
// When x comes from a Conv2D / DepthwiseConv2dNative (optionally through a
// BiasAdd with constant bias b) used only here, in the same data_format, s
// folds into the filter's output channels and the BN becomes
// BiasAdd(conv, b·s + t) under the BN's name. Otherwise the BN becomes
// Mul(x, s) + t (constants shaped for its data_format), which later rules
// may still fold. Not applicable (nothing changes): is_training true or
// absent (TF's default is true), a non-constant statistic, the BN's extra
// outputs (batch mean/variance) in use, or a mismatch in data_format.
// The arithmetic is done in double and rounded once.
#include <cmath>

#include "freeze/linear_fold_util.h"
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

namespace {

bool is_fused_batch_norm(const std::string& op) {
  return op == "FusedBatchNorm" || op == "FusedBatchNormV2" || op == "FusedBatchNormV3";
}

// Whether any output other than y (index 0) is read.
bool side_outputs_used(const Graph& g, const std::string& name) {
  for (const Node* n : g.nodes())
    for (int i = 0; i < n->num_data_inputs(); ++i) {
      const TensorId id = n->input(i);
      if (id.node == name && id.index != 0) return true;
    }
  return false;
}

}  // namespace

PassStats fold_batch_norm(Graph& g, const PassContext& ctx) {
  PassStats stats;
  std::vector<std::string> doomed;  // removed after the walk (pointers stay valid during it)
  for (Node* bn : g.nodes()) {
    if (!is_fused_batch_norm(bn->op) || bn->num_data_inputs() != 5) continue;
    if (bn->attr_bool_or("is_training", true)) continue;
    const Tensor* gamma = const_input(g, *bn, 1);
    const Tensor* beta = const_input(g, *bn, 2);
    const Tensor* mean = const_input(g, *bn, 3);
    const Tensor* var = const_input(g, *bn, 4);
    if (!gamma || !beta || !mean || !var) continue;
    const int64_t channels = gamma->num_elements();
    if (channels == 0 || beta->num_elements() != channels || mean->num_elements() != channels ||
        var->num_elements() != channels)
      continue;
    if (side_outputs_used(g, bn->name)) continue;
    const std::string format = bn->attr_string_or("data_format", "NHWC");
    if (format != "NHWC" && format != "NCHW") continue;
    const double eps = bn->attr_float_or("epsilon", 0.0001f);
    const DType t = bn->attr_type_or("T", DType::Float);
    if (t != DType::Float) continue;

    std::vector<double> scale(static_cast<size_t>(channels)), shift(static_cast<size_t>(channels));
    for (int64_t c = 0; c < channels; ++c) {
      const double s = gamma->as_double(c) / std::sqrt(var->as_double(c) + eps);
      scale[static_cast<size_t>(c)] = s;
      shift[static_cast<size_t>(c)] = beta->as_double(c) - mean->as_double(c) * s;
    }

    // x = [BiasAdd(] linear [, b)] ?
    const std::string x = bn->inputs[0];
    Node* bias_add = nullptr;
    const Tensor* bias = nullptr;
    std::optional<LinearOp> linear;
    if (Node* p = g.find(TensorId::parse(x).node); p && TensorId::parse(x).index == 0 && single_use(g, ctx, p->name)) {
      if (p->op == "BiasAdd" && p->num_data_inputs() == 2 && p->attr_string_or("data_format", "NHWC") == format) {
        bias = const_input(g, *p, 1);
        if (bias && bias->num_elements() == channels && single_use(g, ctx, p->input(0).node)) {
          bias_add = p;
          linear = as_linear_op(g, p->inputs[0]);
        }
      } else {
        linear = as_linear_op(g, x);
      }
    }
    if (linear && linear->out_rank == 4 && linear->data_format == format && linear->channels == channels &&
        linear->node->op != "MatMul") {
      const std::string weights = add_const(g, linear->node->name + "/bn_folded_weights", scale_weights(*linear, scale));
      linear->node->inputs[1] = weights;
      std::vector<double> new_bias = shift;
      for (int64_t c = 0; c < channels; ++c)
        if (bias) new_bias[static_cast<size_t>(c)] += bias->as_double(c) * scale[static_cast<size_t>(c)];
      const std::string bias_name = add_const(g, bn->name + "/bn_folded_bias", float_vector(new_bias, t));
      become_bias_add(*bn, linear->node->name, bias_name, t, format);
      if (bias_add) doomed.push_back(bias_add->name);
      stats.add("bn_folded");
      continue;
    }

    // No linear op to fold into: y = x * s + t per channel.
    const Shape const_shape = format == "NHWC" ? Shape{channels} : Shape{channels, 1, 1};
    const std::string s_name = add_const(g, bn->name + "/scale", float_vector(scale, t).reshaped(const_shape));
    const std::string t_name = add_const(g, bn->name + "/shift", float_vector(shift, t).reshaped(const_shape));
    Node mul;
    mul.name = unique_name(g, bn->name + "/mul");
    mul.op = "Mul";
    mul.inputs = {x, s_name};
    mul.attrs = {{"T", t}};
    const std::string mul_name = mul.name;
    std::vector<std::string> controls = control_inputs(*bn);
    g.add(std::move(mul));
    bn->op = "Add";
    bn->inputs = {mul_name, t_name};
    bn->attrs = {{"T", t}};
    add_control_inputs(*bn, controls);
    stats.add("bn_to_scale_shift");
  }
  g.remove(doomed);
  return stats;
}

}  // namespace frost
