// Reference twin of the fused element-wise chain (kernels/elementwise_chain.h):
// one element at a time, each step rounded to float as the unfused ops did.
#include <cmath>

#include "kernels/elementwise_chain.h"

namespace frost::kernels {

namespace {

float unary(UnaryOp op, float x) {
  switch (op) {
    case UnaryOp::Abs: return std::fabs(x);
    case UnaryOp::Neg: return -x;
    case UnaryOp::Square: return x * x;
    case UnaryOp::Sqrt: return std::sqrt(x);
    case UnaryOp::Rsqrt: return 1.0f / std::sqrt(x);
    case UnaryOp::Reciprocal: return 1.0f / x;
    case UnaryOp::Exp: return std::exp(x);
    default: return std::nanf("");  // not a chain op (unary_f32_supported)
  }
}

float binary(BinaryOp op, float a, float b) {
  switch (op) {
    case BinaryOp::Add: return a + b;
    case BinaryOp::Sub: return a - b;
    case BinaryOp::Mul: return a * b;
    case BinaryOp::Div: return a / b;
    case BinaryOp::Maximum: return std::isnan(a) || std::isnan(b) ? (std::isnan(a) ? a : b) : (a > b ? a : b);
    case BinaryOp::Minimum: return std::isnan(a) || std::isnan(b) ? (std::isnan(a) ? a : b) : (a < b ? a : b);
    case BinaryOp::SquaredDifference: return (a - b) * (a - b);
    default: return std::nanf("");
  }
}

}  // namespace

void elementwise_chain_reference(const ChainParams& p, const float* x, float* y) {
  for (int64_t i = 0; i < p.n; ++i) {
    const float in = x[i];
    float acc = in;
    for (int s = 0; s < p.num_steps; ++s) {
      const ChainStep& st = p.steps[s];
      switch (st.kind) {
        case ChainStep::Kind::kActivation:
          acc = static_cast<float>(activation_reference(st.activation, acc, st.alpha));
          break;
        case ChainStep::Kind::kUnary: acc = unary(st.unary, acc); break;
        case ChainStep::Kind::kBinary: {
          float v = 0.0f;
          switch (st.operand) {
            case ChainOperand::kInput: v = in; break;
            case ChainOperand::kTensor: v = st.data[i]; break;
            case ChainOperand::kChannel: v = st.data[i % p.channels]; break;
            case ChainOperand::kScalar: v = st.data[0]; break;
          }
          acc = st.operand_first ? binary(st.binary, v, acc) : binary(st.binary, acc, v);
          break;
        }
      }
    }
    y[i] = acc;
  }
}

}  // namespace frost::kernels
