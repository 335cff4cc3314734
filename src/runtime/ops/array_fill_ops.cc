// Ops that make a tensor from scalars: Fill, ZerosLike, OnesLike, Range.
// Output sizes come from input values, so each is checked against
// kMaxTensorBytes before anything is allocated.
#include <cmath>

#include "runtime/ops/array_util.h"

namespace frost::array_ops {

namespace {

__extension__ typedef __int128 Int128;  // exact range arithmetic on int64 endpoints

// ---- Fill ----

void fill_kernel(OpContext& ctx) {
  const Tensor& value = ctx.input(1);
  require_scalar(ctx, value, "value");
  require_movable(ctx, value, "value");
  const Dims dims = read_int_vector(ctx, ctx.input(0), "dims");
  for (int64_t d : dims)
    if (d < 0) throw ctx.error("dims must be non-negative, got " + std::to_string(d));
  Tensor out = allocate(ctx, value.dtype(), dims);
  fill_with(out, value);
  ctx.set_output(0, std::move(out));
}

std::vector<PartialShape> fill_shapes(const ShapeContext& ctx) {
  if (const auto dims = const_ints(ctx, 0)) {
    for (int64_t d : *dims)
      if (d < 0) throw ctx.error("dims must be non-negative, got " + std::to_string(d));
    return {PartialShape(*dims)};
  }
  const PartialShape s = input_shape(ctx, 0);
  if (s.known_rank() && s.rank() == 1 && s.dim(0) >= 0) return {unknown_dims(static_cast<int>(s.dim(0)))};
  return {PartialShape::unknown()};
}

// ---- ZerosLike, OnesLike ----

void zeros_like_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  require_movable(ctx, in, "x");
  ctx.set_output(0, allocate(ctx, in.dtype(), in.shape().dims()));  // zero-filled ("" for strings)
}

void ones_like_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  if (in.dtype() == DType::String || dtype_size(in.dtype()) == 0)
    throw ctx.error("OnesLike is not defined for dtype " + dtype_name(in.dtype()));
  Tensor one(in.dtype(), Shape{});
  store_number(one, 0, 1.0);
  Tensor out = allocate(ctx, in.dtype(), in.shape().dims());
  fill_with(out, one);
  ctx.set_output(0, std::move(out));
}

// ---- Range ----

// TensorFlow computes the length in the element type (integers: ceil of
// |limit - start| / |delta|; floats: ceil(|(limit - start) / delta|)) and
// the values by repeated addition in that type.
void check_range_direction(const OpContext& ctx, double start, double limit, double delta) {
  if (delta == 0) throw ctx.error("requires delta != 0");
  if (delta > 0 && start > limit) throw ctx.error("requires start <= limit when delta > 0");
  if (delta < 0 && start < limit) throw ctx.error("requires start >= limit when delta < 0");
}

int64_t range_length(const OpContext& ctx, DType t, const Tensor& start, const Tensor& limit, const Tensor& delta) {
  if (dtype_is_integer(t)) {
    const int64_t s = start.as_int64(0), l = limit.as_int64(0), d = delta.as_int64(0);
    check_range_direction(ctx, static_cast<double>(s), static_cast<double>(l), static_cast<double>(d));
    // |l - s| and |d| can exceed int64 for extreme values; 128-bit is exact.
    const Int128 span = static_cast<Int128>(l) - s;
    const Int128 abs_span = span < 0 ? -span : span;
    const Int128 abs_delta = d < 0 ? -static_cast<Int128>(d) : d;
    const Int128 n = (abs_span + abs_delta - 1) / abs_delta;
    if (n > INT64_MAX) throw ctx.error("range has too many elements");
    return static_cast<int64_t>(n);
  }
  const double s = start.as_double(0), l = limit.as_double(0), d = delta.as_double(0);
  if (std::isnan(s) || std::isnan(l) || std::isnan(d) || std::isinf(s) || std::isinf(l))
    throw ctx.error("range start and limit must be finite");
  check_range_direction(ctx, s, l, d);
  const double n = t == DType::Double ? std::ceil(std::fabs((l - s) / d))
                                      : std::ceil(std::fabs(static_cast<float>(l - s) / static_cast<float>(d)));
  if (!(n <= static_cast<double>(kMaxTensorBytes))) throw ctx.error("range has too many elements");
  return static_cast<int64_t>(n);
}

void range_kernel(OpContext& ctx) {
  const Tensor &start = ctx.input(0), &limit = ctx.input(1), &delta = ctx.input(2);
  for (const auto& [t, name] : {std::pair{&start, "start"}, {&limit, "limit"}, {&delta, "delta"}}) {
    if (t->num_elements() != 1 || t->rank() > 1) throw ctx.error(std::string(name) + " must be a scalar, got " + t->summary());
    if (t->dtype() != start.dtype()) throw ctx.error("start, limit and delta must have one dtype");
  }
  const DType type = start.dtype();
  if (!dtype_is_float(type) && !dtype_is_integer(type))
    throw ctx.error("Range is not defined for dtype " + dtype_name(type));
  const int64_t n = range_length(ctx, type, start, limit, delta);
  Tensor out = allocate(ctx, type, {n});
  if (dtype_is_integer(type)) {
    // Exact: start + i*delta stays between start and limit.
    const Int128 v0 = start.as_int64(0), d = delta.as_int64(0);
    for (int64_t i = 0; i < n; ++i) {
      const auto v = static_cast<int64_t>(v0 + d * i);
      if (type == DType::Int64) out.data<int64_t>()[i] = v;
      else store_number(out, i, static_cast<double>(v));
    }
  } else if (type == DType::Double) {
    double v = start.as_double(0);
    const double d = delta.as_double(0);
    for (int64_t i = 0; i < n; ++i, v += d) out.data<double>()[i] = v;
  } else {
    // float, half, bfloat16: accumulate in float, rounded to the type each step.
    Tensor acc(type, Shape{});
    store_number(acc, 0, start.as_double(0));
    Tensor step(type, Shape{});
    store_number(step, 0, delta.as_double(0));
    const float d = static_cast<float>(step.as_double(0));
    for (int64_t i = 0; i < n; ++i) {
      const float v = static_cast<float>(acc.as_double(0));
      store_number(out, i, v);
      store_number(acc, 0, v + d);
    }
  }
  ctx.set_output(0, std::move(out));
}

std::vector<PartialShape> range_shapes(const ShapeContext& ctx) {
  const Tensor *s = input_value(ctx, 0), *l = input_value(ctx, 1), *d = input_value(ctx, 2);
  if (!s || !l || !d) return {PartialShape{PartialShape::kUnknown}};
  // Same arithmetic as the kernel, through a throwaway context.
  std::vector<Tensor> none;
  OpContext octx(ctx.node, {}, none);
  for (const Tensor* t : {s, l, d})
    if (!t->valid() || t->num_elements() != 1 || t->dtype() != s->dtype() ||
        (!dtype_is_float(t->dtype()) && !dtype_is_integer(t->dtype())))
      return {PartialShape{PartialShape::kUnknown}};
  return {PartialShape{range_length(octx, s->dtype(), *s, *l, *d)}};
}

}  // namespace

void register_array_fill_ops(OpRegistry& r) {
  add_op(r, "Fill", fill_kernel, fill_shapes);
  add_op(r, "ZerosLike", zeros_like_kernel, shape_of_input0);
  add_op(r, "OnesLike", ones_like_kernel, shape_of_input0);
  add_op(r, "Range", range_kernel, range_shapes);
}

}  // namespace frost::array_ops
