// Activations (Relu, Relu6, LeakyRelu, Elu, Sigmoid, Tanh, Selu, Softplus) and Softmax /
// LogSoftmax over the last axis on float32, on the SIMD kernels.
#include <optional>
#include <string_view>

#include "kernels/activation_elementwise.h"
#include "kernels/softmax.h"
#include "runtime/cpu_lowerings.h"

namespace frost {

namespace {

using kernels::Activation;

std::optional<Activation> activation(std::string_view op) {
  if (op == "Relu") return Activation::kRelu;
  if (op == "Relu6") return Activation::kRelu6;
  if (op == "LeakyRelu") return Activation::kLeakyRelu;
  if (op == "Elu") return Activation::kElu;
  if (op == "Sigmoid") return Activation::kSigmoid;
  if (op == "Tanh") return Activation::kTanh;
  return std::nullopt;
}

bool takes(const OpContext& ctx) { return ctx.num_inputs() == 1 && ctx.input(0).dtype() == DType::Float; }

KernelFn activation_kernel(const OpDef& def, Activation act, float alpha) {
  return [&def, act, alpha](OpContext& ctx) {
    if (!takes(ctx)) return def.reference(ctx);
    const Tensor& x = ctx.input(0);
    Tensor& y = ctx.allocate_output(0, DType::Float, x.shape());
    kernels::activation_elementwise_f32(act, alpha, x.data<float>(), y.data<float>(), x.num_elements());
  };
}

// Selu / Softplus: kernels without an alpha.
KernelFn plain_kernel(const OpDef& def, void (*kernel)(const float*, float*, int64_t, const kernels::GemmRun&)) {
  return [&def, kernel](OpContext& ctx) {
    if (!takes(ctx)) return def.reference(ctx);
    const Tensor& x = ctx.input(0);
    Tensor& y = ctx.allocate_output(0, DType::Float, x.shape());
    kernel(x.data<float>(), y.data<float>(), x.num_elements(), {});
  };
}

KernelFn softmax_kernel(const OpDef& def, bool log) {
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

}  // namespace

KernelFn lower_activation(const Node& n, const OpDef& def) {
  if (!element_type_is_float(n)) return {};
  if (n.op == "Softmax" || n.op == "LogSoftmax") return softmax_kernel(def, n.op == "LogSoftmax");
  if (n.op == "Selu") return plain_kernel(def, kernels::selu_f32);
  if (n.op == "Softplus") return plain_kernel(def, kernels::softplus_f32);
  const std::optional<Activation> act = activation(n.op);
  if (!act) return {};
  // As the reference adapter: LeakyRelu's slope defaults to 0.2, Elu's scale is 1.
  const float alpha = *act == Activation::kLeakyRelu ? n.attr_float_or("alpha", 0.2f) : 1.0f;
  return activation_kernel(def, *act, alpha);
}

}  // namespace frost
