// _FusedElementwise on float32 (runtime/ops/fused_elementwise.h) with the
// one-pass SIMD chain kernel (kernels/elementwise_chain.h): chain/simd.
// The steps are translated once at prepare time; per run each binary step's
// operand is classified by its shape against x's (x itself, same shape,
// per channel along the last axis, one value). Any other shape (or dtype)
// goes to the reference, which broadcasts as the unfused ops did.
#include <string>
#include <utility>

#include "graph/activation_ops.h"
#include "kernels/elementwise_chain.h"
#include "runtime/impl_families.h"
#include "runtime/ops/fused_elementwise.h"

namespace frost {

namespace {

using kernels::BinaryOp;
using kernels::ChainOperand;
using kernels::ChainStep;
using kernels::UnaryOp;

constexpr std::pair<std::string_view, BinaryOp> kBinary[] = {
    {"Add", BinaryOp::Add},         {"AddV2", BinaryOp::Add},         {"Sub", BinaryOp::Sub},
    {"Mul", BinaryOp::Mul},         {"RealDiv", BinaryOp::Div},       {"Maximum", BinaryOp::Maximum},
    {"Minimum", BinaryOp::Minimum}, {"SquaredDifference", BinaryOp::SquaredDifference},
};
constexpr std::pair<std::string_view, UnaryOp> kUnary[] = {
    {"Abs", UnaryOp::Abs},   {"Neg", UnaryOp::Neg},         {"Square", UnaryOp::Square},     {"Sqrt", UnaryOp::Sqrt},
    {"Rsqrt", UnaryOp::Rsqrt}, {"Reciprocal", UnaryOp::Reciprocal}, {"Exp", UnaryOp::Exp},
};

// The kernel step of `s` (operand kind and data filled in per run), or
// nullopt when the kernels do not chain it.
std::optional<ChainStep> kernel_step(const ElementwiseStep& s) {
  ChainStep k;
  if (s.operand >= 0) {
    k.kind = ChainStep::Kind::kBinary;
    k.operand_first = s.operand_first;
    for (const auto& [name, op] : kBinary)
      if (name == s.op) {
        k.binary = op;
        return k;
      }
    return std::nullopt;
  }
  if (const ActivationOp* a = find_activation_op(s.op)) {
    if (a->kind == kernels::Activation::kNone) return std::nullopt;
    k.kind = ChainStep::Kind::kActivation;
    k.activation = a->kind;
    k.alpha = a->alpha_attr ? s.alpha : a->default_alpha;
    return k;
  }
  for (const auto& [name, op] : kUnary)
    if (name == s.op) {
      k.kind = ChainStep::Kind::kUnary;
      k.unary = op;
      return k;
    }
  return std::nullopt;
}

// How operand `v` broadcasts onto x without changing x's shape, or nullopt.
std::optional<ChainOperand> operand_kind(const Tensor& v, const Tensor& x, bool is_x) {
  if (is_x) return ChainOperand::kInput;
  if (v.dtype() != DType::Float || v.rank() > x.rank()) return std::nullopt;
  if (v.shape() == x.shape()) return ChainOperand::kTensor;
  if (v.num_elements() == 1) return ChainOperand::kScalar;
  // [C] or [1, ..., 1, C] along x's last axis.
  if (x.rank() == 0 || v.shape()[v.rank() - 1] != x.shape()[x.rank() - 1] || v.num_elements() != x.shape()[x.rank() - 1])
    return std::nullopt;
  return ChainOperand::kChannel;
}

bool applies(const PrepareContext& ctx) {
  if (ctx.dtype() != DType::Float) return false;
  try {
    const std::vector<ElementwiseStep> steps = read_elementwise_steps(ctx.node);
    if (steps.size() > static_cast<size_t>(kernels::kMaxChainSteps)) return false;
    for (const ElementwiseStep& s : steps)
      if (!kernel_step(s)) return false;
  } catch (const Error&) {
    return false;  // the reference reports it
  }
  return true;
}

KernelFn prepare(const PrepareContext& pc) {
  const OpDef& def = pc.def;
  const std::vector<ElementwiseStep> steps = read_elementwise_steps(pc.node);
  std::vector<ChainStep> base;
  for (const ElementwiseStep& s : steps) base.push_back(*kernel_step(s));
  return [&def, steps, base](OpContext& ctx) {
    const Tensor& x = ctx.input(0);
    if (x.dtype() != DType::Float) return def.reference(ctx);
    ChainStep k[kernels::kMaxChainSteps];
    for (size_t i = 0; i < steps.size(); ++i) {
      k[i] = base[i];
      if (steps[i].operand < 0) continue;
      const Tensor& v = ctx.input(steps[i].operand);
      const auto kind = operand_kind(v, x, steps[i].operand == 0);
      if (!kind) return def.reference(ctx);
      k[i].operand = *kind;
      k[i].data = v.data<float>();
    }
    Tensor& y = ctx.allocate_output(0, DType::Float, x.shape());
    kernels::ChainParams p;
    p.n = x.num_elements();
    p.channels = x.rank() > 0 ? x.shape()[x.rank() - 1] : 1;
    p.steps = k;
    p.num_steps = static_cast<int>(steps.size());
    kernels::elementwise_chain_f32(p, x.data<float>(), y.data<float>());
  };
}

}  // namespace

std::vector<Implementation> elementwise_chain_implementations() {
  return {{"chain/simd", {"_FusedElementwise"}, applies, prepare}};
}

}  // namespace frost
