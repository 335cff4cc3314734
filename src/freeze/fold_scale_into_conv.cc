// Rules for the decomposed BatchNorm (x·s + t written as Mul and Add, as
// Keras on 2-D inputs, slim without `fused`, and Caffe conversions emit it)
// and any other per-channel affine after a linear op:
//   Mul(L(x) [+ b], c)  ->  L'(x) [+ b·c]      (c folded into L's weights)
//   Add(L(x), c)        ->  BiasAdd(L(x), c)
//   Add(BiasAdd(y, b), c) -> BiasAdd(y, b + c)  (Sub: c negated)
//   Add(_Fused*(x, w, b), c) -> _Fused*(x, w, b + c)  (fused_ops BiasAdd alone)
// and the same with a BiasAdd for the Add: Caffe conversions (opencv_face's
// conv -> bias -> BatchNorm -> Scale) leave a second bias after the first,
// which would otherwise stay a pass over memory and keep the activation out
// of the contraction's epilogue.
// L is Conv2D / DepthwiseConv2dNative (NHWC) or MatMul with constant weights;
// c is per output channel ([C], [1,..,1,C] or one value). The Mul rule needs
// L (and its BiasAdd) used only by this chain, since it changes L's weights.
// The rewritten node keeps the Mul's / Add's name.
#include <optional>

#include "freeze/linear_fold_util.h"
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

namespace {

bool is_add(const Node& n) {
  if (n.op == "BiasAdd") return n.attr_string_or("data_format", "NHWC") == "NHWC";
  return n.op == "Add" || n.op == "AddV2" || n.op == "Sub";
}

// A fused contraction whose epilogue is its bias alone (so a constant added
// to its output adds to that bias), and the rank of its output.
std::optional<int> bias_only_contraction(const Node& n) {
  const int rank = n.op == "_FusedMatMul" ? 2 : n.op == "_FusedConv2D" || n.op == "_FusedDepthwiseConv2dNative" ? 4 : 0;
  if (rank == 0 || n.num_data_inputs() != 3 || n.attr_string_or("data_format", "NHWC") != "NHWC") return std::nullopt;
  if (!n.has_attr("fused_ops") || n.attr("fused_ops").list_s() != std::vector<std::string>{"BiasAdd"}) return std::nullopt;
  return rank;
}

// Which input of a binary node is a Const (1 preferred), or -1.
int const_side(const Graph& g, const Node& n, bool commutative) {
  if (n.num_data_inputs() != 2) return -1;
  if (const_input(g, n, 1)) return const_input(g, n, 0) ? -1 : 1;
  if (commutative && const_input(g, n, 0)) return 0;
  return -1;
}

bool nhwc_linear(const LinearOp& l) { return l.node->op == "MatMul" || l.data_format == "NHWC"; }

}  // namespace

PassStats fold_mul_into_weights(Graph& g, const PassContext& ctx) {
  PassStats stats;
  std::vector<std::string> doomed;
  for (Node* mul : g.nodes()) {
    if (mul->op != "Mul") continue;
    const int side = const_side(g, *mul, true);
    if (side < 0) continue;
    const Tensor& c = *const_input(g, *mul, side);
    const std::string x = mul->inputs[static_cast<size_t>(1 - side)];
    const TensorId xid = TensorId::parse(x);
    Node* p = g.find(xid.node);
    if (!p || xid.index != 0 || !single_use(g, ctx, p->name)) continue;

    Node* bias_add = nullptr;
    const Tensor* bias = nullptr;
    std::optional<LinearOp> linear;
    if (p->op == "BiasAdd" && p->attr_string_or("data_format", "NHWC") == "NHWC") {
      bias = const_input(g, *p, 1);
      if (!bias || !single_use(g, ctx, p->input(0).node)) continue;
      bias_add = p;
      linear = as_linear_op(g, p->inputs[0]);
    } else {
      linear = as_linear_op(g, x);
    }
    if (!linear || !nhwc_linear(*linear)) continue;
    if (bias && bias->num_elements() != linear->channels) continue;
    const auto scale = per_channel(c, linear->channels, linear->out_rank);
    if (!scale) continue;
    const DType t = linear->weights->dtype();
    if (c.dtype() != t) continue;

    linear->node->inputs[1] = add_const(g, linear->node->name + "/scaled_weights", scale_weights(*linear, *scale));
    if (bias_add) {
      std::vector<double> b(static_cast<size_t>(linear->channels));
      for (size_t i = 0; i < b.size(); ++i) b[i] = bias->as_double(static_cast<int64_t>(i)) * (*scale)[i];
      become_bias_add(*mul, linear->node->name, add_const(g, mul->name + "/scaled_bias", float_vector(b, t)), t);
      doomed.push_back(bias_add->name);
    } else {
      become_identity(*mul, linear->node->name);
    }
    stats.add("muls_folded_into_weights");
  }
  g.remove(doomed);
  return stats;
}

