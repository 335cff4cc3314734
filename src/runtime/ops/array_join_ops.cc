// Ops that join tensors along an axis: ConcatV2 (axis last), the old Concat
// (axis first) and Pack (a new axis). Each input is a strided copy into its
// place in the output.
#include "runtime/ops/array_util.h"

namespace frost::array_ops {

namespace {

// Concatenates `values` along `axis` (already resolved) into output 0.
void concat(OpContext& ctx, std::span<const Tensor> values, int axis) {
  const Tensor& first = values[0];
  Dims out_dims = first.shape().dims();
  out_dims[static_cast<size_t>(axis)] = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const Tensor& v = values[i];
    require_movable(ctx, v, "values[" + std::to_string(i) + "]");
    if (v.dtype() != first.dtype())
      throw ctx.error("values[" + std::to_string(i) + "] is " + dtype_name(v.dtype()) + ", values[0] is " +
                      dtype_name(first.dtype()));
    if (v.rank() != first.rank())
      throw ctx.error("ranks of all inputs should match: shape[0] = " + first.shape().to_string() + " vs. shape[" +
                      std::to_string(i) + "] = " + v.shape().to_string());
    for (int d = 0; d < v.rank(); ++d)
      if (d != axis && v.shape().dim(d) != first.shape().dim(d))
        throw ctx.error("dimensions of inputs should match: shape[0] = " + first.shape().to_string() + " vs. shape[" +
                        std::to_string(i) + "] = " + v.shape().to_string());
    out_dims[static_cast<size_t>(axis)] += v.shape().dim(axis);
  }
  Tensor& out = allocate_output(ctx, 0, first.dtype(), out_dims);  // every element is copied in
  const Dims out_strides = row_major_strides(out_dims);
  int64_t offset = 0;
  for (const Tensor& v : values) {
    copy_into(v, out, offset * out_strides[static_cast<size_t>(axis)], out_strides);
    offset += v.shape().dim(axis);
  }
}

int concat_axis(const OpContext& ctx, const Tensor& axis_tensor, const Tensor& first) {
  const int64_t axis = read_int_scalar(ctx, axis_tensor, "axis");
  if (first.rank() == 0) throw ctx.error("cannot concatenate scalars (use Pack instead)");
  return resolve_axis(ctx, axis, first.rank(), "concat axis");
}

void concat_v2_kernel(OpContext& ctx) {
  const int n = attr_count(ctx, "N", ctx.num_inputs() - 1);
  if (n < 1) throw ctx.error("ConcatV2 needs at least one value and an axis");
  const auto values = ctx.inputs().subspan(0, static_cast<size_t>(n));
  concat(ctx, values, concat_axis(ctx, ctx.input(n), values[0]));
}

void concat_kernel(OpContext& ctx) {
  const int n = attr_count(ctx, "N", ctx.num_inputs() - 1);
  if (n < 1) throw ctx.error("Concat needs an axis and at least one value");
  const auto values = ctx.inputs().subspan(1, static_cast<size_t>(n));
  concat(ctx, values, concat_axis(ctx, ctx.input(0), values[0]));
}

// Output shape from the value shapes and the axis when it is constant.
PartialShape concat_shape(const ShapeContext& ctx, int first_value, int n, int axis_input) {
  int rank = -1;
  for (int i = 0; i < n; ++i) {
    const PartialShape s = input_shape(ctx, first_value + i);
    if (!s.known_rank()) continue;
    if (rank >= 0 && s.rank() != rank) throw ctx.error("ranks of all inputs should match");
    rank = s.rank();
  }
  if (rank < 0) return PartialShape::unknown();
  if (rank == 0) throw ctx.error("cannot concatenate scalars (use Pack instead)");
  const auto axis_value = const_ints(ctx, axis_input);
  if (!axis_value || axis_value->size() != 1) return unknown_dims(rank);
  const int64_t a = (*axis_value)[0];
  if (a < -rank || a >= rank) throw ctx.error("concat axis " + std::to_string(a) + " is out of range");
  const int axis = static_cast<int>(a < 0 ? a + rank : a);
  Dims out(static_cast<size_t>(rank), -1);
  out[static_cast<size_t>(axis)] = 0;
  for (int i = 0; i < n; ++i) {
    const PartialShape s = input_shape(ctx, first_value + i);
    if (!s.known_rank()) {
      out[static_cast<size_t>(axis)] = -1;
      continue;
    }
    for (int d = 0; d < rank; ++d) {
      const int64_t v = s.dim(d);
      int64_t& o = out[static_cast<size_t>(d)];
      if (d == axis) {
        o = (o < 0 || v < 0) ? -1 : o + v;
      } else if (v >= 0) {
        if (o >= 0 && o != v) throw ctx.error("dimensions of inputs should match along dim " + std::to_string(d));
        o = v;
      }
    }
  }
  return PartialShape(out);
}

std::vector<PartialShape> concat_v2_shapes(const ShapeContext& ctx) {
  const int n = static_cast<int>(ctx.input_shapes.size()) - 1;
  return {concat_shape(ctx, 0, n, n)};
}

std::vector<PartialShape> concat_shapes(const ShapeContext& ctx) {
  const int n = static_cast<int>(ctx.input_shapes.size()) - 1;
  return {concat_shape(ctx, 1, n, 0)};
}

void pack_kernel(OpContext& ctx) {
  const int n = attr_count(ctx, "N", ctx.num_inputs());
  if (n < 1) throw ctx.error("Pack needs at least one value");
  const Tensor& first = ctx.input(0);
  const int64_t a = ctx.node().attr_int_or("axis", 0);
  const int rank = first.rank() + 1;
  if (a < -rank || a >= rank)
    throw ctx.error("axis = " + std::to_string(a) + " not in [" + std::to_string(-rank) + ", " +
                    std::to_string(rank) + ")");
  const int axis = static_cast<int>(a < 0 ? a + rank : a);
  std::vector<Tensor> expanded;
  for (int i = 0; i < n; ++i) {
    const Tensor& v = ctx.input(i);
    if (v.shape() != first.shape())
      throw ctx.error("shapes of all inputs must match: values[0].shape = " + first.shape().to_string() +
                      " != values[" + std::to_string(i) + "].shape = " + v.shape().to_string());
    Dims d = v.shape().dims();
    d.insert(d.begin() + axis, 1);
    expanded.push_back(v.reshaped(Shape(d)));
  }
  concat(ctx, expanded, axis);
}

std::vector<PartialShape> pack_shapes(const ShapeContext& ctx) {
  const int n = static_cast<int>(ctx.input_shapes.size());
  PartialShape merged = PartialShape::unknown();
  for (int i = 0; i < n; ++i) {
    const PartialShape s = input_shape(ctx, i);
    if (!s.known_rank()) continue;
    if (!merged.known_rank()) {
      merged = s;
      continue;
    }
    if (s.rank() != merged.rank()) throw ctx.error("shapes of all inputs must match");
    Dims d = merged.dims();
    for (int k = 0; k < s.rank(); ++k) {
      int64_t& o = d[static_cast<size_t>(k)];
      if (s.dim(k) >= 0) {
        if (o >= 0 && o != s.dim(k)) throw ctx.error("shapes of all inputs must match");
        o = s.dim(k);
      }
    }
    merged = PartialShape(d);
  }
  if (!merged.known_rank()) return {PartialShape::unknown()};
  const int rank = merged.rank() + 1;
  const int64_t a = ctx.node.attr_int_or("axis", 0);
  if (a < -rank || a >= rank) throw ctx.error("axis " + std::to_string(a) + " is out of range");
  Dims d = merged.dims();
  d.insert(d.begin() + (a < 0 ? a + rank : a), n);
  return {PartialShape(d)};
}

}  // namespace

void register_array_join_ops(OpRegistry& r) {
  add_op(r, "ConcatV2", concat_v2_kernel, concat_v2_shapes);
  add_op(r, "Concat", concat_kernel, concat_shapes);
  add_op(r, "Pack", pack_kernel, pack_shapes);
}

}  // namespace frost::array_ops
