// Frost's _FusedElementwise op (fuse_elementwise_chain writes it; TensorFlow
// cannot load it): a chain of element-wise ops run in one pass over memory.
//   inputs: x, then the operands the steps read
//   attrs:  T (float), and per step, in order:
//     steps          list(string)  the TensorFlow op: an activation
//                                  (graph/activation_ops.h), Abs, Neg,
//                                  Square, Sqrt, Rsqrt, Reciprocal, Exp, or a
//                                  binary AddV2, Sub, Mul, RealDiv, Maximum,
//                                  Minimum, SquaredDifference
//     operands       list(int)     -1 for a unary step; else the input the
//                                  binary step's other operand is (0: x)
//     operand_first  list(int)     1: op(operand, acc), 0: op(acc, operand)
//     alphas         list(float)   LeakyRelu's alpha (0 elsewhere)
// acc starts as x; the output is acc after the last step, of x's shape (the
// pass only chains ops that keep it; operands broadcast onto it).
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace frost {

struct ElementwiseStep {
  std::string op;
  int operand = -1;  // input index, -1 for unary
  bool operand_first = false;
  float alpha = 0.0f;
};

// The node's steps; throws the node's error when the attrs disagree (list
// lengths, operand indices out of range, an op no kernel chains).
std::vector<ElementwiseStep> read_elementwise_steps(const Node& n);

// Writes the steps into the node's attrs (the inverse of read_elementwise_steps).
void write_elementwise_steps(Node& n, const std::vector<ElementwiseStep>& steps);

// Whether `op` can be a step: unary (activation or math) or binary.
bool chainable_unary(const std::string& op);
bool chainable_binary(const std::string& op);

}  // namespace frost
