#include "freeze/variable_keys.h"

#include <algorithm>

#include "trackable_object_graph.pb.h"

namespace frost {

namespace {

constexpr const char* kObjectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH";

bool is_restore_op(const std::string& op) { return op == "RestoreV2" || op == "Restore" || op == "RestoreSlice"; }
bool is_assign_op(const std::string& op) { return op == "Assign" || op == "AssignVariableOp"; }

// Follows Identity reads back to their source tensor.
TensorId through_identities(const Graph& g, TensorId id) {
  for (int hops = 0; hops < 16; ++hops) {
    const Node* n = g.find(id.node);
    if (!n || n->op != "Identity" || n->num_data_inputs() < 1) break;
    id = n->input(0);
  }
  return id;
}

// Keys the graph's TF1 Saver restores each variable from.
std::map<std::string, std::string> keys_from_saver(const Graph& g) {
  std::map<std::string, std::string> keys;
  for (const Node* n : g.nodes()) {
    if (!is_assign_op(n->op) || n->num_data_inputs() < 2) continue;
    const TensorId value = through_identities(g, n->input(1));
    const Node* restore = g.find(value.node);
    if (!restore || !is_restore_op(restore->op) || restore->num_data_inputs() < 2) continue;
    const Node* names = g.find(through_identities(g, restore->input(1)).node);
    if (!names || names->op != "Const" || !names->has_attr("value")) continue;
    const Tensor& t = names->attr_tensor("value");
    if (t.dtype() != DType::String) continue;
    // RestoreV2 has one output per name; Restore/RestoreSlice read one name.
    const size_t k = restore->op == "RestoreV2" ? static_cast<size_t>(value.index) : 0;
    if (k >= t.strings().size()) continue;
    const std::string var = through_identities(g, n->input(0)).node;
    keys.emplace(var, t.strings()[k]);
  }
  return keys;
}

// Variable full name -> checkpoint key, from the checkpoint's object graph
// (and the SavedModel's variable names for the same node ids).
std::map<std::string, std::string> keys_from_object_graph(const CheckpointReader& reader,
                                                          const std::vector<std::string>& object_variable_names) {
  std::map<std::string, std::string> keys;
  if (!reader.has(kObjectGraphKey)) return keys;
  const Tensor t = reader.read(kObjectGraphKey);
  if (t.dtype() != DType::String || t.num_elements() != 1) return keys;
  tensorflow::TrackableObjectGraph graph;
  if (!graph.ParseFromString(t.strings()[0]))
    throw Error("checkpoint entry " + std::string(kObjectGraphKey) + " is not a TrackableObjectGraph")
        .file(reader.index_file());
  for (int id = 0; id < graph.nodes_size(); ++id) {
    for (const auto& attr : graph.nodes(id).attributes()) {
      if (attr.name() != "VARIABLE_VALUE") continue;
      if (!attr.full_name().empty()) keys.emplace(attr.full_name(), attr.checkpoint_key());
      if (static_cast<size_t>(id) < object_variable_names.size() && !object_variable_names[id].empty())
        keys.emplace(object_variable_names[id], attr.checkpoint_key());
    }
  }
  return keys;
}

}  // namespace

bool is_variable_op(const std::string& op) { return op == "VariableV2" || op == "Variable" || op == "VarHandleOp"; }

VariableKeys::VariableKeys(const Graph& full_graph, const CheckpointReader& reader,
                           const std::vector<std::string>& object_variable_names)
    : reader_(reader),
      saver_keys_(keys_from_saver(full_graph)),
      object_keys_(keys_from_object_graph(reader, object_variable_names)) {}

std::string VariableKeys::key_for(const Node& var) const {
  std::vector<std::string> names;  // what the variable may be called, best first
  if (const auto it = saver_keys_.find(var.name); it != saver_keys_.end()) names.push_back(it->second);
  if (var.op == "VarHandleOp") {
    const std::string shared = var.attr_string_or("shared_name", "");
    if (!shared.empty()) names.push_back(shared);
  }
  names.push_back(var.name);
  for (const auto& n : names)
    if (reader_.has(n)) return n;
  for (const auto& n : names)
    if (const auto it = object_keys_.find(n); it != object_keys_.end() && reader_.has(it->second)) return it->second;

  std::vector<std::string> keys;
  for (const auto& e : reader_.entries())
    if (e.name != kObjectGraphKey) keys.push_back(e.name);
  std::string hint;
  for (const auto& k : closest_strings(keys, names.front())) hint += (hint.empty() ? "" : ", ") + k;
  throw Error("variable '" + var.name + "' (" + var.op + ") is not in the checkpoint (" +
              std::to_string(keys.size()) + " tensors)" + (hint.empty() ? "" : "; closest keys: " + hint))
      .file(reader_.index_file())
      .node(var.name)
      .op(var.op);
}

}  // namespace frost
