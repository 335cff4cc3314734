// Select (TensorFlow 1: cond is a scalar, the shape of x, or a vector over
// x's first dimension) and SelectV2 (numpy broadcasting of all three).
#include "runtime/ops/math_common.h"

namespace frost::ops {

namespace {

void check_select_dtypes(const OpContext& ctx, const Tensor& cond, const Tensor& x, const Tensor& y) {
  if (cond.dtype() != DType::Bool) throw ctx.error("condition must be bool, got " + dtype_name(cond.dtype()));
  require_same_dtype(ctx, x, y, "then", "else");
  const size_t size = dtype_size(x.dtype());
  if (size != 1 && size != 2 && size != 4 && size != 8)
    throw ctx.error("does not support dtype " + dtype_name(x.dtype()));
}

void select_into(OpContext& ctx, const Shape& out_shape, const Tensor& cond, const Shape& cond_shape,
                 const Tensor& x, const Tensor& y) {
  const kernels::Broadcast plan = plan_broadcast_or_throw(ctx, out_shape, {&cond_shape, &x.shape(), &y.shape()});
  Tensor out(x.dtype(), out_shape);
  kernels::select_reference(plan, cond.data<bool>(), x.raw_data(), y.raw_data(), out.raw_data(),
                            dtype_size(x.dtype()));
  ctx.set_output(0, out);
}

void run_select(OpContext& ctx) {
  require_num_inputs(ctx, 3);
  const Tensor& cond = ctx.input(0);
  const Tensor& x = ctx.input(1);
  const Tensor& y = ctx.input(2);
  check_select_dtypes(ctx, cond, x, y);
  if (x.shape() != y.shape())
    throw ctx.error("'then' and 'else' must have the same shape, got " + x.shape().to_string() + " and " +
                    y.shape().to_string());
  Shape cond_shape = cond.shape();
  if (cond.rank() == 1 && x.rank() > 1) {
    // A vector picks whole rows: view it as [n, 1, ..., 1] against x.
    if (cond.shape().dim(0) != x.shape().dim(0))
      throw ctx.error("condition vector of size " + std::to_string(cond.shape().dim(0)) +
                      " does not match the first dimension of " + x.shape().to_string());
    std::vector<int64_t> dims(static_cast<size_t>(x.rank()), 1);
    dims[0] = cond.shape().dim(0);
    cond_shape = Shape(std::move(dims));
  } else if (cond.rank() != 0 && cond.shape() != x.shape()) {
    throw ctx.error("condition must be a scalar, a vector over the first dimension, or of shape " +
                    x.shape().to_string() + "; got " + cond.shape().to_string());
  }
  select_into(ctx, x.shape(), cond, cond_shape, x, y);
}

void run_select_v2(OpContext& ctx) {
  require_num_inputs(ctx, 3);
  const Tensor& cond = ctx.input(0);
  const Tensor& x = ctx.input(1);
  const Tensor& y = ctx.input(2);
  check_select_dtypes(ctx, cond, x, y);
  const Shape out_shape = broadcast_all(ctx, {&cond.shape(), &x.shape(), &y.shape()});
  select_into(ctx, out_shape, cond, cond.shape(), x, y);
}

std::vector<PartialShape> infer_select(const ShapeContext& ctx) {
  if (ctx.input_shapes.size() != 3) return {PartialShape::unknown()};
  const ShapeContext branches{ctx.node, {ctx.input_shapes[1], ctx.input_shapes[2]}, {}};
  return infer_same_shape(branches);
}

}  // namespace

void register_math_select_ops(OpRegistry& r) {
  OpDef select;
  select.name = "Select";
  select.infer_shapes = with_node_context(infer_select);
  select.reference = with_node_context(run_select);
  r.add(std::move(select));

  OpDef select_v2;
  select_v2.name = "SelectV2";
  select_v2.infer_shapes = with_node_context(infer_broadcast);
  select_v2.reference = with_node_context(run_select_v2);
  r.add(std::move(select_v2));
}

}  // namespace frost::ops
