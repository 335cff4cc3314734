// Element-wise activations (every op of graph/activation_ops.h: Relu, Relu6,
// Elu, LeakyRelu, Sigmoid, Tanh, HardSwish, Selu, Softplus) and Softmax /
// LogSoftmax over the last axis. float and double.
#include "graph/activation_ops.h"
#include "kernels/activation_elementwise.h"
#include "kernels/softmax.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

void run_activation(OpContext& ctx, const ActivationOp& a) {
  nn::check_num_inputs(ctx, 1);
  const Tensor& x = ctx.input(0);
  nn::check_float_input(ctx, x, "features");
  const float alpha = activation_alpha(ctx.node(), a);
  Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
  nn::with_float_type(ctx, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* in = x.data<T>();
    T* out = y.data<T>();
    const int64_t n = x.num_elements();
    if (a.op == "Selu")
      kernels::selu_reference(in, out, n);
    else if (a.op == "Softplus")
      kernels::softplus_reference(in, out, n);
    else
      kernels::activation_elementwise_reference(a.kind, alpha, in, out, n);
  });
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
  Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
  nn::with_float_type(ctx, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (log)
      kernels::log_softmax_reference(p, x.data<T>(), y.data<T>());
    else
      kernels::softmax_reference(p, x.data<T>(), y.data<T>());
  });
}

}  // namespace

void register_nn_activation_ops(OpRegistry& r) {
  for (const ActivationOp& a : activation_ops())
    r.add({.name = std::string(a.op),
           .infer_shapes = shape_of_input0,
           .reference = [&a](OpContext& c) { run_activation(c, a); },
           .inplace_inputs = {0}});  // y[i] = f(x[i])
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
