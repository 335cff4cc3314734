// Binary arithmetic with broadcasting (Add, AddV2, Sub, Mul, RealDiv, Div,
// Maximum, Minimum, SquaredDifference), channels-last BiasAdd, and unary math
// (Abs, Neg, Square, Sqrt, Rsqrt, Reciprocal/Inv, Exp) on float32, on the
// SIMD kernels. A per-channel scale or shift (what an unfoldable BatchNorm
// becomes: Mul/Add by a [C] constant) and BiasAdd are the broadcast kernel's
// row path.
#include <optional>
#include <string_view>

#include "kernels/elementwise.h"
#include "runtime/cpu_lowerings.h"
#include "runtime/ops/math_common.h"

namespace frost {

namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;

std::optional<BinaryOp> binary_op(std::string_view op) {
  if (op == "Add" || op == "AddV2") return BinaryOp::Add;
  if (op == "Sub") return BinaryOp::Sub;
  if (op == "Mul") return BinaryOp::Mul;
  if (op == "RealDiv" || op == "Div") return BinaryOp::Div;  // Div on floats is true division
  if (op == "Maximum") return BinaryOp::Maximum;
  if (op == "Minimum") return BinaryOp::Minimum;
  if (op == "SquaredDifference") return BinaryOp::SquaredDifference;
  return std::nullopt;
}

std::optional<UnaryOp> unary_op(std::string_view op) {
  if (op == "Abs") return UnaryOp::Abs;
  if (op == "Neg") return UnaryOp::Neg;
  if (op == "Square") return UnaryOp::Square;
  if (op == "Sqrt") return UnaryOp::Sqrt;
  if (op == "Rsqrt") return UnaryOp::Rsqrt;
  if (op == "Reciprocal" || op == "Inv") return UnaryOp::Reciprocal;
  if (op == "Exp") return UnaryOp::Exp;
  return std::nullopt;
}

KernelFn binary_kernel(const OpDef& def, BinaryOp op) {
  return [&def, op](OpContext& ctx) {
    if (ctx.num_inputs() != 2 || ctx.input(0).dtype() != DType::Float || ctx.input(1).dtype() != DType::Float)
      return def.reference(ctx);
    const Tensor &x = ctx.input(0), &y = ctx.input(1);
    const Shape out_shape = ops::broadcast_all(ctx, {&x.shape(), &y.shape()});
    const kernels::Broadcast plan = ops::plan_broadcast_or_throw(ctx, out_shape, {&x.shape(), &y.shape()});
    Tensor& out = ctx.allocate_output(0, DType::Float, out_shape);
    kernels::binary_f32(op, plan, x.data<float>(), y.data<float>(), out.data<float>());
  };
}

// BiasAdd on [..., C] is Add with a [C] operand; other shapes (and NCHW,
// which is not lowered) go to the reference, which also reports bad input.
KernelFn bias_add_kernel(const OpDef& def) {
  return [&def](OpContext& ctx) {
    if (ctx.num_inputs() != 2) return def.reference(ctx);
    const Tensor &x = ctx.input(0), &b = ctx.input(1);
    if (x.dtype() != DType::Float || b.dtype() != DType::Float || x.rank() < 2 || b.rank() != 1 ||
        b.shape()[0] != x.shape()[x.rank() - 1])
      return def.reference(ctx);
    const kernels::Broadcast plan = ops::plan_broadcast_or_throw(ctx, x.shape(), {&x.shape(), &b.shape()});
    Tensor& out = ctx.allocate_output(0, DType::Float, x.shape());
    kernels::binary_f32(BinaryOp::Add, plan, x.data<float>(), b.data<float>(), out.data<float>());
  };
}

KernelFn unary_kernel(const OpDef& def, UnaryOp op) {
  return [&def, op](OpContext& ctx) {
    if (ctx.num_inputs() != 1 || ctx.input(0).dtype() != DType::Float) return def.reference(ctx);
    const Tensor& x = ctx.input(0);
    Tensor& y = ctx.allocate_output(0, DType::Float, x.shape());
    kernels::unary_f32(op, x.num_elements(), x.data<float>(), y.data<float>());
  };
}

}  // namespace

KernelFn lower_elementwise(const Node& n, const OpDef& def) {
  if (!element_type_is_float(n)) return {};
  if (const std::optional<BinaryOp> op = binary_op(n.op)) return binary_kernel(def, *op);
  if ((n.op == "BiasAdd" && n.attr_string_or("data_format", "NHWC") == "NHWC") || n.op == "BiasAddV1")
    return bias_add_kernel(def);
  if (const std::optional<UnaryOp> op = unary_op(n.op)) return unary_kernel(def, *op);
  return {};
}

}  // namespace frost
