#include "runtime/impl_epilogue.h"

#include <string>

#include "graph/activation_ops.h"

namespace frost {

using kernels::Activation;

std::optional<Fusion> read_fusion(const Node& n) {
  Fusion f;
  if (n.op[0] != '_') return f;
  const std::vector<std::string> ops = n.has_attr("fused_ops") ? n.attr("fused_ops").list_s() : std::vector<std::string>{};
  size_t i = 0;
  if (i < ops.size() && ops[i] == "BiasAdd") f.bias = true, ++i;
  if (f.bias && i < ops.size() && ops[i] == "Add") f.residual = true, ++i;
  if (i < ops.size()) {
    // The activations TensorFlow fuses (as the _Fused* reference takes them).
    const ActivationOp* a = find_activation_op(ops[i++]);
    if (!a || a->tf_fusion == TfFusion::kNone || a->kind == Activation::kNone) return std::nullopt;
    f.activation = a->kind;
    f.alpha = fused_activation_alpha(n, *a);
    if (i < ops.size() && ops[i] == "Scale") f.scale = true, ++i;
    if (i < ops.size() && ops[i] == "Shift") f.shift = true, ++i;
  }
  if (i != ops.size()) return std::nullopt;
  const int64_t args = (f.bias ? 1 : 0) + (f.residual ? 1 : 0) + (f.scale ? 1 : 0) + (f.shift ? 1 : 0);
  if (n.attr_int_or("num_args", 0) != args) return std::nullopt;
  return f;
}

kernels::GemmEpilogue epilogue(const OpContext& ctx, const Fusion& f, const Shape& out_shape, int64_t columns) {
  kernels::GemmEpilogue ep;
  int next = 2;
  // A per-column vector argument: bias, scale or shift.
  auto columns_arg = [&](const char* what) {
    const Tensor& v = ctx.input(next++);
    if (v.dtype() != DType::Float || v.num_elements() != columns)
      throw ctx.error(std::string(what) + " has shape " + v.shape().to_string() + ", expected [" +
                      std::to_string(columns) + "]");
    return v.data<float>();
  };
  if (f.bias) ep.bias = columns_arg("bias");
  if (f.residual) {
    const Tensor& r = ctx.input(next++);
    if (r.dtype() != DType::Float || r.shape() != out_shape)
      throw ctx.error("residual has shape " + r.shape().to_string() + ", expected " + out_shape.to_string());
    ep.residual = r.data<float>();
    ep.ldr = columns;
  }
  ep.activation = f.activation;
  ep.alpha = f.alpha;
  if (f.scale) ep.post_scale = columns_arg("scale");
  if (f.shift) ep.post_shift = columns_arg("shift");
  return ep;
}

bool float_nhwc(const Node& n) {
  return n.attr_type_or("T", DType::Float) == DType::Float && n.attr_string_or("data_format", "NHWC") == "NHWC";
}

std::optional<kernels::Conv2DParams> constant_filter_params(const PrepareContext& ctx, const nn::Window2DAttrs& a) {
  const Tensor* w = ctx.constant(1);
  if (w == nullptr || w->dtype() != DType::Float || w->rank() != 4) return std::nullopt;
  kernels::Conv2DParams p;
  p.filter_h = w->shape()[0];
  p.filter_w = w->shape()[1];
  p.in_c = w->shape()[2];
  p.out_c = w->shape()[3];
  p.stride_h = a.stride_h;
  p.stride_w = a.stride_w;
  p.dilation_h = a.dilation_h;
  p.dilation_w = a.dilation_w;
  return p;
}

}  // namespace frost
