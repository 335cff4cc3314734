// Element-wise activations (Relu, Relu6, Elu, Selu, LeakyRelu, Sigmoid, Tanh,
// Softplus) and Softmax / LogSoftmax over the last axis. float and double.
#include "kernels/activation_elementwise.h"
#include "kernels/softmax.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

using kernels::Activation;

// Which kernel computes an activation op: one of the fusable activations
// (with its alpha), or Selu / Softplus.
enum class UnaryKind { Fusable, Selu, Softplus };

void run_activation(OpContext& ctx, UnaryKind kind, Activation act) {
  nn::check_num_inputs(ctx, 1);
  const Tensor& x = ctx.input(0);
  nn::check_float_input(ctx, x, "features");
  // TensorFlow's Elu has a fixed scale of 1; LeakyRelu's alpha defaults to 0.2.
  const float alpha = act == Activation::kLeakyRelu ? ctx.node().attr_float_or("alpha", 0.2f) : 1.0f;
  Tensor& y = ctx.allocate_output(0, x.dtype(), x.shape());
  nn::with_float_type(ctx, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* in = x.data<T>();
    T* out = y.data<T>();
    const int64_t n = x.num_elements();
    switch (kind) {
      case UnaryKind::Fusable:
        kernels::activation_elementwise_reference(act, alpha, in, out, n);
        break;
      case UnaryKind::Selu:
        kernels::selu_reference(in, out, n);
        break;
      case UnaryKind::Softplus:
        kernels::softplus_reference(in, out, n);
        break;
    }
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
  struct Entry {
    const char* name;
    UnaryKind kind;
    Activation act;
  };
  const Entry unary[] = {
      {"Relu", UnaryKind::Fusable, Activation::kRelu},       {"Relu6", UnaryKind::Fusable, Activation::kRelu6},
      {"Elu", UnaryKind::Fusable, Activation::kElu},         {"LeakyRelu", UnaryKind::Fusable, Activation::kLeakyRelu},
      {"Sigmoid", UnaryKind::Fusable, Activation::kSigmoid}, {"Tanh", UnaryKind::Fusable, Activation::kTanh},
      {"Selu", UnaryKind::Selu, Activation::kNone},          {"Softplus", UnaryKind::Softplus, Activation::kNone},
  };
  for (const Entry& e : unary)
    r.add({.name = e.name,
           .infer_shapes = shape_of_input0,
           .reference = [e](OpContext& c) { run_activation(c, e.kind, e.act); },
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
