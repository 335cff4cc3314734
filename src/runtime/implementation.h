// An op's implementations in the runtime: per TensorFlow op, an ordered list
// of named implementations, most specialised first and the op's reference
// kernel last (as oneDNN does). The graph layer keeps the op's schema
// (graph/op_registry.h); this is the other half.
//
// An implementation says whether it applies to a node (attrs, dtypes, the
// shapes and values of constant inputs, the CPU's ISA) and prepares a kernel
// closure for it once per model: constant weights are packed and parameters
// that do not depend on the input shapes are computed then, never per run.
// The CPU backend takes the first implementation that applies and records
// its name (bench --profile prints it). A prepared kernel still hands an
// input it cannot take at run time (a shape prepare could not see, a
// malformed input whose error the reference reports) to the reference kernel.
//
// FROST_IMPL=entry[,entry...] (or an ImplFilter given to CpuBackend) forces
// or excludes implementations, for tests and comparisons: an entry matches
// an implementation by full name ("conv2d/im2col_gemm"), family ("conv2d")
// or variant ("reference", "simd"). "X" restricts every op that has an
// implementation matching X to the matching ones; "-X" skips the matching
// ones. The reference always remains as the last resort, so FROST_IMPL=reference
// runs the oracle's kernels through the CPU backend's planner.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/op_registry.h"
#include "kernels/gemm.h"
#include "runtime/executor.h"

namespace frost {

// What an implementation sees when it is chosen and prepared.
struct PrepareContext {
  const Node& node;
  const OpDef& def;
  // Per data input: its value when the input is a Const node's output (the
  // weights of a frozen graph), else nullptr.
  std::vector<const Tensor*> constants;
  // Per data input: its shape as static shape inference knows it (unknown
  // rank where it does not); run-time inputs may still differ (feeds of
  // other shapes), so kernels check what they rely on.
  std::vector<PartialShape> input_shapes = {};
  kernels::GemmIsa isa = kernels::GemmIsa::kAuto;

  const Tensor* constant(int i) const {
    return i >= 0 && static_cast<size_t>(i) < constants.size() ? constants[static_cast<size_t>(i)] : nullptr;
  }
  // Dimension `d` of input i, or -1 when not known.
  int64_t input_dim(int i, int d) const {
    if (i < 0 || static_cast<size_t>(i) >= input_shapes.size()) return -1;
    const PartialShape& s = input_shapes[static_cast<size_t>(i)];
    return s.known_rank() && d < s.rank() ? s.dim(d) : -1;
  }
  int num_inputs() const { return static_cast<int>(constants.size()); }
  // The node's element type: attr T, float when absent (TensorFlow's
  // default), Invalid when T is not one type (IdentityN's list).
  DType dtype() const {
    const auto it = node.attrs.find("T");
    if (it == node.attrs.end()) return DType::Float;
    return it->second.is<DType>() ? it->second.type() : DType::Invalid;
  }
};

struct Implementation {
  std::string name;                 // "<family>/<variant>", e.g. "conv2d/im2col_gemm"
  std::vector<std::string> ops;     // the TensorFlow ops it serves
  std::function<bool(const PrepareContext&)> applies;
  std::function<KernelFn(const PrepareContext&)> prepare;
};

// The name of op's reference implementation: "<Op>/reference".
std::string reference_implementation_name(std::string_view op);

// The implementations of `op`, in the order they are tried, without the
// reference (which every op has, last).
const std::vector<const Implementation*>& implementations_for(std::string_view op);
// Every implementation of every op, in table order (for tests and `frost ops`).
const std::vector<Implementation>& all_implementations();

// Which implementations may be chosen (see the top of this file).
class ImplFilter {
 public:
  ImplFilter() = default;
  // Parses "a,-b,c"; throws frost::Error for an entry that matches no
  // implementation, or that excludes a reference.
  static ImplFilter parse(std::string_view spec);
  // From $FROST_IMPL (empty: no filter).
  static ImplFilter from_env();

  // Whether `impl` (an implementation of `op`) may be chosen.
  bool allows(std::string_view op, const Implementation& impl) const;
  bool empty() const { return force_.empty() && exclude_.empty(); }

 private:
  std::vector<std::string> force_, exclude_;
};

// The kernel chosen for a node, with its implementation's name.
struct ChosenKernel {
  KernelFn kernel;
  std::string implementation;
};

// The first implementation of ctx.node.op that `filter` allows and that
// applies, prepared; else the reference.
ChosenKernel choose_implementation(const PrepareContext& ctx, const ImplFilter& filter = {});

}  // namespace frost
