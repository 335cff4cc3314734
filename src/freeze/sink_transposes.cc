// Rule: a Transpose read only by a layout-agnostic op moves below it:
// Op(Transpose(x, p), ...) -> Transpose(Op(x, ...), p). Graphs converted
// from ONNX/PyTorch (onnx-tf, onnx2tf) run every NCHW convolution as
// Transpose -> Conv2D(NHWC) -> Transpose and keep BatchNorm, activations and
// padding in NCHW between them; sunk to the next block's Transpose the pair
// cancels (cancel_transposes) and the Mul/Add of the BatchNorm meet the
// convolution, where the per-channel folds take them.
//
// The ops moved across, and how their other operands change:
//  - unary element-wise ops (Relu, Sigmoid, Cast, ...): nothing else;
//  - binary element-wise ops: a constant operand is broadcast to the rank
//    and permuted by the inverse perm; another Transpose with the same perm
//    read only by this op is dropped too; any other operand stops the rule;
//  - Pad/PadV2/MirrorPad: the paddings rows follow their dimensions;
//  - BiasAdd: data_format follows the channel dimension;
//  - ConcatV2 of Transposes with the same perm, each read only here: the
//    axis becomes perm[axis].
// The op keeps its name as the new Transpose (so fetched names and readers
// are unchanged); the op itself moves to "<name>/permuted".
// Not applicable: a Transpose that is fetched, read by more than one node
// or by control; a Pad read only by convolutions (it folds into them:
// hoist_transpose_above_pad keeps the Transpose above it); any other op.
#include <set>

#include "freeze/layout_util.h"
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

namespace {

const std::set<std::string> kUnary = {"Relu",  "Relu6", "Elu",      "Selu",  "LeakyRelu", "Sigmoid", "Tanh",
                                      "Exp",   "Log",   "Neg",      "Abs",   "Sqrt",      "Rsqrt",   "Square",
                                      "Floor", "Ceil",  "Round",    "Erf",   "Softplus",  "Softsign", "Reciprocal",
                                      "Sign",  "Cast",  "Identity", "Swish", "Mish"};
const std::set<std::string> kBinary = {"Add",     "AddV2",   "Sub", "Mul", "RealDiv", "Div", "Maximum",
                                       "Minimum", "Pow",     "SquaredDifference", "FloorDiv", "FloorMod"};

// The new inputs of `op` once it reads the untransposed tensors, or an empty
// vector when the rule does not apply. `t` is the Transpose being sunk;
// `dropped` collects other Transposes that become unused.
std::vector<std::string> permuted_inputs(Graph& g, const Node& op, const Node& t, const Perm& p,
                                         const std::unordered_map<std::string, std::vector<Node*>>& consumers,
                                         std::vector<std::string>& added_consts,
                                         std::map<std::string, AttrValue>& new_attrs) {
  const int data = op.num_data_inputs();
  std::vector<std::string> in(op.inputs.begin(), op.inputs.begin() + data);
  const auto reads_t = [&](int i) {
    const TensorId id = op.input(i);
    return id.node == t.name && id.index == 0;
  };
  // Another Transpose with the same perm that only `op` reads.
  const auto same_transpose = [&](int i) -> const Node* {
    const TensorId id = op.input(i);
    const Node* o = g.find(id.node);
    if (!o || id.index != 0 || !control_inputs(*o).empty()) return nullptr;
    const std::optional<Perm> q = transpose_perm(g, *o);
    const auto it = consumers.find(o->name);
    if (!q || *q != p || it == consumers.end() || it->second.size() != 1) return nullptr;
    return o;
  };
  const auto add_const = [&](const Tensor& value, const std::string& base) {
    const std::string name = unique_name(g, base);
    g.add(make_const(name, value));
    added_consts.push_back(name);
    return name;
  };
  const int64_t rank = static_cast<int64_t>(p.size());
  if (kUnary.count(op.op)) {
    if (data != 1) return {};
    in[0] = t.inputs[0];
    return in;
  }
  if (kBinary.count(op.op)) {
    if (data != 2) return {};
    for (int i = 0; i < 2; ++i) {
      if (reads_t(i)) {
        in[i] = t.inputs[0];
      } else if (const Tensor* c = const_input(g, op, i)) {
        const Tensor permuted = permute_broadcast_constant(*c, p);
        if (!permuted.valid()) return {};
        in[i] = add_const(permuted, op.name + "/permuted_operand");
      } else if (const Node* o = same_transpose(i)) {
        in[i] = o->inputs[0];
      } else {
        return {};
      }
    }
    return in;
  }
  if (op.op == "Pad" || op.op == "PadV2" || op.op == "MirrorPad") {
    if (!reads_t(0) || feeds_only_convolutions(g, op.name)) return {};
    const Tensor* pads = const_input(g, op, 1);
    if (!pads || pads->rank() != 2 || pads->shape()[0] != rank || pads->shape()[1] != 2) return {};
    if (op.op == "PadV2" && !const_input(g, op, 2)) return {};
    const std::vector<int64_t> rows = pads->to_int64_vector();
    std::vector<std::vector<int64_t>> by_dim;
    for (int64_t d = 0; d < rank; ++d) by_dim.push_back({rows[2 * d], rows[2 * d + 1]});
    std::vector<int64_t> moved;
    for (const auto& row : scatter_by_perm(by_dim, p)) moved.insert(moved.end(), row.begin(), row.end());
    Tensor value(pads->dtype(), pads->shape());
    for (size_t i = 0; i < moved.size(); ++i) {
      if (pads->dtype() == DType::Int64) value.data<int64_t>()[i] = moved[i];
      else value.data<int32_t>()[i] = static_cast<int32_t>(moved[i]);
    }
    in[0] = t.inputs[0];
    in[1] = add_const(value, op.name + "/permuted_paddings");
    return in;
  }
  if (op.op == "BiasAdd") {
    // The channel dimension moves to p[channel]: NHWC when that is the last.
    if (data != 2 || !reads_t(0) || op.input(1).node == t.name) return {};
    const int64_t channel = op.attr_string_or("data_format", "NHWC") == "NCHW" ? 1 : rank - 1;
    if (channel < 0 || channel >= rank) return {};
    const int64_t moved = p[static_cast<size_t>(channel)];
    if (moved == rank - 1) new_attrs["data_format"] = std::string("NHWC");
    else if (moved == 1 && rank >= 3) new_attrs["data_format"] = std::string("NCHW");
    else return {};
    in[0] = t.inputs[0];
    return in;
  }
  if (op.op == "ConcatV2") {
    const Tensor* axis = const_input(g, op, data - 1);
    if (!axis || axis->num_elements() != 1) return {};
    int64_t a = axis->as_int64(0);
    if (a < 0) a += rank;
    if (a < 0 || a >= rank) return {};
    for (int i = 0; i + 1 < data; ++i) {
      if (reads_t(i)) in[i] = t.inputs[0];
      else if (const Node* o = same_transpose(i)) in[i] = o->inputs[0];
      else return {};
    }
    const int64_t moved = p[static_cast<size_t>(a)];
    in[data - 1] = add_const(axis->dtype() == DType::Int64 ? Tensor::scalar<int64_t>(moved)
                                                           : Tensor::scalar<int32_t>(static_cast<int32_t>(moved)),
                             op.name + "/permuted_axis");
    return in;
  }
  return {};
}

}  // namespace

