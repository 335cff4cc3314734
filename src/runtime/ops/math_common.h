// Helpers shared by the math, reduce and quant op adapters: dtype dispatch,
// input checks, broadcasting plans, and attaching the node to errors thrown
// below an adapter. Internal to src/runtime/ops.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "graph/op_registry.h"
#include "kernels/elementwise.h"

namespace frost::ops {

template <class T>
struct TypeTag {
  using type = T;
};

// Calls f(TypeTag<T>{}) for the types the element-wise templates are
// instantiated for (float, double, int8..int64, uint8..uint64); returns false
// for any other dtype.
template <class F>
bool dispatch_real(DType t, F&& f) {
  switch (t) {
    case DType::Float: f(TypeTag<float>{}); return true;
    case DType::Double: f(TypeTag<double>{}); return true;
    case DType::Int8: f(TypeTag<int8_t>{}); return true;
    case DType::Int16: f(TypeTag<int16_t>{}); return true;
    case DType::Int32: f(TypeTag<int32_t>{}); return true;
    case DType::Int64: f(TypeTag<int64_t>{}); return true;
    case DType::UInt8: f(TypeTag<uint8_t>{}); return true;
    case DType::UInt16: f(TypeTag<uint16_t>{}); return true;
    case DType::UInt32: f(TypeTag<uint32_t>{}); return true;
    case DType::UInt64: f(TypeTag<uint64_t>{}); return true;
    default: return false;
  }
}

// Half and bfloat16 are computed in float and rounded back.
inline bool is_16bit_float(DType t) { return t == DType::Half || t == DType::BFloat16; }

// Copy of t converted to dtype `to` (Cast semantics, no truncation).
Tensor cast_tensor(const Tensor& t, DType to);

void require_num_inputs(const OpContext& ctx, int n);
// Both tensors have the same dtype, else an error naming both.
void require_same_dtype(const OpContext& ctx, const Tensor& a, const Tensor& b, const char* what_a = "x",
                        const char* what_b = "y");
// A scalar float tensor's value (min_range etc.), else an error naming `what`.
float scalar_float(const OpContext& ctx, const Tensor& t, const std::string& what);

// Broadcast shape of the tensors, or an error naming the op and the shapes.
Shape broadcast_all(const OpContext& ctx, std::initializer_list<const Shape*> shapes);
// Plan for for_each_broadcast over `out`, or an error if it has too many dims.
kernels::Broadcast plan_broadcast_or_throw(const OpContext& ctx, const Shape& out,
                                           std::initializer_list<const Shape*> inputs);

// Wraps a kernel or shape function so that any frost::Error escaping it names
// the node and op (errors from Shape, Tensor and AttrValue have no context).
std::function<void(OpContext&)> with_node_context(std::function<void(OpContext&)> f);
std::function<std::vector<PartialShape>(const ShapeContext&)> with_node_context(
    std::function<std::vector<PartialShape>(const ShapeContext&)> f);

// Shape functions.
std::vector<PartialShape> infer_broadcast(const ShapeContext& ctx);  // all inputs broadcast
// All inputs must have one shape; known dims of one fill unknown dims of another.
std::vector<PartialShape> infer_same_shape(const ShapeContext& ctx);

}  // namespace frost::ops
