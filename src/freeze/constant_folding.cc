// Rule: a node whose data inputs all come from Consts computes the same value
// every run, so it is evaluated once with its reference kernel and replaced
// by a Const of the same name (fetches keep working). Never folded: inputs
// (placeholders), random and stateful ops, control flow, anything over the
// size cap (PassContext::max_folded_bytes), and nodes whose kernel rejects
// its inputs (left for the run to report).
// Shapes known statically fold too: Shape/Size/Rank of a tensor whose shape
// inference result is fully known, and slices/gathers of a Shape that only
// pick known dimensions (Keras Flatten's shape(x)[1:] with an unknown batch).

#include "freeze/passes.h"
#include "freeze/rewrite_util.h"
#include "graph/op_registry.h"
#include "graph/shape_inference.h"
#include "graph/value_flow.h"

namespace frost {

namespace {

// Const: already a constant; NoOp: no value.
bool never_fold(const std::string& op) { return op == "Const" || op == "NoOp" || varies_between_runs(op); }

}  // namespace

std::vector<Tensor> evaluate_node(const Node& n, const std::vector<Tensor>& inputs) {
  const OpDef* def = OpRegistry::global().find(n.op);
  if (!def) return {};
  try {
    std::vector<Tensor> outputs(static_cast<size_t>(def->num_outputs(n)));
    OpContext ctx(n, inputs, outputs);
    def->reference(ctx);
    for (const Tensor& t : outputs)
      if (!t.valid()) return {};
    return outputs;
  } catch (const std::exception&) {
    return {};
  }
}

namespace {

// A dimension value no real shape has, marking an unknown dimension.
constexpr int64_t kUnknownDimMark = -1000003;

// The value Shape(x) would have, with unknown dims marked, or an invalid tensor.
Tensor marked_shape(const Node& shape_node, const PartialShape& s) {
  if (!s.known_rank()) return {};
  const DType out = shape_node.attr_type_or("out_type", DType::Int32);
  std::vector<int64_t> dims = s.dims();
  for (size_t i = 0; i < dims.size(); ++i)
    if (dims[i] < 0) dims[i] = kUnknownDimMark - static_cast<int64_t>(i);
  if (out == DType::Int64) return Tensor::from_vector(dims);
  std::vector<int32_t> d32(dims.begin(), dims.end());
  return Tensor::from_vector(d32);
}

bool has_mark(const Tensor& t) {
  if (t.dtype() != DType::Int32 && t.dtype() != DType::Int64) return false;
  for (int64_t i = 0; i < t.num_elements(); ++i)
    if (t.as_int64(i) <= kUnknownDimMark + 64 && t.as_int64(i) > kUnknownDimMark - 64) return true;
  return false;
}

}  // namespace

bool replace_with_constants(Graph& g, Node& node, const std::vector<Tensor>& outputs, int64_t max_bytes,
                            const PassContext& ctx) {
  Node* n = &node;
    int64_t bytes = 0;
    for (const Tensor& t : outputs) bytes += static_cast<int64_t>(t.byte_size());
    if (bytes > max_bytes) return false;
    // Resource/variant values cannot be written as a Const.
    bool plain = true;
    for (const Tensor& t : outputs) plain = plain && t.dtype() != DType::Resource && t.dtype() != DType::Variant;
    if (!plain) return false;

    const std::vector<std::string> controls = control_inputs(*n);
    if (outputs.size() == 1) {
      Node c = make_const(n->name, outputs[0]);
      c.device = n->device;
      add_control_inputs(c, controls);
      *n = std::move(c);
    } else {
      if (ctx.kept(n->name)) return false;
      for (size_t i = 0; i < outputs.size(); ++i) {
        const TensorId out{n->name, static_cast<int>(i), false};
        Node c = make_const(unique_name(g, n->name + "/folded_" + std::to_string(i)), outputs[i]);
        add_control_inputs(c, controls);
        const std::string name = c.name;
        g.add(std::move(c));
        replace_tensor_uses(g, out, name);
      }
    }
  return true;
}

PassStats fold_constants(Graph& g, const PassContext& ctx) {
  PassStats stats;
  std::map<TensorId, InferredTensor> shapes;
  bool shapes_ready = false;
  auto static_shape = [&](const std::string& tensor) -> PartialShape {
    if (!shapes_ready) {
      shapes = infer_shapes(g);
      shapes_ready = true;
    }
    const TensorId id = TensorId::parse(tensor);
    const auto it = shapes.find(TensorId{id.node, id.index, false});
    return it == shapes.end() ? PartialShape::unknown() : it->second.shape;
  };

  std::vector<Node*> nodes = g.nodes();
  const auto consumers = consumer_map(g, /*data_only=*/true);
  for (Node* n : nodes) {
    if (never_fold(n->op) || n->num_data_inputs() == 0) continue;
    // Unused nodes are remove_unused's; folding them would only churn.
    if (!ctx.kept(n->name) && !consumers.count(n->name)) continue;
    const OpDef* def = OpRegistry::global().find(n->op);
    if (!def) continue;

    std::vector<Tensor> inputs;
    bool all_const = true;
    for (int i = 0; i < n->num_data_inputs() && all_const; ++i) {
      const Tensor* t = const_input(g, *n, i);
      if (t) inputs.push_back(*t);
      else all_const = false;
    }
    std::vector<Tensor> outputs;
    std::string what = "constants_folded";
    if (all_const) {
      outputs = evaluate_node(*n, inputs);
    } else if (n->op == "Shape" || n->op == "Size" || n->op == "Rank") {
      // Statically known shapes.
      const PartialShape s = static_shape(n->inputs[0]);
      if ((n->op == "Rank" && s.known_rank()) || s.fully_known()) {
        {
          const Tensor marked = marked_shape(*n, s);
          if (n->op == "Shape") outputs = {marked};
          if (n->op == "Rank") outputs = {Tensor::scalar<int32_t>(s.rank())};
          if (n->op == "Size" && s.fully_known()) {
            const int64_t count = s.to_shape().num_elements();
            if (n->attr_type_or("out_type", DType::Int32) == DType::Int64) outputs = {Tensor::scalar<int64_t>(count)};
            else outputs = {Tensor::scalar<int32_t>(static_cast<int32_t>(count))};
          }
        }
        what = "shapes_folded";
      }
    } else if ((n->op == "StridedSlice" || n->op == "Slice" || n->op == "GatherV2" || n->op == "Gather") &&
               n->num_data_inputs() >= 2) {
      // Picking only known dims out of a partly known Shape.
      const Node* shape_node = g.find(n->input(0).node);
      bool rest_const = true;
      for (int i = 1; i < n->num_data_inputs(); ++i) rest_const = rest_const && const_input(g, *n, i);
      if (shape_node && shape_node->op == "Shape" && rest_const && n->input(0).index == 0) {
        const Tensor marked = marked_shape(*shape_node, static_shape(shape_node->inputs[0]));
        if (marked.valid()) {
          std::vector<Tensor> in = {marked};
          for (int i = 1; i < n->num_data_inputs(); ++i) in.push_back(*const_input(g, *n, i));
          outputs = evaluate_node(*n, in);
          if (outputs.size() == 1 && has_mark(outputs[0])) outputs.clear();
          what = "shapes_folded";
        }
      }
    }
    if (outputs.empty()) continue;
    if (what == "shapes_folded" && outputs.size() == 1 && has_mark(outputs[0])) continue;

    if (replace_with_constants(g, *n, outputs, ctx.max_folded_bytes, ctx)) stats.add(what);
  }
  return stats;
}

}  // namespace frost
