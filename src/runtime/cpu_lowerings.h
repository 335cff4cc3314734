// Lowerings of the memory-bound ops to the float32 element-wise SIMD kernels
// (src/kernels/simd/eltwise_f32.cc), one file per op family:
// cpu_lower_pool.cc, cpu_lower_elementwise.cc, cpu_lower_activation.cc.
// Each returns an empty KernelFn when `n` is not an op it lowers (or not
// float32, or not NHWC); the kernel it returns runs def.reference for inputs
// it does not take at run time (another dtype, a malformed input the
// reference reports), so lowering never changes which graphs run.
// Outputs come from ctx.allocate_output (the plan's arena). For the ops whose
// OpDef lists inplace_inputs the output may be that input's storage: the SIMD
// loops load a vector of inputs before storing the same elements, so they are
// in-place safe; keep them so.
#pragma once

#include "runtime/executor.h"

namespace frost {

// Whether the node's element type `T` is float32 (absent counts as float, as
// TensorFlow's default). A list-valued T (IdentityN) is not: these lowerings
// are asked about every node and must not throw on it.
inline bool element_type_is_float(const Node& n) {
  const auto it = n.attrs.find("T");
  return it == n.attrs.end() || (it->second.is<DType>() && it->second.type() == DType::Float);
}

KernelFn lower_pool(const Node& n, const OpDef& def);         // MaxPool, AvgPool, spatial Mean
KernelFn lower_elementwise(const Node& n, const OpDef& def);  // binary arithmetic, BiasAdd, unary math
KernelFn lower_activation(const Node& n, const OpDef& def);   // Relu..Tanh, Selu, Softplus, Softmax, LogSoftmax
KernelFn lower_transpose(const Node& n, const OpDef& def);    // Transpose, any fixed-size dtype

}  // namespace frost
