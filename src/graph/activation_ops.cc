#include "graph/activation_ops.h"

namespace frost {

using kernels::Activation;

namespace {

constexpr ActivationOp kActivationOps[] = {
    {"Relu", Activation::kRelu, TfFusion::kStock},
    {"Relu6", Activation::kRelu6, TfFusion::kStock},
    {"Elu", Activation::kElu, TfFusion::kStock, 1.0f},
    {"LeakyRelu", Activation::kLeakyRelu, TfFusion::kStock, 0.2f, true},
    {"Sigmoid", Activation::kSigmoid, TfFusion::kOneDnn},
    {"Tanh", Activation::kTanh, TfFusion::kOneDnn},
    {"HardSwish", Activation::kHardSwish},
    // x·sigmoid(x) as one op, under the name TensorFlow's oneDNN builds give
    // it (their remapper fuses Mul(x, Sigmoid(x)) into _MklSwish, and takes
    // it as a fused_ops activation); fuse_swish.cc writes it.
    {"_MklSwish", Activation::kSwish, TfFusion::kOneDnn},
    {"Selu", Activation::kNone},
    {"Softplus", Activation::kNone},
};

}  // namespace

std::span<const ActivationOp> activation_ops() { return kActivationOps; }

const ActivationOp* find_activation_op(std::string_view op) {
  for (const ActivationOp& a : kActivationOps)
    if (a.op == op) return &a;
  return nullptr;
}

float activation_alpha(const Node& n, const ActivationOp& a) {
  return a.alpha_attr ? n.attr_float_or("alpha", a.default_alpha) : a.default_alpha;
}

float fused_activation_alpha(const Node& fused, const ActivationOp& a) {
  return a.alpha_attr ? fused.attr_float_or("leakyrelu_alpha", a.default_alpha) : a.default_alpha;
}

}  // namespace frost
