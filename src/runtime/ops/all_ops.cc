// The list of op families. Adding a family: write its file, add it here.
#include "graph/op_registry.h"

namespace frost {

void register_array_ops(OpRegistry& r);    // shapes, slicing, joining, gathering
void register_control_ops(OpRegistry& r);  // placeholders, constants, identity, control flow
void register_fused_ops(OpRegistry& r);    // _FusedConv2D/_FusedDepthwiseConv2dNative/_FusedMatMul
void register_image_ops(OpRegistry& r);    // resize, space<->batch
void register_math_ops(OpRegistry& r);     // element-wise unary/binary, compare, cast, select
void register_nn_ops(OpRegistry& r);       // conv, matmul, bias, batch norm, activations, pool
void register_quant_ops(OpRegistry& r);    // (de)quantisation
void register_reduce_ops(OpRegistry& r);   // reductions, arg-max/min

void register_all_ops(OpRegistry& r) {
  register_array_ops(r);
  register_control_ops(r);
  register_fused_ops(r);
  register_image_ops(r);
  register_math_ops(r);
  register_nn_ops(r);
  register_quant_ops(r);
  register_reduce_ops(r);
}

}  // namespace frost
