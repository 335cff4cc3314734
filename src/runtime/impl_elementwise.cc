// Binary arithmetic with broadcasting (Add, AddV2, Sub, Mul, RealDiv, Div,
// Maximum, Minimum, SquaredDifference), channels-last BiasAdd, and unary math
// (Abs, Neg, Square, Sqrt, Rsqrt, Reciprocal/Inv, Exp) on float32, on the
// SIMD kernels: binary/simd, bias_add/simd, unary/simd. A per-channel scale
// or shift (what an unfoldable BatchNorm becomes: Mul/Add by a [C] constant)
// and BiasAdd are the broadcast kernel's row path.
#include <string>
#include <string_view>
#include <utility>

#include "kernels/elementwise.h"
#include "runtime/impl_families.h"
#include "runtime/ops/math_common.h"

namespace frost {

namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;

// TensorFlow op → kernel op, one table each (the implementations' op lists
// come from them).
constexpr std::pair<std::string_view, BinaryOp> kBinaryOps[] = {
    {"Add", BinaryOp::Add},         {"AddV2", BinaryOp::Add},         {"Sub", BinaryOp::Sub},
    {"Mul", BinaryOp::Mul},         {"RealDiv", BinaryOp::Div},       {"Div", BinaryOp::Div},  // true division on floats
    {"Maximum", BinaryOp::Maximum}, {"Minimum", BinaryOp::Minimum}, {"SquaredDifference", BinaryOp::SquaredDifference},
};
constexpr std::pair<std::string_view, UnaryOp> kUnaryOps[] = {
    {"Abs", UnaryOp::Abs},   {"Neg", UnaryOp::Neg},         {"Square", UnaryOp::Square},
    {"Sqrt", UnaryOp::Sqrt}, {"Rsqrt", UnaryOp::Rsqrt},     {"Reciprocal", UnaryOp::Reciprocal},
    {"Inv", UnaryOp::Reciprocal}, {"Exp", UnaryOp::Exp},
};

template <class Table>
auto lookup(const Table& table, std::string_view op) {
  for (const auto& [name, kind] : table)
    if (name == op) return kind;
  throw Error("no SIMD kernel for " + std::string(op));  // unreachable: only listed ops are prepared
}

template <class Table>
std::vector<std::string> names(const Table& table) {
  std::vector<std::string> out;
  for (const auto& entry : table) out.emplace_back(entry.first);
  return out;
}

KernelFn prepare_binary(const PrepareContext& pc) {
  const OpDef& def = pc.def;
  const BinaryOp op = lookup(kBinaryOps, pc.node.op);
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
KernelFn prepare_bias_add(const PrepareContext& pc) {
  const OpDef& def = pc.def;
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

KernelFn prepare_unary(const PrepareContext& pc) {
  const OpDef& def = pc.def;
  const UnaryOp op = lookup(kUnaryOps, pc.node.op);
  return [&def, op](OpContext& ctx) {
    if (ctx.num_inputs() != 1 || ctx.input(0).dtype() != DType::Float) return def.reference(ctx);
    const Tensor& x = ctx.input(0);
    Tensor& y = ctx.allocate_output(0, DType::Float, x.shape());
    kernels::unary_f32(op, x.num_elements(), x.data<float>(), y.data<float>());
  };
}

bool is_float(const PrepareContext& ctx) { return ctx.dtype() == DType::Float; }

bool bias_add_applies(const PrepareContext& ctx) {
  return is_float(ctx) && (ctx.node.op == "BiasAddV1" || ctx.node.attr_string_or("data_format", "NHWC") == "NHWC");
}

}  // namespace

std::vector<Implementation> elementwise_implementations() {
  return {
      {"binary/simd", names(kBinaryOps), is_float, prepare_binary},
      {"bias_add/simd", {"BiasAdd", "BiasAddV1"}, bias_add_applies, prepare_bias_add},
      {"unary/simd", names(kUnaryOps), is_float, prepare_unary},
  };
}

}  // namespace frost
