// TensorFlow's fused contraction ops, as Grappler's remapper and Frost's
// fuse_bias_activation pass write them: _FusedConv2D,
// _FusedDepthwiseConv2dNative, _FusedMatMul. Inputs: the base op's two
// inputs, then `num_args` extra tensors; `fused_ops` lists what follows the
// contraction, in order:
//   ["BiasAdd"] (+ one activation)               args = [bias]
//   ["BiasAdd", "Add"] (+ activation)            args = [bias, residual]
//   ["FusedBatchNorm"] (+ activation)            args = [scale, offset, mean, variance], attr epsilon
// Activations: those graph/activation_ops.h marks as fused by TensorFlow
// (Relu, Relu6, Elu, LeakyRelu with attr leakyrelu_alpha, Sigmoid, Tanh,
// _MklSwish as TensorFlow's oneDNN builds name x·sigmoid(x)).
// Frost's own extension (fuse_scale_after_activation writes it; TensorFlow
// cannot load it): after the activation, "Scale" (y·s) and/or "Shift"
// (y + t), each with one per-channel arg — a BatchNorm placed after the
// activation, e.g. ["BiasAdd", "Relu", "Scale", "Shift"], args
// [bias, s, t].
// The reference composes the registered reference kernels of the unfused
// ops, so a fused graph computes exactly what the unfused one did.
#include "graph/activation_ops.h"
#include "graph/op_registry.h"
#include "runtime/ops/reference_step.h"

