// A chain of element-wise steps done in one pass over memory (what the
// fuse_elementwise_chain pass makes of Mul → Add → Relu6, Sigmoid → Mul
// (swish), the pieces of hard-swish, ...): acc = x[i], then each step
// acc = f(acc) or acc = op(acc, operand[i]) (or op(operand[i], acc)),
// then y[i] = acc. Every step rounds to float, as the unfused ops did.
//
// Twins with the same signature: elementwise_chain_reference (scalar, the
// oracle) and elementwise_chain_f32 (SIMD per ISA, kernels/simd). Both take a
// chunk of the tensor viewed as rows of `channels` (the last axis).
#pragma once

#include <cstdint>

#include "kernels/activation.h"
#include "kernels/elementwise.h"
#include "kernels/gemm.h"

namespace frost::kernels {

// Where a binary step's other operand comes from.
enum class ChainOperand : uint8_t {
  kInput,    // x itself, the chain's input (swish: x · sigmoid(x))
  kTensor,   // a tensor of x's shape
  kChannel,  // one value per channel (the last axis), `channels` floats
  kScalar,   // one value
};

struct ChainStep {
  enum class Kind : uint8_t { kActivation, kUnary, kBinary } kind = Kind::kActivation;
  Activation activation = Activation::kNone;  // kActivation
  float alpha = 0.0f;                         // kLeakyRelu's slope, kElu's scale
  UnaryOp unary = UnaryOp::Abs;               // kUnary: unary_f32_supported's ops
  BinaryOp binary = BinaryOp::Add;            // kBinary: Add, Sub, Mul, Div, Maximum, Minimum, SquaredDifference
  bool operand_first = false;                 // op(operand, acc) instead of op(acc, operand)
  ChainOperand operand = ChainOperand::kTensor;
  const float* data = nullptr;  // kTensor: n floats; kChannel: channels floats; kScalar: one
};

// The steps of the kernels can take at most this many steps.
constexpr int kMaxChainSteps = 16;

struct ChainParams {
  int64_t n = 0;         // elements of x and y (a multiple of channels)
  int64_t channels = 1;  // length of the last axis (kChannel operands)
  const ChainStep* steps = nullptr;
  int num_steps = 0;  // <= kMaxChainSteps
};

// y = chain(x); y may equal x (in place). Steps round to float after each op.
void elementwise_chain_reference(const ChainParams& p, const float* x, float* y);
void elementwise_chain_f32(const ChainParams& p, const float* x, float* y, const GemmRun& run = {});

}  // namespace frost::kernels
