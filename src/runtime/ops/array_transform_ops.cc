// Ops that rearrange or grow one tensor: Transpose, Tile, Pad, PadV2,
// MirrorPad. Each is one or a few strided copies (kernels/strided_copy.h).
#include <algorithm>
#include <cstring>

#include "runtime/ops/array_util.h"

namespace frost::array_ops {

namespace {

// ---- Transpose ----

void check_permutation(const std::function<Error(const std::string&)>& fail, const Dims& perm, int rank) {
  if (static_cast<int>(perm.size()) != rank)
    throw fail("transpose expects a perm of size " + std::to_string(rank) + ", got " + std::to_string(perm.size()));
  std::vector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank) throw fail("perm value " + std::to_string(p) + " is out of range [0, " +
                                       std::to_string(rank) + ")");
    if (seen[static_cast<size_t>(p)]) throw fail("perm is not a valid permutation: " + std::to_string(p) + " repeats");
    seen[static_cast<size_t>(p)] = true;
  }
}

void transpose_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  require_movable(ctx, in, "x");
  const Dims perm = read_int_vector(ctx, ctx.input(1), "perm");
  check_permutation([&](const std::string& m) { return ctx.error(m); }, perm, in.rank());
  const Dims in_strides = row_major_strides(in.shape().dims());
  CopyRegion c;
  for (int64_t p : perm) {
    c.dims.push_back(in.shape().dim(static_cast<int>(p)));
    c.src_strides.push_back(in_strides[static_cast<size_t>(p)]);
  }
  c.dst_strides = row_major_strides(c.dims);
  Tensor out = allocate(ctx, in.dtype(), c.dims);
  copy_region(in, out, std::move(c));
  ctx.set_output(0, std::move(out));
}

std::vector<PartialShape> transpose_shapes(const ShapeContext& ctx) {
  const PartialShape in = input_shape(ctx, 0);
  const auto perm = const_ints(ctx, 1);
  if (!perm) {
    if (in.known_rank()) return {unknown_dims(in.rank())};
    const PartialShape p = input_shape(ctx, 1);
    if (p.known_rank() && p.rank() == 1 && p.dim(0) >= 0) return {unknown_dims(static_cast<int>(p.dim(0)))};
    return {PartialShape::unknown()};
  }
  const int rank = static_cast<int>(perm->size());
  check_permutation([&](const std::string& m) { return ctx.error(m); }, *perm, in.known_rank() ? in.rank() : rank);
  if (!in.known_rank()) return {unknown_dims(rank)};
  Dims out;
  for (int64_t p : *perm) out.push_back(in.dim(static_cast<int>(p)));
  return {PartialShape(out)};
}

// ---- Tile ----

void tile_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  require_movable(ctx, in, "input");
  const Dims multiples = read_int_vector(ctx, ctx.input(1), "multiples");
  if (static_cast<int>(multiples.size()) != in.rank())
    throw ctx.error("expected multiples to be a vector of length " + std::to_string(in.rank()) + ", got length " +
                    std::to_string(multiples.size()));
  Dims out_dims;
  for (int k = 0; k < in.rank(); ++k) {
    if (multiples[static_cast<size_t>(k)] < 0)
      throw ctx.error("expected multiples[" + std::to_string(k) + "] >= 0, but got " +
                      std::to_string(multiples[static_cast<size_t>(k)]));
    out_dims.push_back(checked_mul(ctx, in.shape().dim(k), multiples[static_cast<size_t>(k)], "tiled dimension"));
  }
  Tensor out = allocate(ctx, in.dtype(), out_dims);
  // The output seen as [m0, d0, m1, d1, ...]: the input is read with stride 0
  // along each repeat axis, so one strided copy does the whole tiling.
  const Dims in_strides = row_major_strides(in.shape().dims());
  const Dims out_strides = row_major_strides(out_dims);
  CopyRegion c;
  for (size_t k = 0; k < out_dims.size(); ++k) {
    const int64_t d = in.shape().dim(static_cast<int>(k));
    c.dims.insert(c.dims.end(), {multiples[k], d});
    c.src_strides.insert(c.src_strides.end(), {0, in_strides[k]});
    c.dst_strides.insert(c.dst_strides.end(), {d * out_strides[k], out_strides[k]});
  }
  copy_region(in, out, std::move(c));
  ctx.set_output(0, std::move(out));
}

