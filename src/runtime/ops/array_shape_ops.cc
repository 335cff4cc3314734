// Ops that change or report a shape without moving elements: Reshape,
// Squeeze, ExpandDims (outputs share the input's buffer, as in TensorFlow),
// Shape, ShapeN, Size, Rank.
#include <algorithm>

#include "runtime/ops/array_util.h"

namespace frost::array_ops {

namespace {

// TensorFlow's Reshape size rule: at most one -1, which takes whatever the
// other sizes leave; zero-sized dims are kept out of the products so that the
// other dims can still be inferred (reshaping [0,3] to [-1,0] gives [3,0]).
// Returns the output dims or throws via `fail`.
template <class Fail>
Dims resolve_reshape(const Dims& input_dims, const Dims& sizes, Fail fail) {
  Dims out = sizes;
  int64_t product = 1;
  int unknown = -1;
  bool sizes_has_zero = false;
  for (size_t d = 0; d < sizes.size(); ++d) {
    const int64_t s = sizes[d];
    if (s == -1) {
      if (unknown != -1)
        fail("only one size may be -1, not both " + std::to_string(unknown) + " and " + std::to_string(d));
      unknown = static_cast<int>(d);
    } else if (s < 0) {
      fail("size " + std::to_string(d) + " must be non-negative, not " + std::to_string(s));
    } else if (s == 0) {
      sizes_has_zero = true;
    } else if (__builtin_mul_overflow(product, s, &product)) {
      fail("the requested shape has too many elements");
    }
  }
  int64_t input_elems = 1;
  bool input_has_zero = false;
  for (int64_t d : input_dims) {
    if (d > 0 || !sizes_has_zero) input_elems *= d;
    else input_has_zero = true;
  }
  if (unknown != -1) {
    const int64_t missing = input_elems / product;
    if (!input_has_zero && product * missing != input_elems)
      fail("input to reshape is a tensor with " + std::to_string(input_elems) +
           " values, but the requested shape requires a multiple of " + std::to_string(product));
    out[static_cast<size_t>(unknown)] = missing;
  }
  return out;
}

int64_t count(const Dims& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

void reshape_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& shape = ctx.input(1);
  if (!dtype_is_integer(shape.dtype()) || shape.rank() > 1)
    throw ctx.error("shape must be an int32 or int64 vector, got " + shape.summary());
  const Dims sizes = shape.to_int64_vector();
  const Dims out = resolve_reshape(in.shape().dims(), sizes, [&](const std::string& m) { throw ctx.error(m); });
  const int64_t n = Shape(out).num_elements();
  if (n != in.num_elements())
    throw ctx.error("input to reshape is a tensor with " + std::to_string(in.num_elements()) +
                    " values, but the requested shape " + Shape(out).to_string() + " has " + std::to_string(n));
  ctx.set_output(0, in.reshaped(Shape(out)));
}

std::vector<PartialShape> reshape_shapes(const ShapeContext& ctx) {
  const PartialShape in = input_shape(ctx, 0);
  const auto sizes = const_ints(ctx, 1);
  if (!sizes) {
    const PartialShape s = input_shape(ctx, 1);
    if (s.known_rank() && s.rank() == 1 && s.dim(0) >= 0) return {unknown_dims(static_cast<int>(s.dim(0)))};
    return {PartialShape::unknown()};
  }
  const auto fail = [&](const std::string& m) -> void { throw ctx.error(m); };
  if (in.fully_known()) {
    const Dims out = resolve_reshape(in.dims(), *sizes, fail);
    if (count(out) != count(in.dims()))
      throw ctx.error("cannot reshape " + in.to_string() + " to " + Shape(out).to_string());
    return {PartialShape(out)};
  }
  // Input partly unknown: the sizes stand, a -1 stays unknown.
  for (int64_t s : *sizes)
    if (s < -1) throw ctx.error("size must be non-negative or -1, not " + std::to_string(s));
  if (std::count(sizes->begin(), sizes->end(), -1) > 1) throw ctx.error("only one size may be -1");
  return {PartialShape(*sizes)};
}

Dims squeeze_dims(const OpContext* ctx, const ShapeContext* sctx, const Dims& in, const Dims& axes_attr,
                  bool* unknown) {
  const int rank = static_cast<int>(in.size());
  auto fail = [&](const std::string& m) { return ctx ? ctx->error(m) : sctx->error(m); };
  std::vector<bool> drop(in.size(), false);
  for (int64_t a : axes_attr) {
    if (a < -rank || a >= rank)
      throw fail("squeeze dim " + std::to_string(a) + " is out of range [" + std::to_string(-rank) + ", " +
                 std::to_string(rank) + ")");
    const size_t k = static_cast<size_t>(a < 0 ? a + rank : a);
    if (in[k] != 1 && in[k] != -1)
      throw fail("cannot squeeze dim " + std::to_string(a) + ", expected a dimension of 1, got " +
                 std::to_string(in[k]));
    drop[k] = true;
  }
  Dims out;
  for (size_t k = 0; k < in.size(); ++k) {
    if (axes_attr.empty()) {
      if (in[k] == -1) *unknown = true;  // may or may not be squeezed: the rank is unknown
      if (in[k] == 1) continue;
    } else if (drop[k]) {
      continue;
    }
    out.push_back(in[k]);
  }
  return out;
}

void squeeze_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  bool unknown = false;
  const Dims out = squeeze_dims(&ctx, nullptr, in.shape().dims(), ctx.node().attr_ints_or("squeeze_dims", {}), &unknown);
  ctx.set_output(0, in.reshaped(Shape(out)));
}

std::vector<PartialShape> squeeze_shapes(const ShapeContext& ctx) {
  const PartialShape in = input_shape(ctx, 0);
  if (!in.known_rank()) return {PartialShape::unknown()};
  bool unknown = false;
  const Dims out = squeeze_dims(nullptr, &ctx, in.dims(), ctx.node.attr_ints_or("squeeze_dims", {}), &unknown);
  if (unknown) return {PartialShape::unknown()};
  return {PartialShape(out)};
}

Dims expand_dims(const Dims& in, int64_t axis, const std::function<Error(const std::string&)>& fail) {
  const int64_t rank = static_cast<int64_t>(in.size());
  if (axis < -rank - 1 || axis > rank)
    throw fail("dim " + std::to_string(axis) + " is out of range [" + std::to_string(-rank - 1) + ", " +
               std::to_string(rank) + "]");
  const int64_t at = axis < 0 ? axis + rank + 1 : axis;
  Dims out = in;
  out.insert(out.begin() + at, 1);
  return out;
}

void expand_dims_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  const int64_t axis = read_int_scalar(ctx, ctx.input(1), "dim");
  const Dims out = expand_dims(in.shape().dims(), axis, [&](const std::string& m) { return ctx.error(m); });
  ctx.set_output(0, in.reshaped(Shape(out)));
}

