// Activations that kernels fuse into their epilogue (GEMM, convolution).
// The scalar formulas below are the reference: every vectorised epilogue is
// tested against them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

namespace frost::kernels {

enum class Activation : uint8_t {
  kNone,
  kRelu,       // max(x, 0)
  kRelu6,      // min(max(x, 0), 6)
  kLeakyRelu,  // x > 0 ? x : alpha·x            (TensorFlow LeakyRelu, alpha = slope)
  kElu,        // x > 0 ? x : alpha·(exp(x) − 1)  (TensorFlow Elu has alpha = 1)
  kSigmoid,    // 1 / (1 + exp(−x))
  kTanh,       // tanh(x)
  kHardSwish,  // x·relu6(x + 3)/6                 (MobileNetV3, Keras hard_swish)
  kSwish,      // x·sigmoid(x)                     (Swish / SiLU: EfficientNet, Keras "swish")
};

// Every activation, for code that dispatches on the kind at compile time
// (with_activation below) and for the tests that cover each one:
// X(kind, name, transcendental), where transcendental says whether it costs
// an exp/tanh per element (the threading heuristics).
#define FROST_ACTIVATIONS(X)         \
  X(kNone, "none", false)            \
  X(kRelu, "relu", false)            \
  X(kRelu6, "relu6", false)          \
  X(kLeakyRelu, "leaky_relu", false) \
  X(kElu, "elu", true)               \
  X(kSigmoid, "sigmoid", true)       \
  X(kTanh, "tanh", true)             \
  X(kHardSwish, "hard_swish", false) \
  X(kSwish, "swish", true)

inline constexpr Activation kAllActivations[] = {
#define FROST_ACTIVATION_ENTRY(kind, name, transcendental) Activation::kind,
    FROST_ACTIVATIONS(FROST_ACTIVATION_ENTRY)
#undef FROST_ACTIVATION_ENTRY
};

// f(std::integral_constant<Activation, act>{}): one instantiation per kind,
// so a vectorised loop can take the activation as a template argument.
template <class F>
decltype(auto) with_activation(Activation act, F&& f) {
  switch (act) {
#define FROST_ACTIVATION_CASE(kind, name, transcendental) \
  case Activation::kind:                                  \
    return f(std::integral_constant<Activation, Activation::kind>{});
    FROST_ACTIVATIONS(FROST_ACTIVATION_CASE)
#undef FROST_ACTIVATION_CASE
  }
  return f(std::integral_constant<Activation, Activation::kNone>{});
}

constexpr bool is_transcendental(Activation act) {
  switch (act) {
#define FROST_ACTIVATION_CASE(kind, name, transcendental) \
  case Activation::kind:                                  \
    return transcendental;
    FROST_ACTIVATIONS(FROST_ACTIVATION_CASE)
#undef FROST_ACTIVATION_CASE
  }
  return false;
}

constexpr const char* activation_name(Activation act) {
  switch (act) {
#define FROST_ACTIVATION_CASE(kind, name, transcendental) \
  case Activation::kind:                                  \
    return name;
    FROST_ACTIVATIONS(FROST_ACTIVATION_CASE)
#undef FROST_ACTIVATION_CASE
  }
  return "?";
}

// The textbook formula, in double so that it can serve as an oracle.
inline double activation_reference(Activation act, double x, double alpha) {
  switch (act) {
    case Activation::kNone: return x;
    case Activation::kRelu: return std::max(x, 0.0);
    case Activation::kRelu6: return std::min(std::max(x, 0.0), 6.0);
    case Activation::kLeakyRelu: return x > 0.0 ? x : alpha * x;
    case Activation::kElu: return x > 0.0 ? x : alpha * std::expm1(x);
    case Activation::kSigmoid: return 1.0 / (1.0 + std::exp(-x));
    case Activation::kTanh: return std::tanh(x);
    case Activation::kHardSwish: return x * std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0;
    // As the graph it replaces computes it, Mul(x, Sigmoid(x)): −inf gives NaN (−inf·0).
    case Activation::kSwish: return x * (1.0 / (1.0 + std::exp(-x)));
  }
  return x;
}

}  // namespace frost::kernels
