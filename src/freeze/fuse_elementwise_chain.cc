// Rule: a chain of element-wise ops, each read only by the next, that keeps
// the shape of its input x becomes one _FusedElementwise node
// (runtime/ops/fused_elementwise.h), run in one pass over memory:
//   Mul(x, s) -> AddV2(·, t) -> Relu6         (an unfoldable BN + activation)
//   Sigmoid(x) -> Mul(x, ·)                   (swish: x read twice)
//   AddV2(x, 3) -> Relu6 -> Mul(·, 1/6) -> Mul(x, ·)   (hard-swish written out)
// A step is an activation (graph/activation_ops.h), a unary math op (Abs, Neg,
// Square, Sqrt, Rsqrt, Reciprocal, Exp) or a binary op (AddV2, Sub, Mul,
// RealDiv, Maximum, Minimum, SquaredDifference) whose other operand is x, a
// constant of one value or one per channel (the last axis), or a tensor of
// x's static shape. At least two steps, at most kernels::kMaxChainSteps.
// The fused node takes the last op's name; the absorbed ones must be used by
// the chain alone. A chain does not start on the output of a convolution,
// matmul or BiasAdd read only by it: fuse_bias_activation,
// fuse_residual_add and fuse_scale_after_activation fold those into the
// contraction's epilogue, which is better. Frost's runtime only
// (PassContext::runtime_fusions).
#include "freeze/linear_fold_util.h"
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"
#include "graph/activation_ops.h"
#include "graph/shape_inference.h"
#include "graph/topology.h"
#include "kernels/elementwise_chain.h"
#include "runtime/ops/fused_elementwise.h"

namespace frost {

namespace {

bool float_node(const Node& n) { return n.attr_type_or("T", DType::Float) == DType::Float; }

bool is_step(const Node& n) {
  if (!float_node(n)) return false;
  if (n.num_data_inputs() == 1) return chainable_unary(n.op);
  return n.num_data_inputs() == 2 && chainable_binary(n.op);
}

// Producers whose single consumer the epilogue fusions take.
bool epilogue_producer(const std::string& op) {
  return op == "BiasAdd" || op == "Conv2D" || op == "DepthwiseConv2dNative" || op == "MatMul" ||
         op == "_FusedConv2D" || op == "_FusedDepthwiseConv2dNative" || op == "_FusedMatMul";
}

bool fully_static(const PartialShape& s) {
  if (!s.known_rank()) return false;
  for (int i = 0; i < s.rank(); ++i)
    if (s.dim(i) < 0) return false;
  return true;
}

bool same_dims(const PartialShape& a, const PartialShape& b) {
  if (!a.known_rank() || !b.known_rank() || a.rank() != b.rank()) return false;
  for (int i = 0; i < a.rank(); ++i)
    if (a.dim(i) != b.dim(i)) return false;
  return true;
}

struct Chain {
  TensorId x;
  std::vector<Node*> nodes;
  std::vector<ElementwiseStep> steps;
  std::vector<std::string> inputs;  // the fused node's data inputs: x, then operands
};

class ChainBuilder {
 public:
  ChainBuilder(Graph& g, const PassContext& ctx, const std::map<TensorId, InferredTensor>& shapes)
      : g_(g), ctx_(ctx), shapes_(shapes) {}

  // The chain starting at `head`, if it has two steps or more.
  std::optional<Chain> from(Node& head) {
    Chain c;
    int x_side = 0;
    if (head.num_data_inputs() == 2) {
      const bool c0 = const_input(g_, head, 0) != nullptr, c1 = const_input(g_, head, 1) != nullptr;
      if (c0 && c1) return std::nullopt;
      x_side = c0 ? 1 : 0;
    }
    c.x = head.input(x_side);
    if (c.x.control) return std::nullopt;
    const auto xs = shapes_.find(TensorId{c.x.node, c.x.index, false});
    if (xs == shapes_.end() || !xs->second.shape.known_rank() || xs->second.shape.rank() < 1) return std::nullopt;
    x_shape_ = xs->second.shape;
    if (const Node* p = g_.find(c.x.node); p && epilogue_producer(p->op) && single_use(g_, ctx_, p->name))
      return std::nullopt;
    c.inputs = {head.inputs[static_cast<size_t>(x_side)]};
    if (!add(c, head, x_side)) return std::nullopt;
    for (Node* cur = &head; c.steps.size() < static_cast<size_t>(kernels::kMaxChainSteps);) {
      Node* next = only_reader(*cur);
      if (!next || !is_step(*next)) break;
      const int side = next->num_data_inputs() == 2 && next->input(1) == TensorId{cur->name, 0, false} ? 1 : 0;
      if (!add(c, *next, side)) break;
      cur = next;
    }
    if (c.steps.size() < 2) return std::nullopt;
    return c;
  }

