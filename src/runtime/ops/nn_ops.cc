// The nn op family, one file per kind of op.
#include "graph/op_registry.h"

namespace frost {

void register_nn_activation_ops(OpRegistry& r);  // Relu ... Softplus, Softmax, LogSoftmax
void register_nn_conv_ops(OpRegistry& r);        // Conv2D, DepthwiseConv2dNative, Conv2DBackpropInput
void register_nn_matmul_ops(OpRegistry& r);      // MatMul, BatchMatMul, V2, V3
void register_nn_norm_ops(OpRegistry& r);        // BiasAdd, BiasAddV1, FusedBatchNorm, V2, V3
void register_nn_pool_ops(OpRegistry& r);        // MaxPool, MaxPoolV2, AvgPool

void register_nn_ops(OpRegistry& r) {
  register_nn_activation_ops(r);
  register_nn_conv_ops(r);
  register_nn_matmul_ops(r);
  register_nn_norm_ops(r);
  register_nn_pool_ops(r);
}

}  // namespace frost
