#include "graph/shape_inference.h"

#include "graph/input_pipeline.h"
#include "graph/topology.h"

namespace frost {

namespace {

// Constant values bigger than this are not evaluated during inference: only
// shape-sized arithmetic is worth it, and weights are already Consts.
constexpr int64_t kMaxFoldElements = 64;

// The dtype of output `index` from the attrs TensorFlow ops usually carry.
DType output_dtype(const Node& n, int index, const std::vector<InferredTensor>& inputs) {
  for (const char* key : {"dtype", "T", "out_type", "output_type", "DstT", "Tout"}) {
    if (!n.has_attr(key)) continue;
    const AttrValue& a = n.attr(key);
    if (a.is<DType>()) return dtype_base(static_cast<int>(a.type()));
    if (a.is<std::vector<DType>>()) {
      const auto types = a.list_type();
      if (static_cast<size_t>(index) < types.size()) return dtype_base(static_cast<int>(types[static_cast<size_t>(index)]));
    }
  }
  if (n.op == "Const" && n.has_attr("value") && n.attr("value").is<Tensor>()) return n.attr_tensor("value").dtype();
  return inputs.empty() ? DType::Invalid : inputs[0].dtype;
}

}  // namespace

std::map<TensorId, InferredTensor> infer_shapes(const Graph& g, const std::map<std::string, PartialShape>& input_shapes) {
  const OpRegistry& ops = OpRegistry::global();
  std::map<TensorId, InferredTensor> out;
  std::map<TensorId, Tensor> constants;

  for (const Node* n : topological_order(g)) {
    const OpDef* def = ops.find(n->op);
    std::vector<InferredTensor> inputs;
    ShapeContext ctx{*n, {}, {}};
    bool all_constant = true;
    for (int i = 0; i < n->num_data_inputs(); ++i) {
      const TensorId id = n->input(i);
      const auto it = out.find(id);
      inputs.push_back(it == out.end() ? InferredTensor{} : it->second);
      ctx.input_shapes.push_back(inputs.back().shape);
      const auto c = constants.find(id);
      ctx.input_values.push_back(c == constants.end() ? nullptr : &c->second);
      all_constant = all_constant && c != constants.end();
    }

    int num_outputs = 1;
    std::vector<PartialShape> shapes;
    if (def) {
      try {
        num_outputs = def->num_outputs(*n);
        shapes = def->infer_shapes(ctx);
      } catch (const std::exception&) {
        shapes.clear();  // leave unknown; running the graph will report the problem
      }
    }
    if (const auto override_shape = input_shapes.find(n->name); override_shape != input_shapes.end())
      shapes = {override_shape->second};
    // A pipeline reader's components are declared by its (or its queue's) attrs.
    const std::vector<PipelineComponent> components = pipeline_components(g, *n);
    if (!components.empty()) {
      num_outputs = static_cast<int>(components.size());
      shapes.clear();
      for (const PipelineComponent& c : components) shapes.push_back(c.shape);
    }
    shapes.resize(static_cast<size_t>(num_outputs), PartialShape::unknown());

    for (int i = 0; i < num_outputs; ++i)
      out[TensorId{n->name, i, false}] = {components.empty() ? output_dtype(*n, i, inputs) : components[static_cast<size_t>(i)].dtype,
                                          shapes[static_cast<size_t>(i)]};

    // Evaluate small all-constant nodes (Const itself, and shape arithmetic on it).
    const bool stateless = n->op != "Placeholder" && n->op != "PlaceholderWithDefault" &&
                           n->op.find("Random") == std::string::npos;
    if (def && stateless && all_constant && (n->op == "Const" || n->num_data_inputs() > 0)) {
      try {
        std::vector<Tensor> in_values;
        for (const Tensor* t : ctx.input_values) in_values.push_back(*t);
        std::vector<Tensor> values(static_cast<size_t>(num_outputs));
        OpContext octx(*n, in_values, values);
        def->reference(octx);
        for (int i = 0; i < num_outputs; ++i) {
          const Tensor& v = values[static_cast<size_t>(i)];
          if (!v.valid()) continue;
          const TensorId id{n->name, i, false};
          out[id] = {v.dtype(), v.shape()};
          if (v.num_elements() <= kMaxFoldElements || n->op == "Const") constants[id] = v;
        }
      } catch (const std::exception&) {
        // Not evaluable here; the static shapes above stand.
      }
    }
    // Shape of a fully known input is a constant even when the input is not.
    if ((n->op == "Shape" || n->op == "Size" || n->op == "Rank") && !inputs.empty() && inputs[0].shape.fully_known() &&
        def && !constants.count(TensorId{n->name, 0, false})) {
      try {
        const Shape s = inputs[0].shape.to_shape();
        const DType t = n->attr_type_or("out_type", DType::Int32);
        Tensor v;
        if (n->op == "Shape") {
          v = Tensor(t, Shape{s.rank()});
          for (int d = 0; d < s.rank(); ++d) {
            if (t == DType::Int64) v.data<int64_t>()[d] = s.dim(d);
            else v.data<int32_t>()[d] = static_cast<int32_t>(s.dim(d));
          }
        } else {
          const int64_t value = n->op == "Size" ? s.num_elements() : s.rank();
          v = t == DType::Int64 ? Tensor::scalar<int64_t>(value) : Tensor::scalar<int32_t>(static_cast<int32_t>(value));
        }
        constants[TensorId{n->name, 0, false}] = v;
        out[TensorId{n->name, 0, false}] = {v.dtype(), v.shape()};
      } catch (const std::exception&) {
        // An unusual out_type; leave the value unknown.
      }
    }
  }
  return out;
}

}  // namespace frost
