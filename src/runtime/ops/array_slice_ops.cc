// Ops that read a part of one tensor: Slice, StridedSlice, Split, SplitV,
// Unpack. Each is a strided copy (kernels/strided_copy.h) from the input.
#include <algorithm>

#include "runtime/ops/array_util.h"
#include "runtime/ops/strided_slice_plan.h"

namespace frost::array_ops {

namespace {

// Copies the box input[begin + k*step] (k < sizes, per dim) into a new tensor of `out_dims`.
Tensor read_box(const OpContext& ctx, const Tensor& in, const Dims& begin, const Dims& steps, const Dims& sizes,
                const Dims& out_dims) {
  Tensor out = allocate(ctx, in.dtype(), out_dims);
  copy_region(in, out, box_region(in.shape().dims(), begin, steps, sizes));
  return out;
}

// ---- Slice ----

struct SliceBox {
  Dims begin, size;
};

SliceBox resolve_slice(const OpContext& ctx, const Dims& in, const Dims& begin, Dims size) {
  if (begin.size() != in.size() || size.size() != in.size())
    throw ctx.error("expected begin and size of length " + std::to_string(in.size()) + ", got " +
                    std::to_string(begin.size()) + " and " + std::to_string(size.size()));
  for (size_t i = 0; i < in.size(); ++i) {
    if (size[i] == -1) size[i] = in[i] - begin[i];
    const int64_t b = begin[i], s = size[i], d = in[i];
    if (d == 0) {
      if (b != 0 || s != 0)
        throw ctx.error("expected begin[" + std::to_string(i) + "] == 0 (got " + std::to_string(b) + ") and size[" +
                        std::to_string(i) + "] == 0 (got " + std::to_string(s) + ") when the input dim is 0");
    } else {
      if (b < 0 || b > d)
        throw ctx.error("expected begin[" + std::to_string(i) + "] in [0, " + std::to_string(d) + "], but got " +
                        std::to_string(b));
      if (s < 0 || s > d - b)
        throw ctx.error("expected size[" + std::to_string(i) + "] in [0, " + std::to_string(d - b) + "], but got " +
                        std::to_string(s));
    }
  }
  return {begin, size};
}

void slice_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  require_movable(ctx, in, "input");
  const SliceBox box = resolve_slice(ctx, in.shape().dims(), read_int_vector(ctx, ctx.input(1), "begin"),
                                     read_int_vector(ctx, ctx.input(2), "size"));
  ctx.set_output(0, read_box(ctx, in, box.begin, Dims(box.size.size(), 1), box.size, box.size));
}

std::vector<PartialShape> slice_shapes(const ShapeContext& ctx) {
  const PartialShape in = input_shape(ctx, 0);
  const auto begin = const_ints(ctx, 1);
  const auto size = const_ints(ctx, 2);
  if (size) {
    Dims out = *size;
    for (size_t i = 0; i < out.size(); ++i) {
      if (out[i] != -1) continue;
      const bool dim_known = in.known_rank() && static_cast<int>(i) < in.rank() && in.dim(static_cast<int>(i)) >= 0;
      out[i] = begin && dim_known && i < begin->size() ? in.dim(static_cast<int>(i)) - (*begin)[i] : -1;
      if (out[i] < -1) throw ctx.error("slice begins past the end of dimension " + std::to_string(i));
    }
    return {PartialShape(out)};
  }
  if (in.known_rank()) return {unknown_dims(in.rank())};
  const PartialShape size_shape = input_shape(ctx, 2);
  if (size_shape.known_rank() && size_shape.rank() == 1 && size_shape.dim(0) >= 0)
    return {unknown_dims(static_cast<int>(size_shape.dim(0)))};
  return {PartialShape::unknown()};
}

// ---- StridedSlice ----

StridedSliceMasks masks_of(const Node& n) {
  return {n.attr_int_or("begin_mask", 0), n.attr_int_or("end_mask", 0), n.attr_int_or("ellipsis_mask", 0),
          n.attr_int_or("new_axis_mask", 0), n.attr_int_or("shrink_axis_mask", 0)};
}

void strided_slice_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  require_movable(ctx, in, "input");
  const Dims begin = read_int_vector(ctx, ctx.input(1), "begin");
  const Dims end = read_int_vector(ctx, ctx.input(2), "end");
  const Dims strides = read_int_vector(ctx, ctx.input(3), "strides");
  if (end.size() != begin.size() || strides.size() != begin.size())
    throw ctx.error("expected begin, end and strides to be vectors of equal length, got " +
                    std::to_string(begin.size()) + ", " + std::to_string(end.size()) + " and " +
                    std::to_string(strides.size()));
  const StridedSlicePlan plan =
      plan_strided_slice(in.shape().dims(), begin.size(), begin, end, strides, masks_of(ctx.node()),
                         [&](const std::string& m) { throw ctx.error(m); });
  ctx.set_output(0, read_box(ctx, in, plan.begin, plan.strides, plan.processing, plan.final_dims));
}

