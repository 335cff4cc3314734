#include "runtime/plan_constants.h"

#include "graph/value_flow.h"

namespace frost {

namespace {

bool numeric(DType t) { return t != DType::String && t != DType::Resource && t != DType::Variant; }

}  // namespace

void PlanConstants::add_feed(const NodeTrace::Value& fed) {
  constants_.emplace_back();
  shapes_.emplace_back(fed.shape);  // a plan serves feeds of the shapes it was built with
}

const Tensor* PlanConstants::constant(int v) const {
  const auto i = static_cast<size_t>(v);
  return i < constants_.size() && constants_[i].valid() ? &constants_[i] : nullptr;
}

std::optional<std::vector<Tensor>> PlanConstants::add_node(const NodeTrace& t, const std::vector<int>& inputs) {
  const std::size_t first = constants_.size();
  const std::string& op = t.node->op;
  bool all_constant = true, all_static = true;
  for (const int v : inputs) {
    all_constant = all_constant && constants_[static_cast<size_t>(v)].valid();
    all_static = all_static && shapes_[static_cast<size_t>(v)].has_value();
  }
  std::optional<std::vector<Tensor>> values;
  if (op == "Const" && inputs.empty())
    values = evaluate(t, inputs, false);
  else if (!inputs.empty() && t.kernel && !varies_between_runs(op) && (all_constant || (all_static && reads_shape_only(op))))
    values = evaluate(t, inputs, !all_constant);
  constants_.resize(first + t.outputs.size());
  shapes_.resize(first + t.outputs.size());
  if (values) {
    for (size_t j = 0; j < values->size(); ++j) {
      constants_[first + j] = (*values)[j];
      shapes_[first + j] = (*values)[j].shape();
    }
    return values;
  }
  add_static_shapes(t, inputs, first);
  return std::nullopt;
}

// Runs the node's kernel on the constant inputs; with `shapes_only` the
// non-constant inputs are storage-less tensors of their static shapes (the
// op reads only shapes).
std::optional<std::vector<Tensor>> PlanConstants::evaluate(const NodeTrace& t, const std::vector<int>& inputs,
                                                           bool shapes_only) {
  if (!t.kernel) return std::nullopt;
  const bool is_const = t.node->op == "Const";
  std::vector<Tensor> in, out(t.outputs.size());
  try {
    for (size_t k = 0; k < inputs.size(); ++k) {
      const auto v = static_cast<size_t>(inputs[k]);
      if (constants_[v].valid()) in.push_back(constants_[v]);
      else if (shapes_only && k < t.inputs.size()) in.push_back(Tensor::view(t.inputs[k].dtype, *shapes_[v], nullptr));
      else return std::nullopt;
    }
    OpContext ctx(*t.node, in, out);
    t.kernel(ctx);
  } catch (const std::exception&) {
    return std::nullopt;  // the run computes it (and reports any error)
  }
  std::size_t bytes = 0;
  for (size_t j = 0; j < out.size(); ++j) {
    const Tensor& o = out[j];
    if (!o.valid() || o.dtype() != t.outputs[j].dtype || o.shape() != t.outputs[j].shape) return std::nullopt;
    if (is_const) continue;
    if (!numeric(o.dtype())) return std::nullopt;
    bytes += o.byte_size();
  }
  if (held_ + bytes > budget_) return std::nullopt;
  held_ += bytes;
  return out;
}

// Marks the outputs whose shapes follow from static input shapes and
// constant input values alone: the op's shape function, given only those,
// gives the full shape the trace saw.
void PlanConstants::add_static_shapes(const NodeTrace& t, const std::vector<int>& inputs, std::size_t first) {
  const OpDef* def = OpRegistry::global().find(t.node->op);
  if (!def || !def->infer_shapes) return;
  ShapeContext sc{*t.node, {}, {}};
  for (const int v : inputs) {
    const auto i = static_cast<size_t>(v);
    sc.input_shapes.push_back(shapes_[i] ? PartialShape(*shapes_[i]) : PartialShape::unknown());
    sc.input_values.push_back(constants_[i].valid() ? &constants_[i] : nullptr);
  }
  std::vector<PartialShape> shapes;
  try {
    shapes = def->infer_shapes(sc);
  } catch (const std::exception&) {
    return;
  }
  for (size_t j = 0; j < t.outputs.size() && j < shapes.size(); ++j)
    if (shapes[j].fully_known() && shapes[j].to_shape() == t.outputs[j].shape) shapes_[first + j] = t.outputs[j].shape;
}

}  // namespace frost
