#include "io/keras_graph/graph_builder.h"

#include "graph/op_registry.h"

namespace frost::keras {

int64_t Value::dim(int i) const {
  if (!shape.known_rank()) return -1;
  const int r = shape.rank();
  if (i < 0) i += r;
  return i >= 0 && i < r ? shape.dim(i) : -1;
}

std::string GraphBuilder::reserve(const std::string& base) {
  const std::string name = unique(base);
  reserved_.insert(name);
  return name;
}

std::string GraphBuilder::unique(const std::string& base) {
  if (reserved_.erase(base)) return base;
  if (!g_.find(base) && !next_suffix_.count(base)) {
    next_suffix_[base] = 1;
    return base;
  }
  for (int& k = next_suffix_[base];; ++k) {
    const std::string name = base + "_" + std::to_string(k);
    if (!g_.find(name) && !next_suffix_.count(name)) {
      ++k;
      next_suffix_[name] = 1;
      return name;
    }
  }
}

Value GraphBuilder::placeholder(const std::string& name, DType dtype, const PartialShape& shape) {
  Node n;
  n.name = unique(name);
  n.op = "Placeholder";
  n.attrs["dtype"] = dtype;
  n.attrs["shape"] = shape;
  Value v{n.name, dtype, shape, {}};
  g_.add(std::move(n));
  return v;
}

Value GraphBuilder::constant(const std::string& name, const Tensor& value) {
  Node n;
  n.name = unique(name);
  n.op = "Const";
  n.attrs["dtype"] = value.dtype();
  n.attrs["value"] = value;
  Value v{n.name, value.dtype(), PartialShape(value.shape()), value};
  g_.add(std::move(n));
  return v;
}

Value GraphBuilder::weight(const std::string& name, const Tensor& value) {
  if (auto it = weights_.find(name); it != weights_.end()) return it->second;
  Value v = constant(name, value);
  weights_[name] = v;
  return v;
}

namespace {

// The element type of output `i` of a node (TensorFlow's output arg types
// for the ops a Keras conversion emits).
DType output_dtype(const Node& n, const std::vector<Value>& inputs, int i) {
  if (n.op == "Cast") return n.attr_type("DstT");
  if (n.op == "Shape") return n.attr_type_or("out_type", DType::Int32);
  if (n.op == "Greater" || n.op == "Less" || n.op == "Equal" || n.op == "GreaterEqual" || n.op == "LessEqual" ||
      n.op == "NotEqual")
    return DType::Bool;
  if (n.op == "GatherV2") return n.attr_type("Tparams");
  if (n.op == "IdentityN") return inputs.at(static_cast<size_t>(i)).dtype;
  if (n.has_attr("T") && n.attr("T").is<DType>()) return n.attr_type("T");
  return inputs.empty() ? DType::Float : inputs[0].dtype;
}

}  // namespace

std::vector<Value> GraphBuilder::add(const std::string& name, const std::string& op, const std::vector<Value>& inputs,
                                     Attrs attrs, int num_outputs) {
  const OpDef* def = OpRegistry::global().find(op);
  if (!def) throw Error("internal: Keras conversion emits op " + op + " that Frost does not know");
  Node n;
  n.name = unique(name);
  n.op = op;
  n.attrs = std::move(attrs);
  for (const Value& v : inputs) {
    n.inputs.push_back(v.tensor);
    consumed_.insert(TensorId::parse(v.tensor).node);
  }
  const int outputs = num_outputs > 0 ? num_outputs : def->num_outputs(n);
  std::vector<PartialShape> shapes(static_cast<size_t>(outputs));
  if (def->infer_shapes) {
    ShapeContext ctx{n, {}, {}};
    for (const Value& v : inputs) {
      ctx.input_shapes.push_back(v.shape);
      ctx.input_values.push_back(v.constant.valid() ? &v.constant : nullptr);
    }
    try {
      std::vector<PartialShape> inferred = def->infer_shapes(ctx);
      for (size_t i = 0; i < inferred.size() && i < shapes.size(); ++i) shapes[i] = inferred[i];
    } catch (Error& e) {
      e.node(n.name).op(op);
      throw;
    }
  }
  std::vector<Value> out;
  for (int i = 0; i < outputs; ++i)
    out.push_back(Value{i == 0 ? n.name : n.name + ":" + std::to_string(i), output_dtype(n, inputs, i),
                        shapes[static_cast<size_t>(i)], {}});
  g_.add(std::move(n));
  return out;
}

Value GraphBuilder::rename(const Value& v, const std::string& name) {
  const TensorId id = TensorId::parse(v.tensor);
  Node copy = g_.at(id.node);
  const std::string target = unique(name);
  g_.remove({id.node});
  copy.name = target;
  g_.add(std::move(copy));
  Value out = v;
  out.tensor = target;
  return out;
}

}  // namespace frost::keras
