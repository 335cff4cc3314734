// The CPU backend: the same dataflow executor as the reference backend, with
// the compute-heavy ops lowered to the SIMD kernels (src/kernels/simd):
// Conv2D, DepthwiseConv2dNative, MatMul and their _Fused* forms (bias,
// residual add, activation applied in the GEMM epilogue), Conv2DBackpropInput
// (cpu_lower_conv_transpose.cc), and pooling, element-wise arithmetic,
// activations and softmax (cpu_lowerings.h). Constant weights are packed
// once, the first time a node runs, and reused by every later run.
// Any node a lowering does not cover (another dtype, NCHW, transpose_a, ...)
// runs its reference kernel, so every graph the reference backend runs, this
// one runs too.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "runtime/executor.h"

namespace frost {

class CpuBackend {
 public:
  explicit CpuBackend(const Graph& graph) : graph_(graph) {}

  // The kernel for `n`: a lowering if one applies, else def.reference.
  KernelFn kernel_for(const Node& n, const OpDef& def);
  // How many nodes got a SIMD lowering (for reports and tests).
  size_t lowered_nodes() const { return lowered_; }
  const Graph& graph() const { return graph_; }

 private:
  bool input_is_constant(const Node& n, int input) const;

  const Graph& graph_;
  std::mutex mutex_;
  std::unordered_map<std::string, KernelFn> kernels_;  // by node name
  size_t lowered_ = 0;
};

}  // namespace frost