PassStats fold_add_into_bias(Graph& g, const PassContext& ctx) {
  PassStats stats;
  std::vector<std::string> doomed;
  for (Node* add : g.nodes()) {
    if (!is_add(*add)) continue;
    const bool sub = add->op == "Sub", bias_op = add->op == "BiasAdd";
    // BiasAdd's bias is input 1 and a vector.
    const int side = bias_op ? (const_input(g, *add, 1) && !const_input(g, *add, 0) ? 1 : -1) : const_side(g, *add, !sub);
    if (side < 0) continue;
    const Tensor& c = *const_input(g, *add, side);
    const std::string x = add->inputs[static_cast<size_t>(1 - side)];
    const TensorId xid = TensorId::parse(x);
    Node* p = g.find(xid.node);
    if (!p || xid.index != 0) continue;
    const double sign = sub ? -1.0 : 1.0;

    if (p->op == "BiasAdd" && p->attr_string_or("data_format", "NHWC") == "NHWC" && single_use(g, ctx, p->name)) {
      const Tensor* b = const_input(g, *p, 1);
      if (!b || b->dtype() != c.dtype() || b->rank() != 1) continue;
      // A [C] or single-value c broadcasts over the last axis of any rank;
      // a [1,..,1,C] one only up to the rank of a linear op's output.
      const auto below = as_linear_op(g, p->inputs[0]);
      const auto values = per_channel(c, b->num_elements(), below ? below->out_rank : 1);
      if (!values) continue;
      std::vector<double> sum(static_cast<size_t>(b->num_elements()));
      for (size_t i = 0; i < sum.size(); ++i) sum[i] = b->as_double(static_cast<int64_t>(i)) + sign * (*values)[i];
      become_bias_add(*add, p->inputs[0], add_const(g, add->name + "/bias", float_vector(sum, c.dtype())),
                      c.dtype());
      doomed.push_back(p->name);
      stats.add("adds_folded_into_bias");
      continue;
    }
    if (const std::optional<int> rank = bias_only_contraction(*p); rank && single_use(g, ctx, p->name)) {
      const Tensor* b = const_input(g, *p, 2);
      if (!b || b->dtype() != c.dtype() || b->rank() != 1) continue;
      const auto values = per_channel(c, b->num_elements(), *rank);
      if (!values) continue;
      std::vector<double> sum(static_cast<size_t>(b->num_elements()));
      for (size_t i = 0; i < sum.size(); ++i) sum[i] = b->as_double(static_cast<int64_t>(i)) + sign * (*values)[i];
      p->inputs[2] = add_const(g, add->name + "/bias", float_vector(sum, c.dtype()));
      become_identity(*add, p->name);
      stats.add("adds_folded_into_fused_bias");
      continue;
    }
    if (bias_op) continue;  // a BiasAdd on a bare contraction is already the target form
    const auto linear = as_linear_op(g, x);
    if (!linear || !nhwc_linear(*linear) || c.dtype() != linear->weights->dtype()) continue;
    const auto values = per_channel(c, linear->channels, linear->out_rank);
    if (!values) continue;
    std::vector<double> bias = *values;
    for (double& v : bias) v *= sign;
    become_bias_add(*add, x, add_const(g, add->name + "/bias", float_vector(bias, c.dtype())), c.dtype());
    stats.add("adds_to_bias_add");
  }
  g.remove(doomed);
  return stats;
}

}  // namespace frost
