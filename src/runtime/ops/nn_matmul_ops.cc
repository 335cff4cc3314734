// Matrix products: MatMul (transpose_a/b), BatchMatMul (equal batch
// dimensions), BatchMatMulV2/V3 (broadcast batch dimensions), adj_x/adj_y.
// float32 only: every product goes through kernels::gemm_reference.
#include "kernels/batch_matmul.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

// ---- MatMul --------------------------------------------------------------

std::vector<PartialShape> matmul_shape(const ShapeContext& ctx) {
  const PartialShape a = nn::input_shape(ctx, 0), b = nn::input_shape(ctx, 1);
  for (const PartialShape* s : {&a, &b})
    if (s->known_rank() && s->rank() != 2) throw ctx.error("operands must be 2-D, got shape " + s->to_string());
  const bool ta = ctx.node.attr_bool_or("transpose_a", false), tb = ctx.node.attr_bool_or("transpose_b", false);
  const int64_t m = a.known_rank() ? a.dim(ta ? 1 : 0) : -1;
  const int64_t ka = a.known_rank() ? a.dim(ta ? 0 : 1) : -1;
  const int64_t kb = b.known_rank() ? b.dim(tb ? 1 : 0) : -1;
  const int64_t n = b.known_rank() ? b.dim(tb ? 0 : 1) : -1;
  if (ka >= 0 && kb >= 0 && ka != kb)
    throw ctx.error("inner dimensions differ: " + a.to_string() + " and " + b.to_string());
  return {PartialShape{m, n}};
}

void check_float32(const OpContext& ctx, const Tensor& t, const std::string& what) {
  if (t.dtype() != DType::Float)
    throw ctx.error(what + " has dtype " + dtype_name(t.dtype()) + ", only float is supported");
}

void matmul(OpContext& ctx) {
  nn::check_num_inputs(ctx, 2);
  const Tensor &a = ctx.input(0), &b = ctx.input(1);
  check_float32(ctx, a, "a");
  check_float32(ctx, b, "b");
  if (a.rank() != 2 || b.rank() != 2)
    throw ctx.error("operands must be 2-D, got shapes " + a.shape().to_string() + " and " + b.shape().to_string());
  const bool ta = ctx.node().attr_bool_or("transpose_a", false), tb = ctx.node().attr_bool_or("transpose_b", false);
  kernels::BatchMatMulParams p;
  p.adj_x = ta;
  p.adj_y = tb;
  p.m = a.shape()[ta ? 1 : 0];
  p.k = a.shape()[ta ? 0 : 1];
  p.n = b.shape()[tb ? 0 : 1];
  if (b.shape()[tb ? 1 : 0] != p.k)
    throw ctx.error("inner dimensions differ: " + a.shape().to_string() + (ta ? " (transposed)" : "") + " and " +
                    b.shape().to_string() + (tb ? " (transposed)" : ""));
  Tensor out(DType::Float, Shape{p.m, p.n});
  kernels::batch_matmul_reference(p, a.data<float>(), b.data<float>(), out.data<float>());
  ctx.set_output(0, out);
}

// ---- BatchMatMul, V2, V3 -------------------------------------------------

// Batch dimensions of the result: equal ones (V1) or numpy-broadcast (V2, V3).
PartialShape batch_dims_partial(const ShapeContext& ctx, const PartialShape& x, const PartialShape& y, bool broadcast) {
  const PartialShape xb(std::vector<int64_t>(x.dims().begin(), x.dims().end() - 2));
  const PartialShape yb(std::vector<int64_t>(y.dims().begin(), y.dims().end() - 2));
  if (broadcast) {
    try {
      return broadcast_shapes(xb, yb);
    } catch (Error& e) {
      throw ctx.error("batch dimensions cannot be broadcast: " + x.to_string() + " and " + y.to_string());
    }
  }
  if (xb.rank() != yb.rank()) throw ctx.error("batch dimensions differ: " + x.to_string() + " and " + y.to_string());
  std::vector<int64_t> out(xb.dims());
  for (int i = 0; i < xb.rank(); ++i) {
    const int64_t dx = xb.dim(i), dy = yb.dim(i);
    if (dx >= 0 && dy >= 0 && dx != dy)
      throw ctx.error("batch dimensions differ: " + x.to_string() + " and " + y.to_string());
    out[static_cast<size_t>(i)] = dx >= 0 ? dx : dy;
  }
  return PartialShape(out);
}

