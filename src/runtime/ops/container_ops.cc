// TensorArray (TF1 while loops: dynamic_rnn, Keras RNNs) and TensorList (TF2
// lowered loops) ops. A TensorArray is a resource: its handle tensor shares one
// mutable array of elements, and the "flow" scalar only orders the accesses.
// A TensorList is a value: SetItem returns a new list (elements are shared, not
// copied), or writes in place a list nothing else holds.
#include <cstring>

#include "graph/op_registry.h"

namespace frost {

namespace {

struct ElementArray : OpaquePayload {
  std::vector<Tensor> elements;
  DType dtype = DType::Float;
  PartialShape element_shape;  // what the graph declared
  bool dynamic_size = false;
};

// The array behind a TensorArray handle or a TensorList value.
ElementArray& array_of(const OpContext& ctx, int input) {
  const Tensor& h = ctx.input(input);
  auto* a = dynamic_cast<ElementArray*>(h.payload().get());
  if (!a) throw ctx.error("input " + std::to_string(input) + " is not a TensorArray/TensorList handle");
  return *a;
}

Tensor handle_for(std::shared_ptr<ElementArray> array, DType handle_type) {
  Tensor t(handle_type, Shape{});
  t.payload() = std::move(array);
  return t;
}

int64_t checked_index(const OpContext& ctx, const ElementArray& a, int64_t index, bool growing) {
  if (index < 0) throw ctx.error("index " + std::to_string(index) + " is negative");
  if (index >= static_cast<int64_t>(a.elements.size()) && !growing)
    throw ctx.error("index " + std::to_string(index) + " is out of range for size " +
                    std::to_string(a.elements.size()));
  return index;
}

// Element i, or zeros of the element shape when it was never written (as TF
// does for arrays with a known element shape).
Tensor element_or_zeros(const OpContext& ctx, const ElementArray& a, size_t i, const PartialShape& hint) {
  if (a.elements[i].valid()) return a.elements[i];
  for (const Tensor& e : a.elements)
    if (e.valid()) return Tensor(a.dtype, e.shape());
  if (hint.fully_known()) return Tensor(a.dtype, hint.to_shape());
  if (a.element_shape.fully_known()) return Tensor(a.dtype, a.element_shape.to_shape());
  throw ctx.error("element " + std::to_string(i) + " was never written and its shape is unknown");
}

// Stacks elements [indices] along a new first axis.
Tensor stack(const OpContext& ctx, const ElementArray& a, const std::vector<int64_t>& indices, const PartialShape& hint) {
  std::vector<Tensor> parts;
  for (int64_t i : indices) parts.push_back(element_or_zeros(ctx, a, static_cast<size_t>(checked_index(ctx, a, i, false)), hint));
  Shape element = parts.empty() ? (hint.fully_known() ? hint.to_shape() : a.element_shape.fully_known()
                                                                              ? a.element_shape.to_shape()
                                                                              : Shape{0})
                                : parts[0].shape();
  std::vector<int64_t> dims{static_cast<int64_t>(parts.size())};
  dims.insert(dims.end(), element.dims().begin(), element.dims().end());
  Tensor out(a.dtype, Shape(dims));
  const size_t bytes = static_cast<size_t>(element.num_elements()) * dtype_size(a.dtype);
  for (size_t k = 0; k < parts.size(); ++k) {
    if (parts[k].shape() != element)
      throw ctx.error("elements have different shapes: " + element.to_string() + " and " + parts[k].shape().to_string());
    if (bytes) std::memcpy(static_cast<char*>(out.raw_data()) + k * bytes, parts[k].raw_data(), bytes);
  }
  return out;
}

// Splits `value` along its first axis into elements written at `indices`.
void scatter(const OpContext& ctx, ElementArray& a, const std::vector<int64_t>& indices, const Tensor& value) {
  if (value.rank() < 1 || value.shape().dim(0) != static_cast<int64_t>(indices.size()))
    throw ctx.error("value of shape " + value.shape().to_string() + " does not have " +
                    std::to_string(indices.size()) + " rows");
  std::vector<int64_t> dims(value.shape().dims().begin() + 1, value.shape().dims().end());
  const Shape element(dims);
  const size_t bytes = static_cast<size_t>(element.num_elements()) * dtype_size(value.dtype());
  for (size_t k = 0; k < indices.size(); ++k) {
    const int64_t i = checked_index(ctx, a, indices[k], a.dynamic_size);
    if (i >= static_cast<int64_t>(a.elements.size())) a.elements.resize(static_cast<size_t>(i + 1));
    Tensor e(value.dtype(), element);
    if (bytes) std::memcpy(e.raw_data(), static_cast<const char*>(value.raw_data()) + k * bytes, bytes);
    a.elements[static_cast<size_t>(i)] = e;
  }
}

Tensor flow_out() { return Tensor::scalar<float>(0.0f); }

PartialShape shape_attr_or_unknown(const Node& n, const char* key) {
  return n.has_attr(key) && n.attr(key).is<PartialShape>() ? n.attr(key).shape() : PartialShape::unknown();
}

// Element shape given as a tensor input (TensorList ops): -1 entries unknown; a scalar -1 means unknown rank.
PartialShape shape_from_tensor(const Tensor& t) {
  if (t.rank() == 0) return PartialShape::unknown();
  std::vector<int64_t> dims = t.to_int64_vector();
  return PartialShape(dims);
}

// --- TensorArray (V3) ---

void tensor_array(OpContext& ctx) {
  auto a = std::make_shared<ElementArray>();
  a->dtype = ctx.node().attr_type("dtype");
  a->element_shape = shape_attr_or_unknown(ctx.node(), "element_shape");
  a->dynamic_size = ctx.node().attr_bool_or("dynamic_size", false);
  const int64_t size = ctx.input(0).as_int64(0);
  if (size < 0 || size > (int64_t{1} << 24)) throw ctx.error("size " + std::to_string(size) + " is out of range");
  a->elements.resize(static_cast<size_t>(size));
  ctx.set_output(0, handle_for(a, DType::Resource));
  ctx.set_output(1, flow_out());
}

void tensor_array_write(OpContext& ctx) {
  ElementArray& a = array_of(ctx, 0);
  const int64_t i = checked_index(ctx, a, ctx.input(1).as_int64(0), a.dynamic_size);
  if (i >= static_cast<int64_t>(a.elements.size())) a.elements.resize(static_cast<size_t>(i + 1));
  if (ctx.input(2).dtype() != a.dtype) throw ctx.error("value dtype differs from the array's " + dtype_name(a.dtype));
  a.elements[static_cast<size_t>(i)] = ctx.input(2);
  ctx.set_output(0, flow_out());
}

void tensor_array_read(OpContext& ctx) {
  const ElementArray& a = array_of(ctx, 0);
  const auto i = static_cast<size_t>(checked_index(ctx, a, ctx.input(1).as_int64(0), false));
  ctx.set_output(0, element_or_zeros(ctx, a, i, PartialShape::unknown()));
}

void tensor_array_gather(OpContext& ctx) {
  ctx.set_output(0, stack(ctx, array_of(ctx, 0), ctx.input(1).to_int64_vector(),
                          shape_attr_or_unknown(ctx.node(), "element_shape")));
}

void tensor_array_scatter(OpContext& ctx) {
  scatter(ctx, array_of(ctx, 0), ctx.input(1).to_int64_vector(), ctx.input(2));
  ctx.set_output(0, flow_out());
}

void tensor_array_size(OpContext& ctx) {
  ctx.set_output(0, Tensor::scalar<int32_t>(static_cast<int32_t>(array_of(ctx, 0).elements.size())));
}

// --- TensorList ---

std::shared_ptr<ElementArray> new_list(const OpContext& ctx, const PartialShape& element_shape) {
  auto a = std::make_shared<ElementArray>();
  a->dtype = ctx.node().attr_type("element_dtype");
  a->element_shape = element_shape;
  return a;
}

void tensor_list_reserve(OpContext& ctx) {
  auto a = new_list(ctx, shape_from_tensor(ctx.input(0)));
  const int64_t n = ctx.input(1).as_int64(0);
  if (n < 0 || n > (int64_t{1} << 24)) throw ctx.error("num_elements " + std::to_string(n) + " is out of range");
  a->elements.resize(static_cast<size_t>(n));
  ctx.set_output(0, handle_for(a, DType::Variant));
}

void tensor_list_from_tensor(OpContext& ctx) {
  auto a = new_list(ctx, shape_from_tensor(ctx.input(1)));
  const Tensor& t = ctx.input(0);
  if (t.rank() < 1) throw ctx.error("tensor must have rank >= 1");
  a->elements.resize(static_cast<size_t>(t.shape().dim(0)));
  std::vector<int64_t> all(a->elements.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
  scatter(ctx, *a, all, t);
  ctx.set_output(0, handle_for(a, DType::Variant));
}

void tensor_list_get_item(OpContext& ctx) {
  const ElementArray& a = array_of(ctx, 0);
  const auto i = static_cast<size_t>(checked_index(ctx, a, ctx.input(1).as_int64(0), false));
  ctx.set_output(0, element_or_zeros(ctx, a, i, shape_from_tensor(ctx.input(2))));
}

// Value semantics: the result is a new list, the input unchanged. When no
// other tensor holds the input list (a loop program hands a list to its last
// reader by move, loop_program.h), nothing can see the input afterwards, so
// the list is written in place: one element, not a copy of all per step.
void tensor_list_set_item(OpContext& ctx) {
  const Tensor& list = ctx.input(0);
  ElementArray& a = array_of(ctx, 0);
  const auto i = static_cast<size_t>(checked_index(ctx, a, ctx.input(1).as_int64(0), false));
  if (list.payload().use_count() == 1) {
    a.elements[i] = ctx.input(2);
    ctx.set_output(0, list);
    return;
  }
  auto copy = std::make_shared<ElementArray>(a);
  copy->elements[i] = ctx.input(2);
  ctx.set_output(0, handle_for(copy, DType::Variant));
}

void tensor_list_stack(OpContext& ctx) {
  const ElementArray& a = array_of(ctx, 0);
  std::vector<int64_t> all(a.elements.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
  ctx.set_output(0, stack(ctx, a, all, shape_from_tensor(ctx.input(1))));
}

void tensor_list_length(OpContext& ctx) {
  ctx.set_output(0, Tensor::scalar<int32_t>(static_cast<int32_t>(array_of(ctx, 0).elements.size())));
}

std::vector<PartialShape> scalar_shape(const ShapeContext&) { return {PartialShape{}}; }
std::vector<PartialShape> handle_and_flow(const ShapeContext&) { return {PartialShape{}, PartialShape{}}; }

}  // namespace

void register_container_ops(OpRegistry& r) {
  const auto two = [](const Node&) { return 2; };
  const auto none = [](const Node&) { return 0; };
  r.add({.name = "TensorArrayV3", .num_outputs = two, .infer_shapes = handle_and_flow, .reference = tensor_array,
         .required_attrs = {{"dtype", "type"}}});
  r.add({.name = "TensorArrayWriteV3", .infer_shapes = scalar_shape, .reference = tensor_array_write});
  r.add({.name = "TensorArrayReadV3", .reference = tensor_array_read, .required_attrs = {{"dtype", "type"}}});
  r.add({.name = "TensorArrayGatherV3", .reference = tensor_array_gather, .required_attrs = {{"dtype", "type"}}});
  r.add({.name = "TensorArrayScatterV3", .infer_shapes = scalar_shape, .reference = tensor_array_scatter});
  r.add({.name = "TensorArraySizeV3", .infer_shapes = scalar_shape, .reference = tensor_array_size});
  r.add({.name = "TensorArrayCloseV3", .num_outputs = none,
         .infer_shapes = [](const ShapeContext&) { return std::vector<PartialShape>{}; },
         .reference = [](OpContext&) {}});
  r.add({.name = "TensorListReserve", .infer_shapes = scalar_shape, .reference = tensor_list_reserve,
         .required_attrs = {{"element_dtype", "type"}}});
  r.add({.name = "TensorListFromTensor", .infer_shapes = scalar_shape, .reference = tensor_list_from_tensor,
         .required_attrs = {{"element_dtype", "type"}}});
  r.add({.name = "TensorListGetItem", .reference = tensor_list_get_item});
  r.add({.name = "TensorListSetItem", .infer_shapes = scalar_shape, .reference = tensor_list_set_item});
  r.add({.name = "TensorListStack", .reference = tensor_list_stack});
  r.add({.name = "TensorListLength", .infer_shapes = scalar_shape, .reference = tensor_list_length});
}

}  // namespace frost
