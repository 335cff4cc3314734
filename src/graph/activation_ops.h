// TensorFlow's element-wise activation ops, one table for every layer: the
// kernel activation each one is (kernels/activation.h), its parameter's
// default, and whether TensorFlow fuses it into a contraction's epilogue
// (_FusedConv2D, _FusedDepthwiseConv2dNative, _FusedMatMul fused_ops).
// The reference kernels, the _Fused* ops, the fusion passes and the CPU
// backend's implementations all read it, so a new activation is one row here
// plus its formula in kernels/activation.h and kernels/simd/activation_impl.h.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "graph/graph.h"
#include "kernels/activation.h"

namespace frost {

// Where TensorFlow runs an activation fused after a contraction.
enum class TfFusion : uint8_t {
  kNone,    // never: Frost's passes leave it a separate node
  kStock,   // TensorFlow's stock CPU fused kernels take it
  kOneDnn,  // only TensorFlow's oneDNN builds (fused only with PassContext::runtime_fusions)
};

struct ActivationOp {
  std::string_view op;           // TensorFlow op name
  kernels::Activation kind;      // kNone: computed by a kernel of its own (Selu, Softplus)
  TfFusion tf_fusion = TfFusion::kNone;
  // The kernel's alpha when the node does not set it: LeakyRelu's slope
  // (attr "alpha", "leakyrelu_alpha" when fused) defaults to 0.2, Elu's
  // scale is fixed at 1 in TensorFlow.
  float default_alpha = 0.0f;
  bool alpha_attr = false;       // the alpha comes from the node's attrs
};

std::span<const ActivationOp> activation_ops();
// nullptr when `op` is not an activation op.
const ActivationOp* find_activation_op(std::string_view op);

// The alpha of an activation node (attr "alpha" or the default).
float activation_alpha(const Node& n, const ActivationOp& a);
// The alpha of activation `a` fused into `fused` (attr "leakyrelu_alpha", as TF names it).
float fused_activation_alpha(const Node& fused, const ActivationOp& a);

}  // namespace frost