std::vector<PartialShape> strided_slice_shapes(const ShapeContext& ctx) {
  const PartialShape in = input_shape(ctx, 0);
  if (!in.known_rank()) return {PartialShape::unknown()};
  const auto begin = const_ints(ctx, 1), end = const_ints(ctx, 2), strides = const_ints(ctx, 3);
  size_t spec_len = 0;
  if (begin) spec_len = begin->size();
  else if (end) spec_len = end->size();
  else if (strides) spec_len = strides->size();
  else {
    const PartialShape b = input_shape(ctx, 1);
    if (!b.known_rank() || b.rank() != 1 || b.dim(0) < 0) return {PartialShape::unknown()};
    spec_len = static_cast<size_t>(b.dim(0));
  }
  for (const auto* v : {&begin, &end, &strides})
    if (*v && (*v)->size() != spec_len) throw ctx.error("begin, end and strides differ in length");
  // The plan needs both begin and end to canonicalise.
  const bool both = begin && end;
  const StridedSlicePlan plan = plan_strided_slice(in.dims(), spec_len, both ? begin : std::nullopt,
                                                   both ? end : std::nullopt, strides, masks_of(ctx.node),
                                                   [&](const std::string& m) { throw ctx.error(m); });
  return {PartialShape(plan.final_dims)};
}

// ---- Split, SplitV, Unpack ----

// Splits `in` along `axis` into pieces of the given sizes (summing to the dim).
void split_along(OpContext& ctx, const Tensor& in, int axis, const Dims& sizes) {
  Dims begin(static_cast<size_t>(in.rank()), 0);
  const Dims steps(static_cast<size_t>(in.rank()), 1);
  for (size_t k = 0; k < sizes.size(); ++k) {
    Dims box = in.shape().dims();
    box[static_cast<size_t>(axis)] = sizes[k];
    ctx.set_output(static_cast<int>(k), read_box(ctx, in, begin, steps, box, box));
    begin[static_cast<size_t>(axis)] += sizes[k];
  }
}

int num_split(const OpContext& ctx) { return check_output_count(ctx, ctx.node().attr_int("num_split"), "num_split"); }

void split_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(1);
  require_movable(ctx, in, "value");
  const int n = num_split(ctx);
  const int axis = resolve_axis(ctx, read_int_scalar(ctx, ctx.input(0), "split_dim"), in.rank(), "split_dim");
  const int64_t dim = in.shape().dim(axis);
  if (dim % n != 0)
    throw ctx.error("number of ways to split (" + std::to_string(n) + ") should evenly divide the split dimension (" +
                    std::to_string(dim) + ")");
  split_along(ctx, in, axis, Dims(static_cast<size_t>(n), dim / n));
}

std::vector<PartialShape> split_shapes(const ShapeContext& ctx) {
  const int64_t n = ctx.node.attr_int("num_split");
  const PartialShape in = input_shape(ctx, 1);
  const auto axis = const_ints(ctx, 0);
  if (!in.known_rank() || n < 1) return unknown_outputs(n);
  if (!axis || axis->size() != 1) return unknown_outputs(n, unknown_dims(in.rank()));
  const int64_t a = (*axis)[0];
  if (a < -in.rank() || a >= in.rank()) throw ctx.error("split_dim " + std::to_string(a) + " is out of range");
  Dims out = in.dims();
  const size_t k = static_cast<size_t>(a < 0 ? a + in.rank() : a);
  if (out[k] >= 0) {
    if (n < 1 || out[k] % n != 0) throw ctx.error("num_split does not evenly divide the split dimension");
    out[k] /= n;
  }
  return unknown_outputs(n, PartialShape(out));
}

// SplitV sizes: at most one -1, which takes the rest of the dim.
Dims resolve_split_sizes(const std::function<Error(const std::string&)>& fail, Dims sizes, int64_t dim) {
  int unknown = -1;
  int64_t total = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      if (unknown != -1) throw fail("there can only be one -1 in size_splits");
      unknown = static_cast<int>(i);
    } else if (sizes[i] < 0) {
      throw fail("size_splits[" + std::to_string(i) + "] must be >= 0, got " + std::to_string(sizes[i]));
    } else {
      total += sizes[i];
      if (total > dim && dim >= 0)
        throw fail("size_splits sum past the split dimension " + std::to_string(dim));
    }
  }
  if (dim < 0) return sizes;
  if (unknown == -1 && total != dim)
    throw fail("size_splits sum to " + std::to_string(total) + ", but the split dimension is " + std::to_string(dim));
  if (unknown != -1) sizes[static_cast<size_t>(unknown)] = dim - total;
  return sizes;
}

