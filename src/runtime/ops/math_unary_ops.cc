// Unary element-wise ops, LogicalNot and Cast.
#include "runtime/ops/math_common.h"

namespace frost::ops {

namespace {

using kernels::UnaryOp;

struct UnarySpec {
  const char* name;
  UnaryOp op;
};

constexpr UnarySpec kUnaryOps[] = {
    {"Abs", UnaryOp::Abs},     {"Neg", UnaryOp::Neg},       {"Square", UnaryOp::Square},
    {"Sign", UnaryOp::Sign},   {"Round", UnaryOp::Round},   {"Rsqrt", UnaryOp::Rsqrt},
    {"Sqrt", UnaryOp::Sqrt},   {"Exp", UnaryOp::Exp},       {"Log", UnaryOp::Log},
    {"Log1p", UnaryOp::Log1p}, {"Floor", UnaryOp::Floor},   {"Ceil", UnaryOp::Ceil},
    {"Reciprocal", UnaryOp::Reciprocal}, {"Inv", UnaryOp::Reciprocal},  // Inv: Reciprocal's old name
    {"Erf", UnaryOp::Erf},  // Keras's exact gelu
};

// op(x) into output 0 of `ctx` when given (else into a new tensor, returned).
Tensor compute_unary(UnaryOp op, const Tensor& x, OpContext* ctx = nullptr) {
  Tensor out = ctx ? ctx->allocate_output(0, x.dtype(), x.shape()) : Tensor(x.dtype(), x.shape());
  dispatch_real(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    kernels::unary_reference<T>(op, x.num_elements(), x.data<T>(), out.data<T>());
  });
  return out;
}

void run_unary(OpContext& ctx, const UnarySpec& spec) {
  require_num_inputs(ctx, 1);
  const Tensor& x = ctx.input(0);
  const DType t = x.dtype();
  if (is_16bit_float(t)) {
    ctx.set_output(0, cast_tensor(compute_unary(spec.op, cast_tensor(x, DType::Float)), t));
    return;
  }
  const bool supported = dispatch_real(t, [](auto) {}) && (dtype_is_float(t) || !kernels::unary_op_needs_float(spec.op));
  if (!supported) throw ctx.error(std::string(spec.name) + " does not support dtype " + dtype_name(t));
  compute_unary(spec.op, x, &ctx);
}

void run_logical_not(OpContext& ctx) {
  require_num_inputs(ctx, 1);
  const Tensor& x = ctx.input(0);
  if (x.dtype() != DType::Bool) throw ctx.error("input must be bool, got " + dtype_name(x.dtype()));
  Tensor out(DType::Bool, x.shape());
  kernels::logical_not_reference(x.num_elements(), x.data<bool>(), out.data<bool>());
  ctx.set_output(0, out);
}

// Cast: attrs DstT (required), SrcT (checked when present), Truncate.
void run_cast(OpContext& ctx) {
  require_num_inputs(ctx, 1);
  const Tensor& x = ctx.input(0);
  const Node& node = ctx.node();
  const DType dst = node.attr_type("DstT");
  const DType src = node.attr_type_or("SrcT", x.dtype());
  if (src != x.dtype())
    throw ctx.error("SrcT is " + dtype_name(src) + " but the input is " + dtype_name(x.dtype()));
  if (src == dst) {  // TensorFlow forwards the input unchanged
    ctx.set_output(0, x);
    return;
  }
  if (!kernels::cast_supported(src) || !kernels::cast_supported(dst))
    throw ctx.error("cast from " + dtype_name(src) + " to " + dtype_name(dst) + " is not supported");
  Tensor out(dst, x.shape());
  kernels::cast_reference(src, x.raw_data(), dst, out.raw_data(), x.num_elements(),
                          node.attr_bool_or("Truncate", false));
  ctx.set_output(0, out);
}

}  // namespace

void register_math_unary_ops(OpRegistry& r) {
  for (const UnarySpec& spec : kUnaryOps) {
    OpDef def;
    def.name = spec.name;
    def.infer_shapes = shape_of_input0;
    def.reference = with_node_context([&spec](OpContext& ctx) { run_unary(ctx, spec); });
    def.inplace_inputs = {0};  // out[i] = op(x[i])
    r.add(std::move(def));
  }
  OpDef logical_not;
  logical_not.name = "LogicalNot";
  logical_not.infer_shapes = shape_of_input0;
  logical_not.reference = with_node_context(run_logical_not);
  r.add(std::move(logical_not));

  OpDef cast;
  cast.name = "Cast";
  cast.infer_shapes = shape_of_input0;
  cast.reference = with_node_context(run_cast);
  cast.required_attrs = {{"DstT", "type"}};
  r.add(std::move(cast));
}

}  // namespace frost::ops
