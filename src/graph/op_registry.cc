#include "graph/op_registry.h"

#include <algorithm>

namespace frost {

void OpContext::throw_missing_input(int i) const {
  throw error("reads input " + std::to_string(i) + " but the node has " + std::to_string(inputs_.size()) + " input(s)");
}

Tensor& OpContext::allocate_output(int i, DType dtype, Shape shape) {
  const auto k = static_cast<size_t>(i);
  Tensor& out = outputs_.at(k);
  // The view takes `shape` itself: copying the planned view's shape would
  // cost a heap allocation per output per run.
  if (k < planned_.size() && planned_[k].valid() && planned_[k].dtype() == dtype && planned_[k].shape() == shape)
    out = planned_[k].elements_view(0, std::move(shape));
  else
    out = Tensor(dtype, std::move(shape));
  if (i < 64) allocated_ |= uint64_t{1} << i;
  return out;
}

void OpRegistry::add(OpDef def) {
  if (!def.infer_shapes) def.infer_shapes = shape_unknown;
  const std::string name = def.name;
  if (!ops_.emplace(name, std::move(def)).second) throw Error("op registered twice").op(name);
}

const OpDef* OpRegistry::find(std::string_view op) const {
  const auto it = ops_.find(std::string(op));
  return it == ops_.end() ? nullptr : &it->second;
}

std::vector<std::string> OpRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, def] : ops_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<PartialShape> shape_of_input0(const ShapeContext& ctx) {
  return {ctx.input_shapes.empty() ? PartialShape::unknown() : ctx.input_shapes[0]};
}

// One unknown shape; the inference driver pads it to the node's output count.
std::vector<PartialShape> shape_unknown(const ShapeContext&) { return {PartialShape::unknown()}; }

}  // namespace frost