void split_v_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  require_movable(ctx, in, "value");
  const int n = num_split(ctx);
  const Dims sizes_in = read_int_vector(ctx, ctx.input(1), "size_splits");
  if (static_cast<int>(sizes_in.size()) != n)
    throw ctx.error("size_splits has " + std::to_string(sizes_in.size()) + " entries, num_split is " +
                    std::to_string(n));
  const int axis = resolve_axis(ctx, read_int_scalar(ctx, ctx.input(2), "split_dim"), in.rank(), "split_dim");
  const Dims sizes = resolve_split_sizes([&](const std::string& m) { return ctx.error(m); }, sizes_in,
                                         in.shape().dim(axis));
  split_along(ctx, in, axis, sizes);
}

std::vector<PartialShape> split_v_shapes(const ShapeContext& ctx) {
  const int64_t n = ctx.node.attr_int("num_split");
  const PartialShape in = input_shape(ctx, 0);
  const auto sizes = const_ints(ctx, 1);
  const auto axis = const_ints(ctx, 2);
  if (!in.known_rank() || n < 1 || n > kMaxOutputs) return unknown_outputs(n);
  std::vector<PartialShape> out = unknown_outputs(n, unknown_dims(in.rank()));
  if (!axis || axis->size() != 1) return out;
  const int64_t a = (*axis)[0];
  if (a < -in.rank() || a >= in.rank()) throw ctx.error("split_dim " + std::to_string(a) + " is out of range");
  const size_t k = static_cast<size_t>(a < 0 ? a + in.rank() : a);
  Dims resolved;
  if (sizes && static_cast<int>(sizes->size()) == n)
    resolved = resolve_split_sizes([&](const std::string& m) { return ctx.error(m); }, *sizes, in.dims()[k]);
  for (int i = 0; i < n; ++i) {
    Dims d = in.dims();
    d[k] = resolved.empty() ? -1 : resolved[static_cast<size_t>(i)];
    out[static_cast<size_t>(i)] = PartialShape(d);
  }
  return out;
}

void unpack_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  require_movable(ctx, in, "value");
  const int axis = resolve_axis(ctx, ctx.node().attr_int_or("axis", 0), in.rank(), "axis");
  const int64_t num = check_output_count(ctx, ctx.node().attr_int("num"), "num");
  if (in.shape().dim(axis) != num)
    throw ctx.error("input shape " + in.shape().to_string() + " has " + std::to_string(in.shape().dim(axis)) +
                    " entries along axis " + std::to_string(axis) + ", but num is " + std::to_string(num));
  Dims box = in.shape().dims();
  box[static_cast<size_t>(axis)] = 1;
  Dims out_dims = in.shape().dims();
  out_dims.erase(out_dims.begin() + axis);
  Dims begin(box.size(), 0);
  for (int64_t k = 0; k < num; ++k) {
    begin[static_cast<size_t>(axis)] = k;
    ctx.set_output(static_cast<int>(k), read_box(ctx, in, begin, Dims(box.size(), 1), box, out_dims));
  }
}

std::vector<PartialShape> unpack_shapes(const ShapeContext& ctx) {
  const int64_t num = ctx.node.attr_int("num");
  const PartialShape in = input_shape(ctx, 0);
  if (!in.known_rank() || num < 1) return unknown_outputs(num);
  const int64_t a = ctx.node.attr_int_or("axis", 0);
  if (a < -in.rank() || a >= in.rank()) throw ctx.error("axis " + std::to_string(a) + " is out of range");
  Dims d = in.dims();
  const size_t k = static_cast<size_t>(a < 0 ? a + in.rank() : a);
  if (d[k] >= 0 && d[k] != num) throw ctx.error("num does not match the input's dimension along axis");
  d.erase(d.begin() + static_cast<int64_t>(k));
  return unknown_outputs(num, PartialShape(d));
}

}  // namespace

void register_array_slice_ops(OpRegistry& r) {
  add_op(r, "Slice", slice_kernel, slice_shapes);
  add_op(r, "StridedSlice", strided_slice_kernel, strided_slice_shapes);
  add_op(r, "Split", split_kernel, split_shapes, outputs_from_attr("num_split", 1), {{"num_split", "int"}});
  add_op(r, "SplitV", split_v_kernel, split_v_shapes, outputs_from_attr("num_split", 1), {{"num_split", "int"}});
  add_op(r, "Unpack", unpack_kernel, unpack_shapes, outputs_from_attr("num", 1), {{"num", "int"}});
}

}  // namespace frost::array_ops
