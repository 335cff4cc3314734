// One registry of ops keyed by TensorFlow op name. An entry says how many
// outputs a node has, how to infer output shapes, and how the reference
// backend computes it. Several names may share an entry's functions
// (FusedBatchNorm, V2, V3). Later backends add their lowerings beside these.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/graph.h"

namespace frost {

// What a kernel sees: the node (for attrs), its data inputs, and the output
// slots it must fill. Kernels allocate their outputs, with allocate_output
// where the runtime may plan the memory, or by set_output of any tensor.
class OpContext {
 public:
  // `planned`: per output, the arena view the runtime's plan reserved for it
  // (an invalid Tensor where nothing is planned); empty when running unplanned.
  OpContext(const Node& node, std::span<const Tensor> inputs, std::vector<Tensor>& outputs,
            std::span<const Tensor> planned = {})
      : node_(node), inputs_(inputs), outputs_(outputs), planned_(planned) {}

  const Node& node() const { return node_; }
  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  // Checked: a malformed graph may give a node fewer inputs than its kernel
  // reads (shape inference evaluates constant nodes before validation).
  const Tensor& input(int i) const {
    if (static_cast<size_t>(i) >= inputs_.size()) [[unlikely]]
      throw_missing_input(i);
    return inputs_[static_cast<size_t>(i)];
  }
  std::span<const Tensor> inputs() const { return inputs_; }
  int num_outputs() const { return static_cast<int>(outputs_.size()); }
  void set_output(int i, Tensor t) { outputs_.at(static_cast<size_t>(i)) = std::move(t); }
  // Output i as a tensor of this dtype and shape: the planned arena view when
  // it has exactly this dtype and shape, else a new heap tensor. The contents
  // are unspecified (an arena view holds old values): the kernel must write
  // every element. With the OpDef's inplace_inputs it may even be that input's
  // storage, so read input element j before writing output element j.
  Tensor& allocate_output(int i, DType dtype, Shape shape);
  // Bit i is set when output i came from allocate_output (i < 64), which tells
  // the planner this output may live in the arena.
  uint64_t allocated_outputs() const { return allocated_; }

  // An Error naming this node and op; `throw ctx.error("...")`.
  Error error(const std::string& message) const { return node_.error(message); }

 private:
  [[noreturn]] void throw_missing_input(int i) const;

 public:

 private:
  const Node& node_;
  std::span<const Tensor> inputs_;
  std::vector<Tensor>& outputs_;
  std::span<const Tensor> planned_;
  uint64_t allocated_ = 0;
};

// What a shape function sees: input shapes (possibly partial) and, where an
// input is a known constant, its value (needed for Reshape, Fill, ...).
struct ShapeContext {
  const Node& node;
  std::vector<PartialShape> input_shapes;
  std::vector<const Tensor*> input_values;  // nullptr where not constant

  Error error(const std::string& message) const { return node.error(message); }
};

// What the registry knows about one op.
struct OpDef {
  std::string name = {};
  // Number of outputs of a node of this op (most ops: 1; Split: num_split).
  std::function<int(const Node&)> num_outputs = [](const Node&) { return 1; };
  // Output shapes; returns unknown shapes where it cannot tell.
  std::function<std::vector<PartialShape>(const ShapeContext&)> infer_shapes = nullptr;
  // The reference (oracle) implementation.
  std::function<void(OpContext&)> reference = nullptr;
  // Attrs that must be present, with their expected kind name as reported
  // by AttrValue::kind_name() ("int", "list(int)", "type", ...), checked at load.
  std::vector<std::pair<std::string, std::string>> required_attrs = {};
  // Data inputs whose storage output 0 may take over when the input dies at
  // this node. Only for ops whose every kernel (reference and lowerings)
  // reads input element j before writing output element j, and no input
  // element after its output element was written: element-wise ops, BiasAdd's
  // value. The planner adds the rest: same dtype and byte size as the output
  // (so not broadcast), no other input of the node in the same storage.
  std::vector<int> inplace_inputs = {};
};

class OpRegistry {
 public:
  // The process-wide registry, filled on first use with every op family
  // (defined in runtime/ops/all_ops.cc, which owns the reference kernels).
  static const OpRegistry& global();

  void add(OpDef def);  // throws if the name is already registered
  const OpDef* find(std::string_view op) const;
  std::vector<std::string> names() const;  // sorted

 private:
  std::unordered_map<std::string, OpDef> ops_;
};

// Shape-function building blocks shared by many ops.
std::vector<PartialShape> shape_of_input0(const ShapeContext& ctx);
std::vector<PartialShape> shape_unknown(const ShapeContext& ctx);

}  // namespace frost
