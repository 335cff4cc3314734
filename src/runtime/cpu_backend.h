// The CPU backend: the same dataflow executor (and planner) as the reference
// backend, with each node's kernel chosen from its op's ordered list of
// implementations (runtime/implementation.h): the SIMD kernels of
// src/kernels/simd for convolutions, matrix products, pooling, element-wise
// arithmetic, activations and softmax, and the reference kernel for every
// other node, so every graph the reference backend runs, this one runs too.
// A node's implementation is chosen and prepared (constant weights packed)
// the first time a run needs it, once per model, from its attrs, its Const
// inputs and the statically inferred shapes of its inputs.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "graph/shape_inference.h"
#include "runtime/executor.h"
#include "runtime/implementation.h"

namespace frost {

class CpuBackend {
 public:
  // `filter` forces or excludes implementations (default: $FROST_IMPL).
  explicit CpuBackend(const Graph& graph, ImplFilter filter = ImplFilter::from_env())
      : graph_(graph), filter_(std::move(filter)) {}

  // The kernel for `n`: its chosen implementation, prepared once and kept.
  KernelFn kernel_for(const Node& n, const OpDef& def);
  // The name of the implementation chosen for node `name` ("" before the
  // node first ran).
  std::string implementation_of(const std::string& name) const;
  // How many nodes got an implementation other than the reference (for reports and tests).
  size_t lowered_nodes() const;
  const Graph& graph() const { return graph_; }

 private:
  const Graph& graph_;
  const ImplFilter filter_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, ChosenKernel> kernels_;  // by node name
  // Static shapes of every tensor, inferred once, when the first node is prepared.
  std::optional<std::map<TensorId, InferredTensor>> shapes_;
};

}  // namespace frost
