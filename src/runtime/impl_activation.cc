// The activation ops of graph/activation_ops.h and Softmax / LogSoftmax over
// the last axis, float32, on the SIMD kernels:
//  - activation/simd: activation_elementwise_f32 for every op of the table
//    with a kernel activation (alpha read at prepare time), selu_f32 and
//    softplus_f32 for the two with kernels of their own;
//  - softmax/simd.
#include <string>

#include "graph/activation_ops.h"
#include "kernels/activation_elementwise.h"
#include "kernels/softmax.h"
#include "runtime/impl_families.h"

namespace frost {

namespace {

using kernels::Activation;

bool takes(const OpContext& ctx) { return ctx.num_inputs() == 1 && ctx.input(0).dtype() == DType::Float; }

bool is_float(const PrepareContext& ctx) { return ctx.dtype() == DType::Float; }

KernelFn prepare_activation(const PrepareContext& pc) {
  const OpDef& def = pc.def;
  const ActivationOp& a = *find_activation_op(pc.node.op);
  using Plain = void (*)(const float*, float*, int64_t, const kernels::GemmRun&);
  Plain plain = nullptr;  // the ops without a kernel activation
  if (a.op == "Selu") plain = kernels::selu_f32;
  if (a.op == "Softplus") plain = kernels::softplus_f32;
  const Activation act = a.kind;
  const float alpha = activation_alpha(pc.node, a);
  return [&def, plain, act, alpha](OpContext& ctx) {
    if (!takes(ctx)) return def.reference(ctx);
    const Tensor& x = ctx.input(0);
    Tensor& y = ctx.allocate_output(0, DType::Float, x.shape());
    if (plain)
      plain(x.data<float>(), y.data<float>(), x.num_elements(), {});
    else
      kernels::activation_elementwise_f32(act, alpha, x.data<float>(), y.data<float>(), x.num_elements());
  };
}

KernelFn prepare_softmax(const PrepareContext& pc) {
  const OpDef& def = pc.def;
  const bool log = pc.node.op == "LogSoftmax";
  return [&def, log](OpContext& ctx) {
    if (!takes(ctx) || ctx.input(0).rank() < 1) return def.reference(ctx);
    const Tensor& x = ctx.input(0);
    kernels::SoftmaxParams p;
    p.depth = x.shape()[x.rank() - 1];
    p.outer = p.depth == 0 ? 0 : x.num_elements() / p.depth;
    Tensor& y = ctx.allocate_output(0, DType::Float, x.shape());
    if (log)
      kernels::log_softmax_f32(p, x.data<float>(), y.data<float>());
    else
      kernels::softmax_f32(p, x.data<float>(), y.data<float>());
  };
}

std::vector<std::string> activation_op_names() {
  std::vector<std::string> names;
  for (const ActivationOp& a : activation_ops()) names.emplace_back(a.op);
  return names;
}

}  // namespace

std::vector<Implementation> activation_implementations() {
  return {
      {"activation/simd", activation_op_names(), is_float, prepare_activation},
      {"softmax/simd", {"Softmax", "LogSoftmax"}, is_float, prepare_softmax},
  };
}

}  // namespace frost