std::vector<PartialShape> tile_shapes(const ShapeContext& ctx) {
  const PartialShape in = input_shape(ctx, 0);
  const auto multiples = const_ints(ctx, 1);
  if (!multiples) {
    if (in.known_rank()) return {unknown_dims(in.rank())};
    return {PartialShape::unknown()};
  }
  if (in.known_rank() && in.rank() != static_cast<int>(multiples->size()))
    throw ctx.error("multiples has length " + std::to_string(multiples->size()) + " for an input of rank " +
                    std::to_string(in.rank()));
  Dims out;
  for (size_t k = 0; k < multiples->size(); ++k) {
    const int64_t m = (*multiples)[k];
    if (m < 0) throw ctx.error("multiples must be non-negative");
    const int64_t d = in.known_rank() ? in.dim(static_cast<int>(k)) : -1;
    int64_t prod = -1;
    if (m == 0) prod = 0;
    else if (d >= 0 && __builtin_mul_overflow(d, m, &prod)) throw ctx.error("tiled dimension overflows int64");
    out.push_back(prod);
  }
  return {PartialShape(out)};
}

// ---- Pad, PadV2, MirrorPad ----

struct Padding {
  Dims before, after, out_dims;
};

Padding read_paddings(const OpContext& ctx, const Tensor& in, const Tensor& paddings) {
  if (!dtype_is_integer(paddings.dtype())) throw ctx.error("paddings must be int32 or int64, got " + paddings.summary());
  if (paddings.rank() != 2 || paddings.shape().dim(1) != 2 || paddings.shape().dim(0) != in.rank())
    throw ctx.error("paddings must be a matrix of shape [" + std::to_string(in.rank()) + ",2], got " +
                    paddings.shape().to_string());
  Padding p;
  const Dims v = paddings.to_int64_vector();
  for (int k = 0; k < in.rank(); ++k) {
    const int64_t b = v[static_cast<size_t>(2 * k)], a = v[static_cast<size_t>(2 * k + 1)];
    if (b < 0 || a < 0)
      throw ctx.error("paddings must be non-negative: " + std::to_string(b) + " " + std::to_string(a));
    int64_t d;
    if (__builtin_add_overflow(in.shape().dim(k), b, &d) || __builtin_add_overflow(d, a, &d))
      throw ctx.error("padded dimension overflows int64");
    p.before.push_back(b);
    p.after.push_back(a);
    p.out_dims.push_back(d);
  }
  return p;
}

// Output 0: the input copied into the interior of an output filled by `fill`
// (or zeros / "").
Tensor& pad_constant(OpContext& ctx, const Tensor& in, const Padding& p, const Tensor* fill) {
  require_movable(ctx, in, "input");
  Tensor& out = allocate_output(ctx, 0, in.dtype(), p.out_dims);
  if (fill) fill_with(out, *fill);
  else if (in.dtype() != DType::String) std::memset(out.raw_data(), 0, out.byte_size());  // may be reused memory
  const Dims out_strides = row_major_strides(p.out_dims);
  int64_t offset = 0;
  for (size_t k = 0; k < p.before.size(); ++k) offset += p.before[k] * out_strides[k];
  copy_into(in, out, offset, out_strides);
  return out;
}

void pad_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  pad_constant(ctx, in, read_paddings(ctx, in, ctx.input(1)), nullptr);
}

void pad_v2_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  const Tensor& value = ctx.input(2);
  require_scalar(ctx, value, "constant_values");
  if (value.dtype() != in.dtype())
    throw ctx.error("constant_values is " + dtype_name(value.dtype()) + ", input is " + dtype_name(in.dtype()));
  pad_constant(ctx, in, read_paddings(ctx, in, ctx.input(1)), &value);
}

