// Layout folds (layout_util.h) that remove the Transpose a converted graph
// leaves before its head.
// fold_transpose_into_matmul.cc: MatMul(Reshape(Transpose(x)), W) ->
// MatMul(Reshape(x), W with permuted rows): an NCHW Flatten before a Dense
// in a graph converted from ONNX/PyTorch (layout rules, layout_util.h).
#pragma once

#include "freeze/pass.h"

namespace frost {

PassStats fold_transpose_into_matmul(Graph& g, const PassContext& ctx);

// fold_transpose_into_reduction.cc: Mean/Sum/Max/Min/Prod(Transpose(x, p))
// -> the reduction of x over the permuted axes, when the kept dims stay in
// order (an NCHW global average pool after NHWC convolutions).
PassStats fold_transpose_into_reduction(Graph& g, const PassContext& ctx);

}  // namespace frost