namespace frost {

Tensor run_reference_step(const OpContext& ctx, const std::string& op, std::map<std::string, AttrValue> attrs,
                          std::vector<Tensor> inputs) {
  const OpDef* def = OpRegistry::global().find(op);
  if (!def) throw ctx.error("fused op '" + op + "' has no reference kernel");
  Node step;
  step.name = ctx.node().name;
  step.op = op;
  for (size_t i = 0; i < inputs.size(); ++i) step.inputs.push_back(step.name + "/in" + std::to_string(i));
  step.attrs = std::move(attrs);
  std::vector<Tensor> outputs(static_cast<size_t>(def->num_outputs(step)));
  OpContext step_ctx(step, inputs, outputs);
  def->reference(step_ctx);
  if (outputs.empty() || !outputs[0].valid()) throw ctx.error("fused step " + op + " produced no value");
  return outputs[0];
}

namespace {

// An activation TensorFlow runs fused (graph/activation_ops.h), or nullptr.
const ActivationOp* fused_activation(const std::string& op) {
  const ActivationOp* a = find_activation_op(op);
  return a && a->tf_fusion != TfFusion::kNone ? a : nullptr;
}

// The attrs of the base op: everything but the fusion's own.
std::map<std::string, AttrValue> base_attrs(const Node& n) {
  std::map<std::string, AttrValue> attrs = n.attrs;
  for (const char* key : {"fused_ops", "num_args", "epsilon", "leakyrelu_alpha"}) attrs.erase(key);
  return attrs;
}

void fused_contraction(OpContext& ctx, const std::string& base_op) {
  const Node& n = ctx.node();
  const std::vector<std::string> fused = n.has_attr("fused_ops") ? n.attr("fused_ops").list_s() : std::vector<std::string>{};
  const int64_t num_args = n.attr_int_or("num_args", 0);
  if (ctx.num_inputs() < 2 || num_args != ctx.num_inputs() - 2)
    throw ctx.error("expects 2 + num_args (" + std::to_string(num_args) + ") inputs, has " +
                    std::to_string(ctx.num_inputs()));
  const DType t = n.attr_type_or("T", DType::Float);
  const std::string format = n.attr_string_or("data_format", "NHWC");
  auto arg = [&](int64_t i) -> const Tensor& {
    if (i >= num_args) throw ctx.error("fused_ops needs more than num_args=" + std::to_string(num_args) + " args");
    return ctx.input(static_cast<int>(2 + i));
  };

  Tensor y = run_reference_step(ctx, base_op, base_attrs(n), {ctx.input(0), ctx.input(1)});
  int64_t next_arg = 0;
  bool activated = false;  // Scale/Shift only follow an activation
  // A per-channel arg broadcast along the channel axis of y.
  auto channel_arg = [&](int64_t i) {
    Tensor v = arg(i);
    if (y.rank() != 4 || format != "NCHW") return v;
    return v.reshaped(Shape{v.num_elements(), 1, 1});
  };
  for (size_t i = 0; i < fused.size(); ++i) {
    const std::string& step = fused[i];
    if (activated && step != "Scale" && step != "Shift")
      throw ctx.error("unsupported fused_ops entry '" + step + "' after the activation at position " +
                      std::to_string(i));
    if (step == "BiasAdd") {
      y = run_reference_step(ctx, "BiasAdd", {{"T", t}, {"data_format", format}}, {y, arg(next_arg++)});
    } else if (step == "Add") {
      y = run_reference_step(ctx, "AddV2", {{"T", t}}, {y, arg(next_arg++)});
    } else if (step == "FusedBatchNorm") {
      std::vector<Tensor> in = {y};
      for (int k = 0; k < 4; ++k) in.push_back(arg(next_arg++));
      y = run_reference_step(ctx, "FusedBatchNorm",
                   {{"T", t}, {"epsilon", n.attr_float_or("epsilon", 0.0001f)}, {"is_training", false},
                    {"data_format", format}},
                   in);
    } else if (const ActivationOp* a = fused_activation(step); a && !activated) {
      std::map<std::string, AttrValue> attrs = {{"T", t}};
      if (a->alpha_attr) attrs["alpha"] = fused_activation_alpha(n, *a);
      y = run_reference_step(ctx, step, attrs, {y});
      activated = true;
    } else if (step == "Scale" && activated) {
      y = run_reference_step(ctx, "Mul", {{"T", t}}, {y, channel_arg(next_arg++)});
    } else if (step == "Shift" && activated) {
      y = run_reference_step(ctx, "AddV2", {{"T", t}}, {y, channel_arg(next_arg++)});
    } else {
      throw ctx.error("unsupported fused_ops entry '" + step + "' at position " + std::to_string(i));
    }
  }
  if (next_arg != num_args) throw ctx.error("fused_ops use " + std::to_string(next_arg) + " args, num_args is " +
                                            std::to_string(num_args));
  ctx.set_output(0, y);
}

// The fused op's output shape is its base op's.
std::vector<PartialShape> base_shape(const ShapeContext& ctx, const std::string& base_op) {
  const OpDef* def = OpRegistry::global().find(base_op);
  if (!def || ctx.input_shapes.size() < 2) return {PartialShape::unknown()};
  Node base = ctx.node;
  base.op = base_op;
  base.inputs.resize(2);
  base.attrs = base_attrs(ctx.node);
  ShapeContext sub{base, {ctx.input_shapes[0], ctx.input_shapes[1]}, {}};
  sub.input_values = {ctx.input_values.size() > 0 ? ctx.input_values[0] : nullptr,
                      ctx.input_values.size() > 1 ? ctx.input_values[1] : nullptr};
  return def->infer_shapes(sub);
}

}  // namespace

void register_fused_ops(OpRegistry& r) {
  for (const auto& [fused, base_op] : std::vector<std::pair<std::string, std::string>>{
           {"_FusedConv2D", "Conv2D"},
           {"_FusedDepthwiseConv2dNative", "DepthwiseConv2dNative"},
           {"_FusedMatMul", "MatMul"}}) {
    const std::string base = base_op;  // a copy: clang 14 cannot capture a structured binding
    r.add({.name = fused,
           .infer_shapes = [base](const ShapeContext& ctx) { return base_shape(ctx, base); },
           .reference = [base](OpContext& ctx) { fused_contraction(ctx, base); },
           .required_attrs = {}});
  }
}

}  // namespace frost
