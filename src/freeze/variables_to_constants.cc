#include "freeze/variables_to_constants.h"

#include "freeze/rewrite_util.h"

namespace frost {

namespace {

// The variable's declared dtype and shape against the checkpoint's entry.
void check_entry(const Node& var, const CheckpointEntry& entry, const CheckpointReader& reader) {
  auto fail = [&](const std::string& what) {
    return Error("variable '" + var.name + "' " + what + " (checkpoint key '" + entry.name + "')")
        .file(reader.index_file())
        .node(var.name)
        .op(var.op);
  };
  if (var.has_attr("dtype")) {
    const DType want = dtype_base(static_cast<int>(var.attr_type("dtype")));
    if (want != entry.dtype)
      throw fail("is " + dtype_name(want) + " in the graph but " + dtype_name(entry.dtype) + " in the checkpoint");
  }
  if (var.has_attr("shape") && var.attr("shape").is<PartialShape>()) {
    const PartialShape& want = var.attr("shape").shape();
    // A VarHandleOp with an unknown shape (rank 0 with shape unknown) takes any value.
    if (want.known_rank() && !want.accepts(entry.shape))
      throw fail("has shape " + want.to_string() + " in the graph but " + entry.shape.to_string() +
                 " in the checkpoint");
  }
}

// ResourceGather(resource, indices) on a now-constant variable -> GatherV2.
void resource_gather_to_gather(Graph& g, Node& n) {
  const std::string axis = unique_name(g, n.name + "/axis");
  g.add(make_const(axis, Tensor::scalar<int32_t>(0)));
  Node& gather = g.at(n.name);
  gather.op = "GatherV2";
  std::map<std::string, AttrValue> attrs;
  attrs["Tparams"] = gather.attr_type("dtype");
  attrs["Tindices"] = gather.attr_type_or("Tindices", DType::Int32);
  attrs["Taxis"] = DType::Int32;
  attrs["batch_dims"] = gather.attr_int_or("batch_dims", 0);
  gather.attrs = std::move(attrs);
  gather.inputs.insert(gather.inputs.begin() + 2, axis);
}

}  // namespace

std::vector<const Node*> variable_nodes(const Graph& g) {
  std::vector<const Node*> vars;
  for (const Node* n : g.nodes())
    if (is_variable_op(n->op)) vars.push_back(n);
  return vars;
}

int variables_to_constants(Graph& g, const CheckpointReader& reader, const VariableKeys& keys) {
  std::map<std::string, DType> handles;  // nodes carrying a resource handle -> the variable's dtype
  int count = 0;
  for (const Node* var : variable_nodes(g)) {
    const std::string key = keys.key_for(*var);
    const CheckpointEntry& entry = reader.entry(key);
    check_entry(*var, entry, reader);
    Tensor value = reader.read(key);
    Node& node = g.at(var->name);
    if (node.op == "VarHandleOp") handles[node.name] = value.dtype();
    Node replacement = make_const(node.name, value);
    replacement.device = node.device;
    replacement.inputs = control_inputs(node);
    node = std::move(replacement);
    ++count;
  }
  // Reads of resource handles now read the constant. A handle may pass
  // through Switch/Identity/Enter first (a cond reading a variable): those
  // now carry the value, typed by the variable's dtype.
  std::vector<std::string> work;
  for (const auto& [name, dtype] : handles) work.push_back(name);
  while (!work.empty()) {
    const std::string source = work.back();
    work.pop_back();
    const DType dtype = handles.at(source);
    for (Node* n : g.nodes()) {
      if (n->num_data_inputs() < 1 || n->input(0).node != source || handles.count(n->name)) continue;
      if (n->op == "ReadVariableOp") {
        n->op = "Identity";
        n->attrs = {{"T", dtype}};
      } else if (n->op == "ResourceGather") {
        resource_gather_to_gather(g, *n);
      } else if (n->op == "Switch" || n->op == "Identity" || n->op == "Enter" || n->op == "RefSwitch") {
        n->attrs["T"] = dtype;
        handles[n->name] = dtype;
        work.push_back(n->name);
      } else {
        throw n->error("reads resource variable '" + source +
                       "' in a way freezing does not support (only ReadVariableOp and ResourceGather)");
      }
    }
  }
  return count;
}

void strip_reference_types(Graph& g) {
  for (Node* n : g.nodes()) {
    if (n->op == "RefSwitch") n->op = "Switch";
    else if (n->op == "RefMerge") n->op = "Merge";
    else if (n->op == "RefIdentity") n->op = "Identity";
    else if (n->op == "RefEnter") n->op = "Enter";
    else if (n->op == "RefExit") n->op = "Exit";
    else if (n->op == "RefNextIteration") n->op = "NextIteration";
    for (auto& [name, attr] : n->attrs) {
      if (attr.is<DType>()) {
        attr = dtype_base(static_cast<int>(attr.type()));
      } else if (attr.is<std::vector<DType>>()) {
        std::vector<DType> types = attr.list_type();
        for (DType& t : types) t = dtype_base(static_cast<int>(t));
        attr = types;
      }
    }
  }
}

}  // namespace frost
