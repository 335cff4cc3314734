// CPU-backend lowering of Conv2DBackpropInput (the transposed convolution)
// to the SIMD kernel conv2d_backprop_input_f32 (kernels/conv_simd.h).
#pragma once

#include "graph/op_registry.h"
#include "runtime/executor.h"

namespace frost {

// The lowered kernel for a float NHWC Conv2DBackpropInput node, or an empty
// KernelFn when the node is something else (other op, dtype or layout).
// `constant_filter`: the filter input is a Const, so it is packed once, the
// first time the node runs. input_sizes is read at run time, so it need not
// be constant. Malformed inputs throw the reference kernel's errors.
KernelFn lower_conv2d_backprop_input(const Node& n, const OpDef& def, bool constant_filter);

}  // namespace frost
