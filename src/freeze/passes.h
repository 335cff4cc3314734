// Every rewrite rule, one per file, as a function the driver registers (see
// pass_driver.cc for the order). Each changes the graph in place, respects
// PassContext::keep, and returns what it changed.
#pragma once

#include <map>
#include <string>

#include "freeze/pass.h"

namespace frost {

// remove_identity.cc: Identity/IdentityN/StopGradient/Snapshot/PreventGradient/
// CheckNumerics/NoOp go; consumers read the forwarded tensor.
PassStats remove_identity(Graph& g, const PassContext& ctx);
bool is_identity_like(const std::string& op);

// remove_unused.cc: nodes the outputs do not need go (fed nodes stay).
PassStats remove_unused(Graph& g, const PassContext& ctx);

// resolve_conditionals.cc: Switch with a constant predicate forwards to its
// live port, the dead branch is removed, Merge takes its one live input.
// Usable on its own (freeze resolves the learning phase with it); returns the
// number of Switch nodes resolved.
int resolve_constant_conditionals(Graph& g, const PassContext& ctx = {});
PassStats resolve_conditionals_pass(Graph& g, const PassContext& ctx);

// set_constants.cc: replaces the nodes named in `values` (placeholders such as
// keep_prob or keras_learning_phase) by Consts of those values. Throws if a
// name is missing or the dtype differs from the placeholder's.
int set_constant_inputs(Graph& g, const std::map<std::string, Tensor>& values);
// PlaceholderWithDefault nodes that are not fed become their default.
PassStats fold_placeholder_defaults(Graph& g, const PassContext& ctx);

// remove_dropout.cc: random masks that are constant (floor(keep_prob + U[0,1))
// with keep_prob 1, U >= 0) become identities.
PassStats remove_dropout(Graph& g, const PassContext& ctx);

// constant_folding.cc: nodes whose inputs are all Const are evaluated and
// replaced; Shape/Size/Rank of statically known shapes become Consts.
PassStats fold_constants(Graph& g, const PassContext& ctx);

// Helpers of constant_folding.cc, shared with fold_dequantize.cc:
// runs a node's reference kernel (empty on any failure), and replaces a node
// by Consts of its outputs (same name for one output; false if over the cap,
// a kept multi-output node, or a resource value).
std::vector<Tensor> evaluate_node(const Node& n, const std::vector<Tensor>& inputs);
bool replace_with_constants(Graph& g, Node& n, const std::vector<Tensor>& outputs, int64_t max_bytes,
                            const PassContext& ctx);

// algebraic_identity.cc: x*1, x/1, x+0, x-0 with a scalar constant -> x.
PassStats remove_trivial_arithmetic(Graph& g, const PassContext& ctx);

// fold_dequantize.cc: Dequantize of Const inputs -> float Const.
PassStats fold_dequantize(Graph& g, const PassContext& ctx);

// merge_duplicate_constants.cc: Consts with equal dtype, shape and bytes merge.
PassStats merge_duplicate_constants(Graph& g, const PassContext& ctx);

// fold_batch_norm.cc: FusedBatchNorm/V2/V3 (inference) into the preceding
// Conv2D/DepthwiseConv2dNative/MatMul (+BiasAdd), else into a per-channel Mul+Add.
PassStats fold_batch_norm(Graph& g, const PassContext& ctx);

// fold_scale_into_conv.cc: Mul by a per-channel constant after a linear op
// folds into its weights; Add/Sub of a per-channel constant into its bias.
PassStats fold_mul_into_weights(Graph& g, const PassContext& ctx);
PassStats fold_add_into_bias(Graph& g, const PassContext& ctx);

// fold_scale_into_next_conv.cc: per-channel Mul/Add read only by convs
// (VALID or 1x1 when shifting) or matmuls -> their weights and bias.
PassStats fold_scale_into_next_conv(Graph& g, const PassContext& ctx);

// fold_pad_into_conv.cc: zero spatial Pad before a convolution -> EXPLICIT padding.
PassStats fold_pad_into_conv(Graph& g, const PassContext& ctx);

// fold_pad_into_max_pool.cc: zero spatial Pad of a ReLU output before a VALID
// MaxPool -> the pool's EXPLICIT padding.
PassStats fold_pad_into_max_pool(Graph& g, const PassContext& ctx);

// fuse_swish.cc: Mul(x, Sigmoid(x)) (either order) -> _MklSwish(x), an
// activation the epilogue fusions take; only with runtime_fusions and cpu_fusions.
PassStats fuse_swish(Graph& g, const PassContext& ctx);

// fuse_bias_activation.cc: Conv2D/DepthwiseConv2dNative/MatMul + BiasAdd
// (+ activation) -> _FusedConv2D/_FusedDepthwiseConv2dNative/_FusedMatMul.
PassStats fuse_bias_activation(Graph& g, const PassContext& ctx);

// fuse_residual_add.cc: _FusedConv2D[BiasAdd] + same-shape Add (+ activation)
// -> _FusedConv2D[BiasAdd, Add(, act)]; only with PassContext::runtime_fusions.
PassStats fuse_residual_add(Graph& g, const PassContext& ctx);

// fuse_scale_after_activation.cc: per-channel Mul/Add after a _Fused*
// contraction's activation -> its "Scale"/"Shift" epilogue steps; only with
// PassContext::runtime_fusions.
PassStats fuse_scale_after_activation(Graph& g, const PassContext& ctx);

// fuse_elementwise_chain.cc: chains of element-wise ops -> one
// _FusedElementwise (one pass over memory); only with runtime_fusions.
PassStats fuse_elementwise_chain(Graph& g, const PassContext& ctx);

// Layout rules for graphs converted from ONNX/PyTorch (layout_util.h).
// cancel_transposes.cc: Transpose(Transpose(x, p), q) -> x when q undoes p,
// else one Transpose; identity perms -> Identity.
PassStats cancel_transposes(Graph& g, const PassContext& ctx);
// sink_transposes.cc: Op(Transpose(x, p)) -> Transpose(Op'(x), p) for
// element-wise ops, Pad, BiasAdd and ConcatV2.
PassStats sink_transposes(Graph& g, const PassContext& ctx);
// hoist_transpose_above_pad.cc: Transpose(Pad(x)) read by convolutions ->
// Pad(Transpose(x)), for fold_pad_into_conv.
PassStats hoist_transpose_above_pad(Graph& g, const PassContext& ctx);
// nchw_to_nhwc.cc: NCHW Conv2D/DepthwiseConv2dNative/MaxPool/AvgPool ->
// Transpose -> NHWC op -> Transpose.
PassStats nchw_to_nhwc(Graph& g, const PassContext& ctx);
// trivial_split_concat.cc: Split into one piece, ConcatV2 of one -> Identity.
PassStats remove_trivial_split_concat(Graph& g, const PassContext& ctx);
// fold_space_to_batch_conv.cc: SpaceToBatchND -> conv -> BatchToSpaceND ->
// one dilated conv.
PassStats fold_space_to_batch_conv(Graph& g, const PassContext& ctx);
// group_convolutions.cc: channel slices -> G x Conv2D -> ConcatV2 -> one
// grouped Conv2D, or DepthwiseConv2dNative for one channel per group.
PassStats group_convolutions(Graph& g, const PassContext& ctx);

// fuse_lstm_cell.cc: one LSTM step (Keras, tf.nn, tf.contrib; unrolled or in
// a loop body) -> _FrostLSTMCell; only with PassContext::runtime_fusions.
PassStats fuse_lstm_cells(Graph& g, const PassContext& ctx);
// fuse_gru_cell.cc: one GRU step (Keras reset_after true/false, tf.nn
// GRUCell) -> _FrostGRUCell; only with PassContext::runtime_fusions.
PassStats fuse_gru_cells(Graph& g, const PassContext& ctx);
// project_lstm_inputs.cc: an LSTM cell reading rows of a constant embedding
// table -> the table times the kernel's x rows, looked up (x_projected);
// only with PassContext::runtime_fusions.
PassStats project_lstm_inputs(Graph& g, const PassContext& ctx);

}  // namespace frost