std::vector<PartialShape> batch_matmul_shape(const ShapeContext& ctx, bool broadcast) {
  const PartialShape x = nn::input_shape(ctx, 0), y = nn::input_shape(ctx, 1);
  for (const PartialShape* s : {&x, &y})
    if (s->known_rank() && s->rank() < 2) throw ctx.error("operands must be at least 2-D, got shape " + s->to_string());
  if (!x.known_rank() || !y.known_rank()) return {PartialShape::unknown()};
  const bool adj_x = ctx.node.attr_bool_or("adj_x", false), adj_y = ctx.node.attr_bool_or("adj_y", false);
  const int rx = x.rank(), ry = y.rank();
  const int64_t m = x.dim(adj_x ? rx - 1 : rx - 2), kx = x.dim(adj_x ? rx - 2 : rx - 1);
  const int64_t ky = y.dim(adj_y ? ry - 1 : ry - 2), n = y.dim(adj_y ? ry - 2 : ry - 1);
  if (kx >= 0 && ky >= 0 && kx != ky)
    throw ctx.error("inner dimensions differ: " + x.to_string() + " and " + y.to_string());
  std::vector<int64_t> out = batch_dims_partial(ctx, x, y, broadcast).dims();
  out.push_back(m);
  out.push_back(n);
  return {PartialShape(out)};
}

void batch_matmul(OpContext& ctx, bool broadcast) {
  nn::check_num_inputs(ctx, 2);
  const Tensor &x = ctx.input(0), &y = ctx.input(1);
  check_float32(ctx, x, "x");
  check_float32(ctx, y, "y");
  if (ctx.node().attr_type_or("Tout", DType::Float) != DType::Float)  // BatchMatMulV3
    throw ctx.error("Tout " + dtype_name(ctx.node().attr_type("Tout")) + " is not supported, only float");
  if (x.rank() < 2 || y.rank() < 2)
    throw ctx.error("operands must be at least 2-D, got shapes " + x.shape().to_string() + " and " +
                    y.shape().to_string());
  const bool adj_x = ctx.node().attr_bool_or("adj_x", false), adj_y = ctx.node().attr_bool_or("adj_y", false);
  const int rx = x.rank(), ry = y.rank();
  kernels::BatchMatMulParams p;
  p.adj_x = adj_x;
  p.adj_y = adj_y;
  p.m = x.shape()[adj_x ? rx - 1 : rx - 2];
  p.k = x.shape()[adj_x ? rx - 2 : rx - 1];
  p.n = y.shape()[adj_y ? ry - 2 : ry - 1];
  if (y.shape()[adj_y ? ry - 1 : ry - 2] != p.k)
    throw ctx.error("inner dimensions differ: " + x.shape().to_string() + " and " + y.shape().to_string());

  const Shape xb(std::vector<int64_t>(x.shape().dims().begin(), x.shape().dims().end() - 2));
  const Shape yb(std::vector<int64_t>(y.shape().dims().begin(), y.shape().dims().end() - 2));
  Shape ob;
  if (broadcast) {
    try {
      ob = broadcast_shapes(xb, yb);
    } catch (Error&) {
      throw ctx.error("batch dimensions cannot be broadcast: " + x.shape().to_string() + " and " +
                      y.shape().to_string());
    }
  } else {
    if (xb != yb)
      throw ctx.error("batch dimensions differ: " + x.shape().to_string() + " and " + y.shape().to_string());
    ob = xb;
  }
  // Operand batch dimensions aligned to the output's, padded with leading 1s.
  const auto align = [&](const Shape& s) {
    std::vector<int64_t> v(static_cast<size_t>(ob.rank() - s.rank()), 1);
    v.insert(v.end(), s.dims().begin(), s.dims().end());
    return v;
  };
  p.out_batch = ob.dims();
  p.x_batch = align(xb);
  p.y_batch = align(yb);

  std::vector<int64_t> out_dims = ob.dims();
  out_dims.push_back(p.m);
  out_dims.push_back(p.n);
  Tensor out(DType::Float, Shape(out_dims));
  kernels::batch_matmul_reference(p, x.data<float>(), y.data<float>(), out.data<float>());
  ctx.set_output(0, out);
}

}  // namespace

void register_nn_matmul_ops(OpRegistry& r) {
  r.add({.name = "MatMul", .infer_shapes = matmul_shape, .reference = matmul, .required_attrs = {}});
  r.add({.name = "BatchMatMul",
         .infer_shapes = [](const ShapeContext& c) { return batch_matmul_shape(c, false); },
         .reference = [](OpContext& c) { batch_matmul(c, false); },
         .required_attrs = {}});
  for (const char* name : {"BatchMatMulV2", "BatchMatMulV3"})
    r.add({.name = name,
           .infer_shapes = [](const ShapeContext& c) { return batch_matmul_shape(c, true); },
           .reference = [](OpContext& c) { batch_matmul(c, true); },
           .required_attrs = {}});
}

}  // namespace frost
