// Sum, Mean, Max and Min on float32 over the innermost dimensions (an L2
// normalisation's sum over channels, a mean over the last axis) or over the
// outermost ones (a sum over the batch, over every pixel of each channel),
// on the SIMD kernels (kernels/reduce.h): reduce/simd. The axes are read at
// run time (the plan is cheap); other axis patterns, Prod, other dtypes and
// bad axes go to the reference, which also reports them. opencv_face's
// l2_normalize sum over 128 channels of 75×75 took 0.19 ms on the
// reference (double sums, one element at a time).
#include <algorithm>
#include <optional>

#include "kernels/reduce.h"
#include "runtime/impl_families.h"

namespace frost {

namespace {

using kernels::ReduceOp;

constexpr std::pair<std::string_view, ReduceOp> kReduceOps[] = {
    {"Sum", ReduceOp::Sum}, {"Mean", ReduceOp::Mean}, {"Max", ReduceOp::Max}, {"Min", ReduceOp::Min}};

ReduceOp reduce_op(std::string_view op) {
  for (const auto& [name, kind] : kReduceOps)
    if (name == op) return kind;
  return ReduceOp::Sum;  // unreachable: only listed ops are prepared
}

// The axes of a valid reduction_indices value, in [0, rank), sorted, no
// duplicates; nullopt for anything the reference must report.
std::optional<std::vector<int>> axes_of(const Tensor& t, int rank) {
  if ((t.dtype() != DType::Int32 && t.dtype() != DType::Int64) || t.rank() > 1) return std::nullopt;
  std::vector<int> out;
  for (int64_t a : t.to_int64_vector()) {
    if (a < -rank || a >= rank) return std::nullopt;
    out.push_back(static_cast<int>(a < 0 ? a + rank : a));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

KernelFn prepare_reduce(const PrepareContext& pc) {
  const OpDef& def = pc.def;
  const ReduceOp op = reduce_op(pc.node.op);
  const bool keep_dims = pc.node.attr_bool_or("keep_dims", false);
  return [&def, op, keep_dims](OpContext& ctx) {
    if (ctx.num_inputs() != 2 || ctx.input(0).dtype() != DType::Float) return def.reference(ctx);
    const Tensor& x = ctx.input(0);
    const std::optional<std::vector<int>> axes = axes_of(ctx.input(1), x.rank());
    kernels::ReducePlan p;
    if (!axes || !kernels::plan_reduce(x.shape().dims(), *axes, &p) || p.reduced_rank != 1 || p.kept_rank > 1 ||
        x.num_elements() == 0)
      return def.reference(ctx);
    // [kept, reduced] (rows) or [reduced, kept] (columns), contiguous.
    const bool rows = p.reduced_strides[0] == 1 && (p.kept_rank == 0 || p.kept_strides[0] == p.reduced_dims[0]);
    const bool columns = p.kept_rank == 1 && p.kept_strides[0] == 1 && p.reduced_strides[0] == p.kept_dims[0];
    if (!rows && !columns) return def.reference(ctx);
    std::vector<int64_t> out_dims;
    for (int d = 0; d < x.rank(); ++d) {
      if (!std::binary_search(axes->begin(), axes->end(), d)) out_dims.push_back(x.shape()[d]);
      else if (keep_dims) out_dims.push_back(1);
    }
    Tensor& y = ctx.allocate_output(0, DType::Float, Shape(out_dims));
    if (rows)
      kernels::reduce_rows_f32(op, p.out_elements, p.reduced_dims[0], x.data<float>(), y.data<float>());
    else
      kernels::reduce_columns_f32(op, p.reduced_dims[0], p.kept_dims[0], x.data<float>(), y.data<float>());
  };
}

std::vector<std::string> op_names() {
  std::vector<std::string> out;
  for (const auto& entry : kReduceOps) out.emplace_back(entry.first);
  return out;
}

}  // namespace

std::vector<Implementation> reduce_implementations() {
  return {{"reduce/simd", op_names(), [](const PrepareContext& pc) { return pc.dtype() == DType::Float; },
           prepare_reduce}};
}

}  // namespace frost