PassStats sink_transposes(Graph& g, const PassContext& ctx) {
  PassStats stats;
  // Rounds until nothing moves: each round moves every Transpose one op down.
  for (int round = 0; round < 256; ++round) {
    bool moved = false;
    const auto consumers = consumer_map(g);
    std::set<std::string> touched;  // rewritten this round: the consumer map is stale for them
    for (Node* t : g.nodes()) {
      if (touched.count(t->name) || ctx.kept(t->name) || !control_inputs(*t).empty()) continue;
      const std::optional<Perm> p = transpose_perm(g, *t);
      if (!p) continue;
      const auto it = consumers.find(t->name);
      if (it == consumers.end() || it->second.size() != 1) continue;
      Node* op = it->second[0];
      if (touched.count(op->name) || op->op == "Transpose") continue;
      bool control_read = false;
      for (const std::string& in : op->inputs) control_read = control_read || in == "^" + t->name;
      const DType dtype = output_dtype(*op);
      if (control_read || dtype == DType::Invalid) continue;
      std::vector<std::string> added;
      std::map<std::string, AttrValue> new_attrs;
      std::vector<std::string> inputs = permuted_inputs(g, *op, *t, *p, consumers, added, new_attrs);
      if (inputs.empty()) {
        g.remove(added);
        continue;
      }
      Node moved_op = *op;
      moved_op.name = unique_name(g, op->name + "/permuted");
      std::vector<std::string> controls = control_inputs(*op);
      moved_op.inputs = inputs;
      for (auto& [key, value] : new_attrs) moved_op.attrs[key] = value;
      add_control_inputs(moved_op, controls);
      // Transposes the op read become unused.
      for (int i = 0; i < op->num_data_inputs(); ++i) touched.insert(op->input(i).node);
      const std::string moved_name = g.add(std::move(moved_op)).name;
      Node transposed = make_transpose(g, op->name, moved_name, *p, dtype);
      op->op = transposed.op;
      op->inputs = transposed.inputs;
      op->attrs = transposed.attrs;
      touched.insert(op->name);
      stats.add("transposes_sunk");
      moved = true;
    }
    if (!moved) break;
  }
  return stats;
}

}  // namespace frost
