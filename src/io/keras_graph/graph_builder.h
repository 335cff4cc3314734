// Emits TensorFlow nodes into a frost::Graph while converting a Keras model,
// tracking each output's dtype and static shape with the op registry's own
// shape functions (so a layer can ask "how many channels?" of its input).
// Node names are made unique TensorFlow-style (name, name_1, ...).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace frost::keras {

// A tensor of the graph being built.
struct Value {
  std::string tensor;  // "node" or "node:1"
  DType dtype = DType::Float;
  PartialShape shape;
  Tensor constant;  // set when the value is a Const (shape arguments, weights)

  int rank() const { return shape.known_rank() ? shape.rank() : -1; }
  // Dimension i (negative counts from the end); -1 when unknown.
  int64_t dim(int i) const;
};

using Attrs = std::map<std::string, AttrValue>;

class GraphBuilder {
 public:
  explicit GraphBuilder(Graph& g) : g_(g) {}

  // `base`, or `base_1`, `base_2`, ... whichever is free. A name handed out
  // by reserve() is returned as is to the first unique() asking for it.
  std::string unique(const std::string& base);
  // A free name kept for a node made later (a layer's output, named after it).
  std::string reserve(const std::string& base);
  // Whether some node already reads an output of `node`.
  bool consumed(const std::string& node) const { return consumed_.count(node) != 0; }

  Value placeholder(const std::string& name, DType dtype, const PartialShape& shape);
  // A Const node named uniquely from `name`.
  Value constant(const std::string& name, const Tensor& value);
  // A weight: one Const per name however many calls use it (shared layers).
  Value weight(const std::string& name, const Tensor& value);

  // A node named uniquely from `name`; returns its outputs (`num_outputs`, or
  // what the registry says). Throws naming the node when the op is unknown or
  // its shape function rejects the inputs (a layer configured inconsistently).
  std::vector<Value> add(const std::string& name, const std::string& op, const std::vector<Value>& inputs, Attrs attrs,
                         int num_outputs = 0);
  Value add1(const std::string& name, const std::string& op, const std::vector<Value>& inputs, Attrs attrs) {
    return add(name, op, inputs, std::move(attrs))[0];
  }

  // Gives the node producing `v` the name unique(name). Only for a node this
  // builder made, with one output, that nothing consumes yet.
  Value rename(const Value& v, const std::string& name);

  Graph& graph() { return g_; }

 private:
  Graph& g_;
  std::map<std::string, Value> weights_;
  std::map<std::string, int> next_suffix_;
  std::set<std::string> reserved_, consumed_;
};

}  // namespace frost::keras