 private:
  // The one node reading `n`'s output 0 (once), when nothing else reads it.
  Node* only_reader(const Node& n) {
    if (!single_use(g_, ctx_, n.name)) return nullptr;
    for (Node* m : g_.nodes())
      for (int i = 0; i < m->num_data_inputs(); ++i)
        if (m->input(i).node == n.name) return m->input(i).index == 0 ? m : nullptr;
    return nullptr;
  }

  // Appends node n (its accumulator at input `acc_side`) as a step.
  bool add(Chain& c, Node& n, int acc_side) {
    const auto out = shapes_.find(TensorId{n.name, 0, false});
    if (out == shapes_.end() || !same_dims(out->second.shape, x_shape_)) return false;
    ElementwiseStep s;
    s.op = n.op;
    if (n.num_data_inputs() == 1) {
      if (const ActivationOp* a = find_activation_op(n.op)) s.alpha = activation_alpha(n, *a);
    } else {
      const int other = 1 - acc_side;
      s.operand_first = other == 0;
      const TensorId o = n.input(other);
      if (o == c.x) {
        s.operand = 0;
      } else if (const Tensor* k = const_input(g_, n, other)) {
        // One value, or one per channel of a known channel count.
        const int64_t channels = x_shape_.dim(x_shape_.rank() - 1);
        if (k->dtype() != DType::Float || k->rank() > x_shape_.rank()) return false;
        if (k->num_elements() != 1 && (channels <= 0 || !per_channel(*k, channels, x_shape_.rank()))) return false;
        s.operand = operand_index(c, n.inputs[static_cast<size_t>(other)]);
      } else {
        const auto os = shapes_.find(TensorId{o.node, o.index, false});
        if (os == shapes_.end() || !fully_static(os->second.shape) || !same_dims(os->second.shape, x_shape_))
          return false;
        s.operand = operand_index(c, n.inputs[static_cast<size_t>(other)]);
      }
    }
    c.nodes.push_back(&n);
    c.steps.push_back(s);
    return true;
  }

  static int operand_index(Chain& c, const std::string& tensor) {
    for (size_t i = 1; i < c.inputs.size(); ++i)
      if (TensorId::parse(c.inputs[i]) == TensorId::parse(tensor)) return static_cast<int>(i);
    c.inputs.push_back(tensor);
    return static_cast<int>(c.inputs.size() - 1);
  }

  Graph& g_;
  const PassContext& ctx_;
  const std::map<TensorId, InferredTensor>& shapes_;
  PartialShape x_shape_;
};

}  // namespace

PassStats fuse_elementwise_chain(Graph& g, const PassContext& ctx) {
  PassStats stats;
  if (!ctx.runtime_fusions || !ctx.cpu_fusions) return stats;
  bool any = false;
  for (const Node* n : g.nodes()) any = any || is_step(*n);
  if (!any) return stats;
  const std::map<TensorId, InferredTensor> shapes = infer_shapes(g);
  std::vector<std::string> order;
  for (const Node* n : topological_order(g)) order.push_back(n->name);
  for (const std::string& name : order) {
    Node* head = g.find(name);
    if (!head || !is_step(*head)) continue;
    ChainBuilder builder(g, ctx, shapes);
    std::optional<Chain> c = builder.from(*head);
    if (!c) continue;
    Node fused;
    fused.name = c->nodes.back()->name;
    fused.op = "_FusedElementwise";
    fused.device = head->device;
    fused.inputs = c->inputs;
    fused.attrs["T"] = DType::Float;
    write_elementwise_steps(fused, c->steps);
    std::vector<std::string> absorbed;
    for (const Node* n : c->nodes) {
      add_control_inputs(fused, control_inputs(*n));
      absorbed.push_back(n->name);
    }
    std::erase_if(fused.inputs, [&](const std::string& in) {
      return !in.empty() && in[0] == '^' && std::find(absorbed.begin(), absorbed.end(), in.substr(1)) != absorbed.end();
    });
    g.at(fused.name) = std::move(fused);
    absorbed.pop_back();
    g.remove(absorbed);
    stats.add("fusions");
    stats.add("elementwise_chains");
    stats.add("elementwise_ops_chained", static_cast<int64_t>(c->steps.size()));
  }
  return stats;
}

}  // namespace frost
