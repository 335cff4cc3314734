// The math op family: element-wise unary and binary ops, comparisons,
// logical ops, select, AddN and Cast (reference kernels in
// kernels/reference/elementwise.cc and cast.cc).
#include "graph/op_registry.h"

namespace frost {

namespace ops {
void register_math_binary_ops(OpRegistry& r);  // math_binary_ops.cc
void register_math_unary_ops(OpRegistry& r);   // math_unary_ops.cc
void register_math_select_ops(OpRegistry& r);  // math_select_ops.cc
}  // namespace ops

void register_math_ops(OpRegistry& r) {
  ops::register_math_binary_ops(r);
  ops::register_math_unary_ops(r);
  ops::register_math_select_ops(r);
}

}  // namespace frost
