// Reductions (Sum, Mean, Max, Min, Prod over a reduction_indices tensor, with
// keep_dims) and ArgMax/ArgMin. Reference kernels: kernels/reference/reduce.cc.
#include <algorithm>
#include <limits>

#include "kernels/reduce.h"
#include "runtime/ops/math_common.h"

namespace frost {

namespace {

using kernels::ReduceOp;
using ops::dispatch_real;

// The axes of a reduction_indices value (scalar or vector, negative from the
// end), each checked against the input rank, sorted and deduplicated.
std::vector<int> normalize_axes(const Node& node, const Tensor& axes, int rank) {
  if (axes.dtype() != DType::Int32 && axes.dtype() != DType::Int64)
    throw node.error("reduction_indices must be int32 or int64, got " + dtype_name(axes.dtype()));
  if (axes.rank() > 1)
    throw node.error("reduction_indices must be a scalar or a vector, got shape " + axes.shape().to_string());
  std::vector<int> out;
  for (int64_t a : axes.to_int64_vector()) {
    if (a < -rank || a >= rank)
      throw node.error("invalid reduction axis " + std::to_string(a) + " for an input of rank " + std::to_string(rank));
    out.push_back(static_cast<int>(a < 0 ? a + rank : a));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<int64_t> reduced_dims(const std::vector<int64_t>& dims, const std::vector<int>& axes, bool keep_dims) {
  std::vector<int64_t> out;
  for (int d = 0; d < static_cast<int>(dims.size()); ++d) {
    const bool reduced = std::find(axes.begin(), axes.end(), d) != axes.end();
    if (!reduced) out.push_back(dims[static_cast<size_t>(d)]);
    else if (keep_dims) out.push_back(1);
  }
  return out;
}

Tensor compute_reduce(const OpContext& ctx, ReduceOp op, const Tensor& x, const std::vector<int>& axes,
                      bool keep_dims) {
  kernels::ReducePlan plan;
  if (!kernels::plan_reduce(x.shape().dims(), axes, &plan))
    throw ctx.error("reducing " + x.shape().to_string() + " needs too many distinct dimensions");
  Tensor out(x.dtype(), Shape(reduced_dims(x.shape().dims(), axes, keep_dims)));
  dispatch_real(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    kernels::reduce_reference<T>(op, plan, x.data<T>(), out.data<T>());
  });
  return out;
}

void run_reduce(OpContext& ctx, const char* name, ReduceOp op) {
  ops::require_num_inputs(ctx, 2);
  const Tensor& x = ctx.input(0);
  const std::vector<int> axes = normalize_axes(ctx.node(), ctx.input(1), x.rank());
  const bool keep_dims = ctx.node().attr_bool_or("keep_dims", false);
  const DType t = x.dtype();
  if (ops::is_16bit_float(t)) {
    ctx.set_output(0, ops::cast_tensor(compute_reduce(ctx, op, ops::cast_tensor(x, DType::Float), axes, keep_dims), t));
    return;
  }
  if (!dispatch_real(t, [](auto) {})) throw ctx.error(std::string(name) + " does not support dtype " + dtype_name(t));
  ctx.set_output(0, compute_reduce(ctx, op, x, axes, keep_dims));
}

// Output shape from the constant axes when known; otherwise what the rank and
// keep_dims allow (same rank with unknown dims, or an unknown rank).
std::vector<PartialShape> infer_reduce(const ShapeContext& ctx) {
  if (ctx.input_shapes.size() != 2) return {PartialShape::unknown()};
  const PartialShape& in = ctx.input_shapes[0];
  const bool keep_dims = ctx.node.attr_bool_or("keep_dims", false);
  if (!in.known_rank()) return {PartialShape::unknown()};
  const Tensor* axes = ctx.input_values.size() > 1 ? ctx.input_values[1] : nullptr;
  if (axes == nullptr) {
    if (keep_dims) return {PartialShape(std::vector<int64_t>(static_cast<size_t>(in.rank()), PartialShape::kUnknown))};
    return {PartialShape::unknown()};
  }
  return {PartialShape(reduced_dims(in.dims(), normalize_axes(ctx.node, *axes, in.rank()), keep_dims))};
}

// ArgMax/ArgMin: input, dimension (scalar int32/int64); attr output_type.
int arg_axis(const Node& node, const Tensor& dimension, int rank) {
  if (dimension.dtype() != DType::Int32 && dimension.dtype() != DType::Int64)
    throw node.error("dimension must be int32 or int64, got " + dtype_name(dimension.dtype()));
  if (dimension.num_elements() != 1 || dimension.rank() > 1)
    throw node.error("dimension must be a scalar, got shape " + dimension.shape().to_string());
  const int64_t a = dimension.as_int64(0);
  if (a < -rank || a >= rank)
    throw node.error("invalid dimension " + std::to_string(a) + " for an input of rank " + std::to_string(rank));
  return static_cast<int>(a < 0 ? a + rank : a);
}

void run_arg_reduce(OpContext& ctx, bool is_max) {
  ops::require_num_inputs(ctx, 2);
  Tensor x = ctx.input(0);
  const int axis = arg_axis(ctx.node(), ctx.input(1), x.rank());
  const DType out_type = ctx.node().attr_type_or("output_type", DType::Int64);
  if (out_type != DType::Int32 && out_type != DType::Int64)
    throw ctx.error("output_type must be int32 or int64, got " + dtype_name(out_type));
  const int64_t n = x.shape().dim(axis);
  if (n == 0) throw ctx.error("reduction axis " + std::to_string(axis) + " is empty in shape " + x.shape().to_string());
  if (out_type == DType::Int32 && n > std::numeric_limits<int32_t>::max())
    throw ctx.error("axis too long for an int32 index");
  if (ops::is_16bit_float(x.dtype())) x = ops::cast_tensor(x, DType::Float);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= x.shape().dim(d);
  for (int d = axis + 1; d < x.rank(); ++d) inner *= x.shape().dim(d);
  std::vector<int64_t> out_dims = x.shape().dims();
  out_dims.erase(out_dims.begin() + axis);
  Tensor out(out_type, Shape(out_dims));
  const bool supported = dispatch_real(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (out_type == DType::Int32)
      kernels::arg_reduce_reference<T, int32_t>(is_max, outer, n, inner, x.data<T>(), out.data<int32_t>());
    else
      kernels::arg_reduce_reference<T, int64_t>(is_max, outer, n, inner, x.data<T>(), out.data<int64_t>());
  });
  if (!supported) throw ctx.error("does not support dtype " + dtype_name(x.dtype()));
  ctx.set_output(0, out);
}

std::vector<PartialShape> infer_arg_reduce(const ShapeContext& ctx) {
  if (ctx.input_shapes.size() != 2 || !ctx.input_shapes[0].known_rank()) return {PartialShape::unknown()};
  const PartialShape& in = ctx.input_shapes[0];
  const Tensor* dimension = ctx.input_values[1];
  if (dimension == nullptr)
    return {PartialShape(std::vector<int64_t>(static_cast<size_t>(std::max(in.rank() - 1, 0)), PartialShape::kUnknown))};
  std::vector<int64_t> dims = in.dims();
  dims.erase(dims.begin() + arg_axis(ctx.node, *dimension, in.rank()));
  return {PartialShape(std::move(dims))};
}

}  // namespace

void register_reduce_ops(OpRegistry& r) {
  static constexpr std::pair<const char*, ReduceOp> kReductions[] = {
      {"Sum", ReduceOp::Sum}, {"Mean", ReduceOp::Mean}, {"Max", ReduceOp::Max},
      {"Min", ReduceOp::Min}, {"Prod", ReduceOp::Prod},
  };
  for (const auto& [name, op] : kReductions) {
    OpDef def;
    def.name = name;
    def.infer_shapes = ops::with_node_context(infer_reduce);
    def.reference = ops::with_node_context([name = name, op = op](OpContext& ctx) { run_reduce(ctx, name, op); });
    r.add(std::move(def));
  }
  for (const auto& [name, is_max] : {std::pair{"ArgMax", true}, std::pair{"ArgMin", false}}) {
    OpDef def;
    def.name = name;
    def.infer_shapes = ops::with_node_context(infer_arg_reduce);
    def.reference = ops::with_node_context([is_max = is_max](OpContext& ctx) { run_arg_reduce(ctx, is_max); });
    r.add(std::move(def));
  }
}

}  // namespace frost
