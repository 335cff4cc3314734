// _FusedElementwise (runtime/ops/fused_elementwise.h): its attrs, shape
// (x's) and reference kernel, which runs each step's registered reference
// kernel in turn, so the fused graph computes what the unfused one did.
#include "graph/activation_ops.h"
#include "graph/op_registry.h"
#include "runtime/ops/fused_elementwise.h"
#include "runtime/ops/reference_step.h"

namespace frost {

namespace {

constexpr const char* kUnaryMath[] = {"Abs", "Neg", "Square", "Sqrt", "Rsqrt", "Reciprocal", "Exp"};
constexpr const char* kBinary[] = {"AddV2", "Add", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "SquaredDifference"};

void fused_elementwise(OpContext& ctx) {
  const Node& n = ctx.node();
  const std::vector<ElementwiseStep> steps = read_elementwise_steps(n);
  if (ctx.num_inputs() < 1) throw ctx.error("expects at least one input");
  const DType t = n.attr_type_or("T", DType::Float);
  Tensor acc = ctx.input(0);
  for (const ElementwiseStep& s : steps) {
    std::map<std::string, AttrValue> attrs = {{"T", t}};
    if (s.operand < 0) {
      if (const ActivationOp* a = find_activation_op(s.op); a && a->alpha_attr) attrs["alpha"] = s.alpha;
      acc = run_reference_step(ctx, s.op, attrs, {acc});
    } else {
      if (s.operand >= ctx.num_inputs()) throw ctx.error("step " + s.op + " reads a missing input");
      const Tensor& other = ctx.input(s.operand);
      acc = run_reference_step(ctx, s.op, attrs, s.operand_first ? std::vector<Tensor>{other, acc}
                                                                 : std::vector<Tensor>{acc, other});
    }
  }
  if (acc.shape() != ctx.input(0).shape())
    throw ctx.error("the chain changes the shape " + ctx.input(0).shape().to_string() + " to " +
                    acc.shape().to_string());
  ctx.set_output(0, acc);
}

}  // namespace

bool chainable_unary(const std::string& op) {
  if (const ActivationOp* a = find_activation_op(op)) return a->kind != kernels::Activation::kNone;
  for (const char* u : kUnaryMath)
    if (op == u) return true;
  return false;
}

bool chainable_binary(const std::string& op) {
  for (const char* b : kBinary)
    if (op == b) return true;
  return false;
}

std::vector<ElementwiseStep> read_elementwise_steps(const Node& n) {
  const std::vector<std::string> ops = n.has_attr("steps") ? n.attr("steps").list_s() : std::vector<std::string>{};
  const std::vector<int64_t> operands = n.attr_ints_or("operands", {});
  const std::vector<int64_t> first = n.attr_ints_or("operand_first", {});
  const std::vector<float> alphas = n.has_attr("alphas") ? n.attr("alphas").list_f() : std::vector<float>{};
  if (ops.empty() || operands.size() != ops.size() || first.size() != ops.size() || alphas.size() != ops.size())
    throw n.error("steps, operands, operand_first and alphas must be non-empty lists of one length");
  std::vector<ElementwiseStep> steps;
  for (size_t i = 0; i < ops.size(); ++i) {
    ElementwiseStep s{ops[i], static_cast<int>(operands[i]), first[i] != 0, alphas[i]};
    const bool binary = s.operand >= 0;
    if (operands[i] >= n.num_data_inputs() || operands[i] < -1 ||
        (binary ? !chainable_binary(s.op) : !chainable_unary(s.op)))
      throw n.error("step " + std::to_string(i) + " (" + s.op + ", operand " + std::to_string(operands[i]) +
                    ") is not an element-wise step");
    steps.push_back(s);
  }
  return steps;
}

void write_elementwise_steps(Node& n, const std::vector<ElementwiseStep>& steps) {
  std::vector<std::string> ops;
  std::vector<int64_t> operands, first;
  std::vector<float> alphas;
  for (const ElementwiseStep& s : steps) {
    ops.push_back(s.op);
    operands.push_back(s.operand);
    first.push_back(s.operand_first ? 1 : 0);
    alphas.push_back(s.alpha);
  }
  n.attrs["steps"] = ops;
  n.attrs["operands"] = operands;
  n.attrs["operand_first"] = first;
  n.attrs["alphas"] = alphas;
}

void register_fused_elementwise_ops(OpRegistry& r) {
  r.add({.name = "_FusedElementwise",
         .infer_shapes =
             [](const ShapeContext& ctx) {
               return std::vector<PartialShape>{ctx.input_shapes.empty() ? PartialShape::unknown()
                                                                         : ctx.input_shapes[0]};
             },
         .reference = fused_elementwise,
         .required_attrs = {{"steps", "list(string)"}}});
}

}  // namespace frost