std::vector<PartialShape> expand_dims_shapes(const ShapeContext& ctx) {
  const PartialShape in = input_shape(ctx, 0);
  if (!in.known_rank()) return {PartialShape::unknown()};
  const auto axis = const_ints(ctx, 1);
  if (!axis || axis->size() != 1) return {unknown_dims(in.rank() + 1)};
  return {PartialShape(expand_dims(in.dims(), (*axis)[0], [&](const std::string& m) { return ctx.error(m); }))};
}

// A vector of int32 or int64 (out_type), refusing values int32 cannot hold.
Tensor int_vector(const OpContext& ctx, DType out_type, const Dims& values, const std::string& what) {
  if (out_type != DType::Int32 && out_type != DType::Int64)
    throw ctx.error("out_type must be int32 or int64, got " + dtype_name(out_type));
  Tensor t(out_type, Shape{static_cast<int64_t>(values.size())});
  for (size_t i = 0; i < values.size(); ++i) {
    if (out_type == DType::Int64) {
      t.data<int64_t>()[i] = values[i];
    } else {
      if (values[i] > INT32_MAX)
        throw ctx.error(what + " " + std::to_string(values[i]) + " does not fit the 32-bit out_type");
      t.data<int32_t>()[i] = static_cast<int32_t>(values[i]);
    }
  }
  return t;
}

void shape_kernel(OpContext& ctx) {
  ctx.set_output(0, int_vector(ctx, ctx.node().attr_type_or("out_type", DType::Int32), ctx.input(0).shape().dims(),
                               "dimension"));
}

std::vector<PartialShape> shape_shapes(const ShapeContext& ctx) {
  std::vector<PartialShape> out;
  for (size_t i = 0; i < std::max<size_t>(ctx.input_shapes.size(), 1); ++i) {
    const PartialShape in = input_shape(ctx, static_cast<int>(i));
    out.push_back(in.known_rank() ? PartialShape{in.rank()} : PartialShape{PartialShape::kUnknown});
  }
  return out;
}

void shape_n_kernel(OpContext& ctx) {
  const int n = attr_count(ctx, "N", ctx.num_inputs());
  const DType type = ctx.node().attr_type_or("out_type", DType::Int32);
  for (int i = 0; i < n; ++i) ctx.set_output(i, int_vector(ctx, type, ctx.input(i).shape().dims(), "dimension"));
}

void size_kernel(OpContext& ctx) {
  const Tensor t = int_vector(ctx, ctx.node().attr_type_or("out_type", DType::Int32), {ctx.input(0).num_elements()},
                              "element count");
  ctx.set_output(0, t.reshaped(Shape{}));
}

void rank_kernel(OpContext& ctx) {
  // TensorFlow's Rank is always int32; an out_type attr is honoured if present.
  const Tensor t = int_vector(ctx, ctx.node().attr_type_or("out_type", DType::Int32), {ctx.input(0).rank()}, "rank");
  ctx.set_output(0, t.reshaped(Shape{}));
}

std::vector<PartialShape> scalar_shape(const ShapeContext&) { return {PartialShape(std::vector<int64_t>{})}; }

}  // namespace

void register_array_shape_ops(OpRegistry& r) {
  add_op(r, "Reshape", reshape_kernel, reshape_shapes);
  add_op(r, "Squeeze", squeeze_kernel, squeeze_shapes);
  add_op(r, "ExpandDims", expand_dims_kernel, expand_dims_shapes);
  add_op(r, "Shape", shape_kernel, shape_shapes);
  add_op(r, "ShapeN", shape_n_kernel, shape_shapes,  [](const Node& n) { return n.num_data_inputs(); });
  add_op(r, "Size", size_kernel, scalar_shape);
  add_op(r, "Rank", rank_kernel, scalar_shape);
}

}  // namespace frost::array_ops
