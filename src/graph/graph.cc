#include "graph/graph.h"

#include <algorithm>
#include <charconv>
#include <unordered_set>

#include "graph/text_append.h"

namespace frost {

TensorId TensorId::parse(std::string_view name) {
  TensorId id;
  if (!name.empty() && name[0] == '^') {
    id.control = true;
    name.remove_prefix(1);
  }
  const size_t colon = name.rfind(':');
  if (colon != std::string_view::npos && !id.control) {
    const std::string_view digits = name.substr(colon + 1);
    int index = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty() && index >= 0) {
      id.index = index;
      name = name.substr(0, colon);
    } else {
      throw Error("malformed tensor name '" + std::string(name) + "'");
    }
  }
  FROST_CHECK(!name.empty(), "empty tensor name");
  id.node = std::string(name);
  return id;
}

void append_tensor_id(std::string& s, const TensorId& id) {
  if (id.control) s += '^';
  s += id.node;
  if (id.index == 0 || id.control) return;
  s += ':';
  char digits[24];
  s.append(digits, std::to_chars(digits, digits + sizeof digits, id.index).ptr);
}

std::string TensorId::to_string() const {
  std::string s;
  append_tensor_id(s, *this);
  return s;
}

int Node::num_data_inputs() const {
  return static_cast<int>(std::count_if(inputs.begin(), inputs.end(),
                                        [](const std::string& s) { return s.empty() || s[0] != '^'; }));
}

const AttrValue& Node::attr(const std::string& key) const {
  const auto it = attrs.find(key);
  if (it == attrs.end()) throw error("missing attr '" + key + "'");
  return it->second;
}

// Runs a typed read and re-throws a kind mismatch with this node's context.
template <class F>
static auto read_attr(const Node& n, const std::string& key, F read) {
  try {
    return read(n.attr(key));
  } catch (Error& e) {
    e.node(n.name).op(n.op).item("attr '" + key + "'");
    throw;
  }
}

int64_t Node::attr_int(const std::string& key) const {
  return read_attr(*this, key, [](const AttrValue& a) { return a.i(); });
}
int64_t Node::attr_int_or(const std::string& key, int64_t fallback) const {
  return has_attr(key) ? attr_int(key) : fallback;
}
float Node::attr_float_or(const std::string& key, float fallback) const {
  return has_attr(key) ? read_attr(*this, key, [](const AttrValue& a) { return a.f(); }) : fallback;
}
bool Node::attr_bool_or(const std::string& key, bool fallback) const {
  return has_attr(key) ? read_attr(*this, key, [](const AttrValue& a) { return a.b(); }) : fallback;
}
std::string Node::attr_string(const std::string& key) const {
  return read_attr(*this, key, [](const AttrValue& a) { return a.s(); });
}
std::string Node::attr_string_or(const std::string& key, const std::string& fallback) const {
  return has_attr(key) ? attr_string(key) : fallback;
}
DType Node::attr_type(const std::string& key) const {
  return read_attr(*this, key, [](const AttrValue& a) { return a.type(); });
}
DType Node::attr_type_or(const std::string& key, DType fallback) const {
  return has_attr(key) ? attr_type(key) : fallback;
}
std::vector<int64_t> Node::attr_ints(const std::string& key) const {
  return read_attr(*this, key, [](const AttrValue& a) { return a.list_i(); });
}
std::vector<int64_t> Node::attr_ints_or(const std::string& key, std::vector<int64_t> fallback) const {
  return has_attr(key) ? attr_ints(key) : fallback;
}
const Tensor& Node::attr_tensor(const std::string& key) const {
  return *read_attr(*this, key, [](const AttrValue& a) { return &a.tensor(); });
}

Graph::Graph(const Graph& other)
    : versions(other.versions), library(other.library), preserved(other.preserved), source(other.source) {
  for (const auto& n : other.nodes_) add(*n);
}

Graph& Graph::operator=(const Graph& other) {
  if (this != &other) {
    Graph copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Node& Graph::add(Node node) {
  FROST_CHECK(!node.name.empty(), "node with an empty name (op " + node.op + ")");
  if (by_name_.count(node.name)) throw Error("duplicate node name").node(node.name).op(node.op);
  nodes_.push_back(std::make_unique<Node>(std::move(node)));
  Node* n = nodes_.back().get();
  by_name_[n->name] = n;
  return *n;
}

Node* Graph::find(std::string_view name) {
  const auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : it->second;
}

const Node* Graph::find(std::string_view name) const {
  const auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : it->second;
}

Node& Graph::at(std::string_view name) {
  Node* n = find(name);
  if (!n) throw Error("no node named '" + std::string(name) + "'");
  return *n;
}

const Node& Graph::at(std::string_view name) const {
  const Node* n = find(name);
  if (!n) throw Error("no node named '" + std::string(name) + "'");
  return *n;
}

void Graph::remove(const std::vector<std::string>& names) {
  const std::unordered_set<std::string> doomed(names.begin(), names.end());
  for (const auto& name : doomed) by_name_.erase(name);
  std::erase_if(nodes_, [&](const std::unique_ptr<Node>& n) { return doomed.count(n->name) != 0; });
}

std::vector<Node*> Graph::nodes() {
  std::vector<Node*> out;
  out.reserve(nodes_.size());
  for (auto& n : nodes_) out.push_back(n.get());
  return out;
}

std::vector<const Node*> Graph::nodes() const {
  std::vector<const Node*> out;
  out.reserve(nodes_.size());
  for (const auto& n : nodes_) out.push_back(n.get());
  return out;
}

}  // namespace frost
