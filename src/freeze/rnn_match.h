// What the recurrent-cell rewrites (fuse_lstm_cell.cc, fuse_gru_cell.cc)
// share: reading the graph around a candidate cell (who reads a tensor, is a
// node used only inside the cell), constant weights seen through the
// constant Enters and slices a v1 while-loop body reads them through, and
// writing the fused cell's new weights where the cell can read them (in the
// loop's frame when the cell is in a loop body).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "freeze/pass.h"
#include "graph/graph.h"

namespace frost::rnn {

// Where the constants a cell reads live: the top level, or a loop frame they
// enter through a constant Enter (whose attrs a new Enter copies).
struct ConstantFrame {
  const Node* enter = nullptr;        // a constant Enter the weights come through, if any
  std::set<std::string> controls;     // control inputs of in-frame Consts ("^while/Identity")
  bool conflict = false;              // constants from two frames: not one cell
  void merge(const ConstantFrame& o);
};

class CellGraph {
 public:
  CellGraph(Graph& g, const PassContext& ctx);

  Graph& graph() { return g_; }
  // The node producing `tensor` ("x", "x:1"), or nullptr.
  Node* producer(const std::string& tensor) const;
  Node* input_node(const Node& n, int i) const { return producer(n.inputs[static_cast<size_t>(i)]); }
  // The data consumers of `node:index`, one entry per edge.
  std::vector<Node*> readers(const std::string& node, int index) const;
  // Whether every data edge from `node` goes to nodes in `inside` and
  // nothing else holds on to it (control edge, kept by the context).
  bool used_only_by(const std::string& node, const std::set<std::string>& inside) const;
  // The sole reader of node:index when it is that output's only data edge
  // and nothing else holds on to the node, else nullptr.
  Node* sole_reader(const std::string& node, int index = 0) const;

  // The value of `tensor` when it is constant: a Const, or ops of constants
  // (a StridedSlice, Unpack, Transpose... of the weights) reached through
  // Identity, constant Enters and loop variables the body passes on
  // unchanged (TF 2's lowered loops). `frame` collects where they live.
  std::optional<Tensor> constant(const std::string& tensor, ConstantFrame& frame, int depth = 0) const;
  // A float scalar constant's value.
  std::optional<double> scalar(const std::string& tensor, ConstantFrame& frame) const;

 private:
  std::optional<Tensor> invariant(const Node& sw, ConstantFrame& frame, int depth) const;

  Graph& g_;
  const PassContext& ctx_;
  std::map<std::string, std::vector<std::pair<Node*, int>>> readers_;  // node -> (consumer, output index)
  std::set<std::string> control_read_;
};

// One of {a, b} matching `pred`, the other in `other`; nullptr when neither does.
template <class Pred>
Node* either(Node* a, Node* b, Pred pred, Node** other) {
  if (a && pred(a)) {
    *other = b;
    return a;
  }
  if (b && pred(b)) {
    *other = a;
    return b;
  }
  return nullptr;
}

bool is_op(const Node* n, std::initializer_list<const char*> ops);
// Whether data input i of n is output `index` of `producer`.
bool reads(const Node& n, int i, const Node& producer, int index = 0);

// A gate's activation: Sigmoid(pre), or Keras's hard_sigmoid as TF1 Keras
// freezes it, clip_by_value(slope·pre + offset, 0, 1) =
// Maximum(Minimum(Add(Mul(pre, slope), offset), 1), 0) with the clamps in
// either order, each binary op's operands in either order and slope > 0.
struct Gate {
  bool hard = false;
  double slope = 0.0, offset = 0.0;
  std::vector<const Node*> nodes;  // the activation's nodes
  std::string pre;                 // its input, the gate's pre-activation
  bool same_kind(const Gate& o) const { return hard == o.hard && slope == o.slope && offset == o.offset; }
};
// The gate whose output is `tensor`, or nullopt; `frame` learns where its constants live.
std::optional<Gate> gate_at(const CellGraph& cg, const std::string& tensor, ConstantFrame& frame);
// The fused cell's attrs for gates of this kind (none for Sigmoid).
void set_gate_attrs(Node& fused, const Gate& gate);

// Adds a Const (and, for a loop frame, a constant Enter into it) holding
// `value`, named from `base`; returns the tensor the cell reads.
std::string add_constant(Graph& g, const std::string& base, const Tensor& value, const ConstantFrame& frame);

// The control inputs of `nodes` that do not come from one of them.
std::vector<std::string> outside_controls(const Graph& g, const std::set<std::string>& nodes);

}  // namespace frost::rnn

namespace frost::rnn {

// A tensor computed as [a | b]·W + bias (b empty: a·W + bias), the gate
// pre-activations of a cell, in one of the forms frozen cells take:
//   MatMul(ConcatV2(a, b), W)             tf.nn / tf.contrib cells
//   AddV2(MatMul(a, Wa), MatMul(b, Wb))    Keras LSTMCell/GRUCell (W = [Wa; Wb])
//   MatMul(a, W)                           one side of a Keras GRU
// each optionally followed by BiasAdd/Add of a constant vector (or as a
// _FusedMatMul[BiasAdd]). W and bias are constants (through loop Enters).
struct Affine {
  std::string a, b;
  Tensor w;     // float [Ka (+ Kb), G]
  Tensor bias;  // float [G]; zeros when the graph adds none
  std::set<std::string> nodes;  // the nodes computing it, the top one first in `top`
  std::string top;
  ConstantFrame frame;
};
// nullopt unless `tensor` is such an expression whose inner nodes are read
// only inside it (the top node's readers are the caller's business).
std::optional<Affine> match_affine(const CellGraph& cg, const std::string& tensor);

// Float matrix helpers on [rows, cols] tensors.
Tensor columns(const Tensor& m, int64_t begin, int64_t count);   // m[:, begin:begin+count]
Tensor rows(const Tensor& m, int64_t begin, int64_t count);      // m[begin:begin+count, :]
Tensor hstack(const std::vector<Tensor>& parts);                 // same rows
Tensor vstack(const std::vector<Tensor>& parts);                 // same columns
Tensor zeros(int64_t rows, int64_t cols);                         // rows 0: a vector [cols]
Tensor slice_vector(const Tensor& v, int64_t begin, int64_t count);
Tensor concat_vectors(const std::vector<Tensor>& parts);
Tensor add_vectors(const Tensor& a, const Tensor& b);

}  // namespace frost::rnn