// MirrorPad: the interior is the input; then, one axis at a time, each pad
// band is a reversed strided copy of the band next to the edge (REFLECT skips
// the edge element, SYMMETRIC repeats it). Axis k's bands span the full output
// along axes < k (already padded) and the interior along axes > k.
void mirror_pad_kernel(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  const std::string mode = ctx.node().attr_string("mode");
  if (mode != "REFLECT" && mode != "SYMMETRIC") throw ctx.error("mode must be REFLECT or SYMMETRIC, got " + mode);
  const int64_t offset = mode == "REFLECT" ? 1 : 0;
  const Padding p = read_paddings(ctx, in, ctx.input(1));
  for (int k = 0; k < in.rank(); ++k) {
    const int64_t d = in.shape().dim(k), limit = d - offset;
    if (p.before[static_cast<size_t>(k)] > limit || p.after[static_cast<size_t>(k)] > limit)
      throw ctx.error("paddings " + std::to_string(p.before[static_cast<size_t>(k)]) + ", " +
                      std::to_string(p.after[static_cast<size_t>(k)]) + " of dimension " + std::to_string(k) +
                      " must be at most " + std::to_string(limit) + " in " + mode + " mode");
  }
  Tensor& out = pad_constant(ctx, in, p, nullptr);
  const Dims strides = row_major_strides(p.out_dims);
  const size_t rank = p.out_dims.size();
  for (size_t k = 0; k < rank; ++k) {
    // The box of this band: full extent before k, interior after k.
    CopyRegion band;
    band.dims = p.out_dims;
    int64_t base = 0;
    for (size_t j = k + 1; j < rank; ++j) {
      band.dims[j] = in.shape().dim(static_cast<int>(j));
      base += p.before[j] * strides[j];
    }
    band.src_strides = band.dst_strides = strides;
    band.src_strides[k] = -strides[k];
    const int64_t b = p.before[k], n = in.shape().dim(static_cast<int>(k));
    // Before band: out[i] = out[2b - 1 + offset - i] for i in [0, b).
    CopyRegion before = band;
    before.dims[k] = b;
    before.dst_offset = base;
    before.src_offset = base + (2 * b - 1 + offset) * strides[k];
    if (b > 0) copy_region(out, out, std::move(before));
    // After band: out[b + n + i] = out[b + n - 1 - offset - i] for i in [0, a).
    CopyRegion after = band;
    after.dims[k] = p.after[k];
    after.dst_offset = base + (b + n) * strides[k];
    after.src_offset = base + (b + n - 1 - offset) * strides[k];
    if (p.after[k] > 0) copy_region(out, out, std::move(after));
  }
}

std::vector<PartialShape> pad_shapes(const ShapeContext& ctx) {
  const PartialShape in = input_shape(ctx, 0);
  const Tensor* paddings = input_value(ctx, 1);
  if (!paddings || !dtype_is_integer(paddings->dtype()) || paddings->rank() != 2) {
    if (in.known_rank()) return {unknown_dims(in.rank())};
    const PartialShape ps = input_shape(ctx, 1);
    if (ps.known_rank() && ps.rank() == 2 && ps.dim(0) >= 0) return {unknown_dims(static_cast<int>(ps.dim(0)))};
    return {PartialShape::unknown()};
  }
  const int rank = static_cast<int>(paddings->shape().dim(0));
  if (paddings->shape().dim(1) != 2 || (in.known_rank() && in.rank() != rank))
    throw ctx.error("paddings must be a matrix of shape [rank,2], got " + paddings->shape().to_string());
  const Dims v = paddings->to_int64_vector();
  Dims out;
  for (int k = 0; k < rank; ++k) {
    const int64_t b = v[static_cast<size_t>(2 * k)], a = v[static_cast<size_t>(2 * k + 1)];
    if (b < 0 || a < 0) throw ctx.error("paddings must be non-negative");
    const int64_t d = in.known_rank() ? in.dim(k) : -1;
    out.push_back(d < 0 ? -1 : d + b + a);
  }
  return {PartialShape(out)};
}

}  // namespace

void register_array_transform_ops(OpRegistry& r) {
  add_op(r, "Transpose", transpose_kernel, transpose_shapes);
  add_op(r, "Tile", tile_kernel, tile_shapes);
  add_op(r, "Pad", pad_kernel, pad_shapes);
  add_op(r, "PadV2", pad_v2_kernel, pad_shapes);
  add_op(r, "MirrorPad", mirror_pad_kernel, pad_shapes, nullptr, {{"mode", "string"}});
}

}  // namespace frost::array_ops
