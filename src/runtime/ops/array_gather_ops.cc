// Ops that pick or scatter elements by index: GatherV2, Gather, OneHot,
// Where, SparseToDense. Every index is checked before it is used; an index
// out of range is an error (as TensorFlow's CPU kernels), except in OneHot
// where it means "no hot position".
#include <algorithm>

#include "kernels/gather.h"
#include "runtime/ops/array_util.h"

namespace frost::array_ops {

namespace {

// "[1,2]": the coordinates of flat element i of a shape, for error messages.
std::string coords(const Shape& s, int64_t i) {
  Dims c(static_cast<size_t>(s.rank()));
  for (int k = s.rank(); k-- > 0;) {
    c[static_cast<size_t>(k)] = s.dim(k) ? i % s.dim(k) : 0;
    i = s.dim(k) ? i / s.dim(k) : 0;
  }
  std::string out = "[";
  for (size_t k = 0; k < c.size(); ++k) out += (k ? "," : "") + std::to_string(c[k]);
  return out + "]";
}

// ---- GatherV2, Gather ----

struct GatherGeometry {
  int axis = 0, batch_dims = 0;
  Dims out_dims;
};

// TensorFlow's checks and output shape params[:axis] + indices[batch_dims:] + params[axis+1:].
// `params`/`indices` dims may hold -1 in shape inference.
GatherGeometry plan_gather(const std::function<Error(const std::string&)>& fail, const Dims& params,
                           const Dims& indices, int64_t axis, int64_t batch_dims, bool axis_given) {
  const int64_t pr = static_cast<int64_t>(params.size()), ir = static_cast<int64_t>(indices.size());
  if (pr < 1) throw fail("params must be at least 1 dimensional");
  if (axis < -pr || axis >= pr)
    throw fail("expected axis in the range [" + std::to_string(-pr) + ", " + std::to_string(pr) + "), but got " +
               std::to_string(axis));
  if (axis < 0) axis += pr;
  if (batch_dims != 0) {
    if (batch_dims < -ir || batch_dims > ir)
      throw fail("expected batch_dims in the range [" + std::to_string(-ir) + ", " + std::to_string(ir) +
                 "], but got " + std::to_string(batch_dims));
    if (batch_dims < 0) batch_dims += ir;
    if (!axis_given) axis = batch_dims;
    if (batch_dims >= pr)
      throw fail("batch_dims (" + std::to_string(batch_dims) + ") must be less than rank(params) (" +
                 std::to_string(pr) + ")");
    if (axis < batch_dims)
      throw fail("batch_dims (" + std::to_string(batch_dims) + ") must be less than or equal to axis (" +
                 std::to_string(axis) + ")");
    for (int64_t i = 0; i < batch_dims; ++i) {
      const int64_t p = params[static_cast<size_t>(i)], q = indices[static_cast<size_t>(i)];
      if (p >= 0 && q >= 0 && p != q)
        throw fail("params.shape[" + std::to_string(i) + "]: " + std::to_string(p) + " should be equal to indices.shape[" +
                   std::to_string(i) + "]: " + std::to_string(q));
    }
  }
  GatherGeometry g;
  g.axis = static_cast<int>(axis);
  g.batch_dims = static_cast<int>(batch_dims);
  g.out_dims.assign(params.begin(), params.begin() + axis);
  g.out_dims.insert(g.out_dims.end(), indices.begin() + batch_dims, indices.end());
  g.out_dims.insert(g.out_dims.end(), params.begin() + axis + 1, params.end());
  return g;
}

void gather(OpContext& ctx, const Tensor& params, const Tensor& indices, int64_t axis, bool axis_given) {
  require_movable(ctx, params, "params");
  if (!dtype_is_integer(indices.dtype())) throw ctx.error("indices must be int32 or int64, got " + indices.summary());
  const GatherGeometry g = plan_gather([&](const std::string& m) { return ctx.error(m); }, params.shape().dims(),
                                       indices.shape().dims(), axis, ctx.node().attr_int_or("batch_dims", 0),
                                       axis_given);
  Tensor out = allocate(ctx, params.dtype(), g.out_dims);
  if (out.num_elements() == 0) {  // TensorFlow does not look at the indices then
    ctx.set_output(0, std::move(out));
    return;
  }
  kernels::GatherParams p;
  const Shape& ps = params.shape();
  for (int k = 0; k < g.batch_dims; ++k) p.batch *= ps.dim(k);
  for (int k = g.batch_dims; k < g.axis; ++k) p.outer *= ps.dim(k);
  p.axis_dim = ps.dim(g.axis);
  for (int k = g.axis + 1; k < ps.rank(); ++k) p.inner *= ps.dim(k);
  p.num_indices = indices.num_elements() / p.batch;
  const Dims idx = indices.to_int64_vector();
  for (size_t i = 0; i < idx.size(); ++i)
    if (idx[i] < 0 || idx[i] >= p.axis_dim)
      throw ctx.error("indices" + coords(indices.shape(), static_cast<int64_t>(i)) + " = " + std::to_string(idx[i]) +
                      " is not in [0, " + std::to_string(p.axis_dim) + ")");
  if (params.dtype() == DType::String)
    kernels::gather_reference(p, params.strings().data(), idx.data(), out.strings().data());
  else
    kernels::gather_reference(p, params.raw_data(), idx.data(), out.raw_data(), dtype_size(params.dtype()));
  ctx.set_output(0, std::move(out));
}

void gather_v2_kernel(OpContext& ctx) {
  gather(ctx, ctx.input(0), ctx.input(1), read_int_scalar(ctx, ctx.input(2), "axis"), true);
}

void gather_v1_kernel(OpContext& ctx) { gather(ctx, ctx.input(0), ctx.input(1), 0, false); }

std::vector<PartialShape> gather_shapes_with(const ShapeContext& ctx, std::optional<int64_t> axis, bool axis_given) {
  const PartialShape params = input_shape(ctx, 0), indices = input_shape(ctx, 1);
  if (!params.known_rank() || !indices.known_rank() || !axis) return {PartialShape::unknown()};
  return {PartialShape(plan_gather([&](const std::string& m) { return ctx.error(m); }, params.dims(), indices.dims(),
                                   *axis, ctx.node.attr_int_or("batch_dims", 0), axis_given)
                           .out_dims)};
}

std::vector<PartialShape> gather_v2_shapes(const ShapeContext& ctx) {
  const auto axis = const_ints(ctx, 2);
  return gather_shapes_with(ctx, axis && axis->size() == 1 ? std::optional<int64_t>((*axis)[0]) : std::nullopt, true);
}

std::vector<PartialShape> gather_v1_shapes(const ShapeContext& ctx) { return gather_shapes_with(ctx, 0, false); }

// ---- OneHot ----

int one_hot_axis(const std::function<Error(const std::string&)>& fail, int64_t axis, int indices_rank) {
  const int out_rank = indices_rank + 1;
  if (axis != -1 && (axis < 0 || axis >= out_rank))
    throw fail("expected axis to be -1 or between [0, " + std::to_string(out_rank) + "), but received " +
               std::to_string(axis));
  return axis == -1 ? indices_rank : static_cast<int>(axis);
}

void one_hot_kernel(OpContext& ctx) {
  const Tensor &indices = ctx.input(0), &depth_t = ctx.input(1), &on = ctx.input(2), &off = ctx.input(3);
  if (!dtype_is_integer(indices.dtype())) throw ctx.error("indices must be an integer tensor, got " + indices.summary());
  const int axis = one_hot_axis([&](const std::string& m) { return ctx.error(m); },
                                ctx.node().attr_int_or("axis", -1), indices.rank());
  require_scalar(ctx, depth_t, "depth");
  const int64_t depth = read_int_scalar(ctx, depth_t, "depth");
  if (depth < 0) throw ctx.error("depth must be non-negative, got " + std::to_string(depth));
  require_scalar(ctx, on, "on_value");
  require_scalar(ctx, off, "off_value");
  require_movable(ctx, on, "on_value");
  if (on.dtype() != off.dtype()) throw ctx.error("on_value and off_value must have one dtype");
  Dims out_dims = indices.shape().dims();
  out_dims.insert(out_dims.begin() + axis, depth);
  Tensor out = allocate(ctx, on.dtype(), out_dims);
  fill_with(out, off);
  // Output [prefix, depth, suffix]; indices [prefix, suffix].
  int64_t suffix = 1;
  for (int k = axis; k < indices.rank(); ++k) suffix *= indices.shape().dim(k);
  for (int64_t i = 0; i < indices.num_elements(); ++i) {
    const int64_t v = indices.as_int64(i);
    if (v < 0 || v >= depth) continue;
    const int64_t pre = i / suffix, suf = i % suffix;
    copy_element(on, 0, out, (pre * depth + v) * suffix + suf);
  }
  ctx.set_output(0, std::move(out));
}

std::vector<PartialShape> one_hot_shapes(const ShapeContext& ctx) {
  const PartialShape indices = input_shape(ctx, 0);
  if (!indices.known_rank()) return {PartialShape::unknown()};
  const int axis = one_hot_axis([&](const std::string& m) { return ctx.error(m); },
                                ctx.node.attr_int_or("axis", -1), indices.rank());
  const auto depth = const_ints(ctx, 1);
  Dims out = indices.dims();
  out.insert(out.begin() + axis, depth && depth->size() == 1 ? (*depth)[0] : -1);
  return {PartialShape(out)};
}

// ---- Where ----

void where_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  if (in.dtype() == DType::String || dtype_size(in.dtype()) == 0)
    throw ctx.error("Where is not defined for dtype " + dtype_name(in.dtype()));
  // Two passes (count, then write) so that only the checked output is allocated.
  const auto is_true = [&](int64_t i) { return in.as_double(i) != 0; };  // NaN counts as true, -0.0 as false
  int64_t count = 0;
  for (int64_t i = 0; i < in.num_elements(); ++i) count += is_true(i) ? 1 : 0;
  const int rank = in.rank();
  Tensor out = allocate(ctx, DType::Int64, {count, rank});
  int64_t* row = out.data<int64_t>();
  for (int64_t i = 0; i < in.num_elements(); ++i) {
    if (!is_true(i)) continue;
    int64_t rest = i;
    for (int k = rank; k-- > 0;) {
      const int64_t d = in.shape().dim(k);
      row[k] = rest % d;
      rest /= d;
    }
    row += rank;
  }
  ctx.set_output(0, std::move(out));
}

std::vector<PartialShape> where_shapes(const ShapeContext& ctx) {
  const PartialShape in = input_shape(ctx, 0);
  if (!in.known_rank()) return {PartialShape{PartialShape::kUnknown, PartialShape::kUnknown}};
  return {PartialShape{PartialShape::kUnknown, in.rank()}};
}

// ---- SparseToDense ----

void sparse_to_dense_kernel(OpContext& ctx) {
  const Tensor &indices = ctx.input(0), &shape_t = ctx.input(1), &values = ctx.input(2), &dflt = ctx.input(3);
  if (!dtype_is_integer(indices.dtype())) throw ctx.error("sparse_indices must be int32 or int64");
  if (indices.rank() > 2)
    throw ctx.error("sparse_indices should be a scalar, vector, or matrix, got shape " + indices.shape().to_string());
  const int64_t num_elems = indices.rank() > 0 ? indices.shape().dim(0) : 1;
  const int64_t num_dims = indices.rank() > 1 ? indices.shape().dim(1) : 1;
  const Dims out_dims = read_int_vector(ctx, shape_t, "output_shape");
  if (static_cast<int64_t>(out_dims.size()) != num_dims)
    throw ctx.error("output_shape has " + std::to_string(out_dims.size()) + " elements, sparse_indices give " +
                    std::to_string(num_dims) + " dims");
  if (!(values.rank() == 0 || (values.rank() == 1 && values.num_elements() == num_elems)))
    throw ctx.error("sparse_values has incorrect shape " + values.shape().to_string() + ", should be [] or [" +
                    std::to_string(num_elems) + "]");
  require_scalar(ctx, dflt, "default_value");
  require_movable(ctx, values, "sparse_values");
  if (dflt.dtype() != values.dtype()) throw ctx.error("default_value and sparse_values must have one dtype");
  for (int64_t d : out_dims)
    if (d < 0) throw ctx.error("output_shape must be non-negative, got a dimension of " + std::to_string(d));
  Tensor out = allocate(ctx, values.dtype(), out_dims);
  fill_with(out, dflt);
  const Dims idx = indices.to_int64_vector();
  const Dims strides = row_major_strides(out_dims);
  const bool validate = ctx.node().attr_bool_or("validate_indices", true);
  auto index_string = [&](int64_t e) {
    std::string s = "[";
    for (int64_t k = 0; k < num_dims; ++k) s += (k ? "," : "") + std::to_string(idx[static_cast<size_t>(e * num_dims + k)]);
    return s + "]";
  };
  for (int64_t e = 0; e < num_elems; ++e) {
    int64_t flat = 0;
    for (int64_t k = 0; k < num_dims; ++k) {
      const int64_t v = idx[static_cast<size_t>(e * num_dims + k)];
      if (v < 0 || v >= out_dims[static_cast<size_t>(k)])
        throw ctx.error("indices[" + std::to_string(e) + "] = " + index_string(e) + " is out of bounds: need 0 <= index < " +
                        Shape(out_dims).to_string());
      flat += v * strides[static_cast<size_t>(k)];
    }
    if (validate && e > 0) {
      // Lexicographic order of the index rows, strictly increasing.
      const auto row = idx.begin() + e * num_dims;
      const int cmp = std::lexicographical_compare(row - num_dims, row, row, row + num_dims) ? -1
                      : std::equal(row - num_dims, row, row)                                 ? 0
                                                                                             : 1;
      if (cmp == 0) throw ctx.error("indices[" + std::to_string(e) + "] = " + index_string(e) + " is repeated");
      if (cmp > 0)
        throw ctx.error("indices[" + std::to_string(e) + "] = " + index_string(e) +
                        " is out of order; SparseToDense requires sorted indices");
    }
    copy_element(values, values.rank() == 0 ? 0 : e, out, flat);
  }
  ctx.set_output(0, std::move(out));
}

std::vector<PartialShape> sparse_to_dense_shapes(const ShapeContext& ctx) {
  if (const auto dims = const_ints(ctx, 1)) {
    for (int64_t d : *dims)
      if (d < 0) throw ctx.error("output_shape must be non-negative");
    return {PartialShape(*dims)};
  }
  const PartialShape s = input_shape(ctx, 1);
  if (s.known_rank() && s.rank() == 1 && s.dim(0) >= 0) return {unknown_dims(static_cast<int>(s.dim(0)))};
  return {PartialShape::unknown()};
}

}  // namespace

void register_array_gather_ops(OpRegistry& r) {
  add_op(r, "GatherV2", gather_v2_kernel, gather_v2_shapes);
  add_op(r, "Gather", gather_v1_kernel, gather_v1_shapes);
  add_op(r, "OneHot", one_hot_kernel, one_hot_shapes);
  add_op(r, "Where", where_kernel, where_shapes);
  add_op(r, "SparseToDense", sparse_to_dense_kernel, sparse_to_dense_shapes);
}

}  // namespace frost::array_ops
