// Element-wise activations (Relu, Relu6, Elu, Selu, LeakyRelu, Sigmoid, Tanh,
// Softplus) and Softmax / LogSoftmax over the last axis. float and double.
#include "kernels/activation.h"
#include "kernels/softmax.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

using kernels::Activation;

void run_activation(OpContext& ctx, Activation kind) {
  nn::check_num_inputs(ctx, 1);
  const Tensor& x = ctx.input(0);
  nn::check_float_input(ctx, x, "features");
  kernels::ActivationParams p;
  p.kind = kind;
  if (kind == Activation::LeakyRelu) p.alpha = ctx.node().attr_float_or("alpha", 0.2f);
  Tensor y(x.dtype(), x.shape());
  nn::with_float_type(ctx, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::activation_reference(p, x.data<T>(), y.data<T>(), x.num_elements());
  });
  ctx.set_output(0, y);
}

std::vector<PartialShape> softmax_shape(const ShapeContext& ctx) {
  const PartialShape s = nn::input_shape(ctx, 0);
  if (s.known_rank() && s.rank() < 1) throw ctx.error("logits must have rank >= 1, got a scalar");
  return {s};
}

void run_softmax(OpContext& ctx, bool log) {
  nn::check_num_inputs(ctx, 1);
  const Tensor& x = ctx.input(0);
  nn::check_float_input(ctx, x, "logits");
  if (x.rank() < 1) throw ctx.error("logits must have rank >= 1, got a scalar");
  kernels::SoftmaxParams p;
  p.depth = x.shape()[x.rank() - 1];
  p.outer = p.depth == 0 ? 0 : x.num_elements() / p.depth;
  Tensor y(x.dtype(), x.shape());
  nn::with_float_type(ctx, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (log)
      kernels::log_softmax_reference(p, x.data<T>(), y.data<T>());
    else
      kernels::softmax_reference(p, x.data<T>(), y.data<T>());
  });
  ctx.set_output(0, y);
}

}  // namespace

void register_nn_activation_ops(OpRegistry& r) {
  const std::pair<const char*, Activation> unary[] = {
      {"Relu", Activation::Relu}, {"Relu6", Activation::Relu6},         {"Elu", Activation::Elu},
      {"Selu", Activation::Selu}, {"LeakyRelu", Activation::LeakyRelu}, {"Sigmoid", Activation::Sigmoid},
      {"Tanh", Activation::Tanh}, {"Softplus", Activation::Softplus},
  };
  for (const auto& [name, kind] : unary) {
    const Activation k = kind;
    r.add({.name = name,
           .infer_shapes = shape_of_input0,
           .reference = [k](OpContext& c) { run_activation(c, k); },
           .required_attrs = {}});
  }
  r.add({.name = "Softmax",
         .infer_shapes = softmax_shape,
         .reference = [](OpContext& c) { run_softmax(c, false); },
         .required_attrs = {}});
  r.add({.name = "LogSoftmax",
         .infer_shapes = softmax_shape,
         .reference = [](OpContext& c) { run_softmax(c, true); },
         .required_attrs = {}});
}

}  // namespace frost
