// The IR: a graph of nodes in TensorFlow's terms. A node names its inputs as
// TensorFlow does ("x", "x:1", "^x" for a control input, control inputs last),
// so import/export is a direct mapping and passes can rewire by renaming.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/attr.h"

namespace frost {

// A tensor address "node:index" (index 0 when omitted) or a control edge "^node".
struct TensorId {
  std::string node;
  int index = 0;
  bool control = false;

  static TensorId parse(std::string_view name);  // throws on a malformed name
  std::string to_string() const;                 // "node" for index 0, "node:1", "^node"
  bool operator==(const TensorId&) const = default;
  bool operator<(const TensorId& o) const {
    return node != o.node ? node < o.node : index != o.index ? index < o.index : control < o.control;
  }
};

struct Node {
  std::string name;
  std::string op;
  std::vector<std::string> inputs;  // data inputs first, then "^control" inputs
  std::string device;
  std::map<std::string, AttrValue> attrs;
  // NodeDef fields Frost does not model (debug info, full type, unknown
  // fields), serialized, so that an exported graph keeps them.
  std::string preserved;

  int num_data_inputs() const;
  TensorId input(int i) const { return TensorId::parse(inputs[static_cast<size_t>(i)]); }

  bool has_attr(const std::string& key) const { return attrs.count(key) != 0; }
  // Typed attribute reads; a missing or wrongly typed attr throws an Error
  // naming this node, its op and the attribute. The *_or forms give a default
  // when the attr is absent (TensorFlow strips attrs equal to their default).
  const AttrValue& attr(const std::string& key) const;
  int64_t attr_int(const std::string& key) const;
  int64_t attr_int_or(const std::string& key, int64_t fallback) const;
  float attr_float_or(const std::string& key, float fallback) const;
  bool attr_bool_or(const std::string& key, bool fallback) const;
  std::string attr_string(const std::string& key) const;
  std::string attr_string_or(const std::string& key, const std::string& fallback) const;
  DType attr_type(const std::string& key) const;
  DType attr_type_or(const std::string& key, DType fallback) const;
  std::vector<int64_t> attr_ints(const std::string& key) const;
  std::vector<int64_t> attr_ints_or(const std::string& key, std::vector<int64_t> fallback) const;
  const Tensor& attr_tensor(const std::string& key) const;

  Error error(const std::string& message) const { return std::move(Error(message).node(name).op(op)); }
};

struct GraphVersions {
  int producer = 0;
  int min_consumer = 0;
  std::vector<int> bad_consumers;
};

class Graph {
 public:
  Graph() = default;
  Graph(const Graph& other);
  Graph& operator=(const Graph& other);
  Graph(Graph&&) = default;
  Graph& operator=(Graph&&) = default;

  // Adds a node; throws if a node of that name exists.
  Node& add(Node node);
  Node* find(std::string_view name);
  const Node* find(std::string_view name) const;
  Node& at(std::string_view name);  // throws "no node named ..."
  const Node& at(std::string_view name) const;
  // Removes the named nodes (does not touch their consumers' inputs).
  void remove(const std::vector<std::string>& names);

  size_t size() const { return nodes_.size(); }
  // Nodes in insertion order (the GraphDef's order for imported graphs).
  std::vector<Node*> nodes();
  std::vector<const Node*> nodes() const;

  GraphVersions versions;
  std::string library;    // serialized FunctionDefLibrary, kept for export
  std::string preserved;  // GraphDef fields Frost does not model
  std::string source;     // file it was loaded from (for error messages)

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
  std::unordered_map<std::string, Node*> by_name_;
};

}  // namespace frost
