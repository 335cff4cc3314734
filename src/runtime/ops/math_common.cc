#include "runtime/ops/math_common.h"

namespace frost::ops {

Tensor cast_tensor(const Tensor& t, DType to) {
  Tensor out(to, t.shape());
  kernels::cast_reference(t.dtype(), t.raw_data(), to, out.raw_data(), t.num_elements(), false);
  return out;
}

void require_num_inputs(const OpContext& ctx, int n) {
  if (ctx.num_inputs() != n)
    throw ctx.error("expects " + std::to_string(n) + " inputs, got " + std::to_string(ctx.num_inputs()));
}

void require_same_dtype(const OpContext& ctx, const Tensor& a, const Tensor& b, const char* what_a,
                        const char* what_b) {
  if (a.dtype() != b.dtype())
    throw ctx.error(std::string("inputs must have the same dtype, got ") + what_a + " " + dtype_name(a.dtype()) +
                    " and " + what_b + " " + dtype_name(b.dtype()));
}

float scalar_float(const OpContext& ctx, const Tensor& t, const std::string& what) {
  if (t.dtype() != DType::Float) throw ctx.error(what + " must be float, got " + dtype_name(t.dtype()));
  if (t.num_elements() != 1) throw ctx.error(what + " must be a scalar, got shape " + t.shape().to_string());
  return t.data<float>()[0];
}

Shape broadcast_all(const OpContext& ctx, std::initializer_list<const Shape*> shapes) {
  Shape out = **shapes.begin();
  for (const Shape* s : shapes) {
    try {
      out = broadcast_shapes(out, *s);
    } catch (const Error&) {
      std::string list;
      for (const Shape* t : shapes) list += (list.empty() ? "" : " and ") + t->to_string();
      throw ctx.error("incompatible shapes for broadcasting: " + list);
    }
  }
  return out;
}

kernels::Broadcast plan_broadcast_or_throw(const OpContext& ctx, const Shape& out,
                                           std::initializer_list<const Shape*> inputs) {
  std::vector<std::span<const int64_t>> dims;
  for (const Shape* s : inputs) dims.emplace_back(s->dims());
  kernels::Broadcast plan;
  if (!kernels::plan_broadcast(out.dims(), dims, &plan))
    throw ctx.error("broadcasting to " + out.to_string() + " needs more than " +
                    std::to_string(kernels::kMaxBroadcastRank) + " distinct dimensions");
  return plan;
}

std::function<void(OpContext&)> with_node_context(std::function<void(OpContext&)> f) {
  return [f = std::move(f)](OpContext& ctx) {
    try {
      f(ctx);
    } catch (Error& e) {
      e.node(ctx.node().name).op(ctx.node().op);
      throw;
    }
  };
}

std::function<std::vector<PartialShape>(const ShapeContext&)> with_node_context(
    std::function<std::vector<PartialShape>(const ShapeContext&)> f) {
  return [f = std::move(f)](const ShapeContext& ctx) {
    try {
      return f(ctx);
    } catch (Error& e) {
      e.node(ctx.node.name).op(ctx.node.op);
      throw;
    }
  };
}

std::vector<PartialShape> infer_broadcast(const ShapeContext& ctx) {
  if (ctx.input_shapes.empty()) return {PartialShape::unknown()};
  PartialShape out = ctx.input_shapes[0];
  for (const PartialShape& s : ctx.input_shapes) {
    try {
      out = broadcast_shapes(out, s);
    } catch (const Error&) {
      throw ctx.error("incompatible shapes for broadcasting: " + out.to_string() + " and " + s.to_string());
    }
  }
  return {out};
}

// Shapes that must be equal: known dimensions of one fill unknown ones of another.
std::vector<PartialShape> infer_same_shape(const ShapeContext& ctx) {
  PartialShape out;
  for (const PartialShape& s : ctx.input_shapes) {
    if (!s.known_rank()) continue;
    if (!out.known_rank()) {
      out = s;
      continue;
    }
    if (s.rank() != out.rank())
      throw ctx.error("inputs must have the same shape, got " + out.to_string() + " and " + s.to_string());
    std::vector<int64_t> dims = out.dims();
    for (int i = 0; i < s.rank(); ++i) {
      const int64_t a = dims[static_cast<size_t>(i)], b = s.dim(i);
      if (a >= 0 && b >= 0 && a != b)
        throw ctx.error("inputs must have the same shape, got " + out.to_string() + " and " + s.to_string());
      if (a < 0) dims[static_cast<size_t>(i)] = b;
    }
    out = PartialShape(std::move(dims));
  }
  return {out};
}

}  // namespace frost::ops
