// Small graph-editing helpers the passes share: who consumes a node, rewiring
// consumers from one tensor to another, reading constant inputs, new names.
// All of them work on TensorFlow names ("x", "x:1", "^x"); "x" and "x:0" are
// the same tensor.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "freeze/pass.h"
#include "graph/graph.h"

namespace frost {

// Consumers of each node by producer name; a consumer reading a producer
// twice is listed once. `data_only` leaves out control edges.
std::unordered_map<std::string, std::vector<Node*>> consumer_map(Graph& g, bool data_only = false);

// Number of data edges reading any output of `node` (one per input slot).
int data_edge_count(const Graph& g, const std::string& node);
// Whether something other than data edges holds on to `node`: a control edge
// from it or the context keeping it (fetched / fed).
bool has_control_consumers(const Graph& g, const std::string& node);

// Whether `node` (an output producer) can be rewritten away: its only reader
// is one data edge, nothing depends on it by control, and it is not kept.
bool single_use(const Graph& g, const PassContext& ctx, const std::string& node);

// Rewires every data input reading `from` to read `to` instead. Returns how
// many inputs changed.
int replace_tensor_uses(Graph& g, const TensorId& from, const std::string& to);
// Rewires control inputs "^from" to "^to" ("" drops them); no duplicates kept.
void replace_control_uses(Graph& g, const std::string& from, const std::string& to);

// The value of input `i` of `n` when it comes straight from a Const node,
// else nullptr.
const Tensor* const_input(const Graph& g, const Node& n, int i);
// The Const node's value when `name` (a tensor name) is produced by a Const.
const Tensor* const_value(const Graph& g, const std::string& tensor_name);

// A Const node holding `value`.
Node make_const(const std::string& name, const Tensor& value);
// `base` if free, else base_1, base_2, ...
std::string unique_name(const Graph& g, const std::string& base);

// Control inputs ("^x") of a node.
std::vector<std::string> control_inputs(const Node& n);
// Appends control inputs not already present.
void add_control_inputs(Node& n, const std::vector<std::string>& controls);

// Whether a float tensor holds the same value everywhere, and that value.
bool is_uniform(const Tensor& t, double* value);

}  // namespace frost

namespace frost {
// Turns `n` into Identity(input) keeping its name and control inputs, so a
// fetched name survives; remove_identity then forwards it where allowed.
void become_identity(Node& n, const std::string& input);

// Makes a fused contraction node's attrs exactly what TensorFlow's op
// definition accepts, so TensorFlow can load the graph: drops attrs the fused
// op does not have (MatMul's grad_a, Conv2D's explicit_paddings on the
// depthwise form, ...), and sets num_args and _FusedConv2D's TArgs (one T per
// arg) and num_host_args. Call after fused_ops is set.
void set_tensorflow_fused_attrs(Node& fused, int64_t num_args);
}  // namespace frost
