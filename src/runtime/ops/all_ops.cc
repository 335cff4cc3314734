// The list of op families and the process-wide registry they fill. Adding a
// family: write its file, add it here.
#include "graph/op_registry.h"

namespace frost {

void register_array_ops(OpRegistry& r);    // shapes, slicing, joining, gathering
void register_audio_ops(OpRegistry& r);    // WAV decoding, spectrogram, MFCC
void register_container_ops(OpRegistry& r);  // TensorArray, TensorList
void register_control_ops(OpRegistry& r);  // placeholders, constants, identity, control flow
void register_ctc_ops(OpRegistry& r);      // CTC decoding
void register_fused_ops(OpRegistry& r);    // _FusedConv2D/_FusedDepthwiseConv2dNative/_FusedMatMul
void register_image_ops(OpRegistry& r);    // resize, space<->batch
void register_math_ops(OpRegistry& r);     // element-wise unary/binary, compare, cast, select
void register_nn_ops(OpRegistry& r);       // conv, matmul, bias, batch norm, activations, pool
void register_pipeline_ops(OpRegistry& r);  // tf.data iterators, queues (fed, not run)
void register_quant_ops(OpRegistry& r);    // (de)quantisation
void register_random_ops(OpRegistry& r);   // random values (dropout masks)
void register_reduce_ops(OpRegistry& r);   // reductions, arg-max/min
void register_rnn_cell_ops(OpRegistry& r);  // _FrostLSTMCell, _FrostGRUCell (fused recurrent steps)

namespace {

void register_all_ops(OpRegistry& r) {
  register_array_ops(r);
  register_audio_ops(r);
  register_container_ops(r);
  register_control_ops(r);
  register_ctc_ops(r);
  register_fused_ops(r);
  register_image_ops(r);
  register_math_ops(r);
  register_nn_ops(r);
  register_pipeline_ops(r);
  register_quant_ops(r);
  register_random_ops(r);
  register_reduce_ops(r);
  register_rnn_cell_ops(r);
}

}  // namespace

// Declared by the graph layer (graph/op_registry.h: the schema), filled here
// with the reference kernels: the registry's contents belong to the runtime.
const OpRegistry& OpRegistry::global() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    register_all_ops(r);
    return r;
  }();
  return registry;
}

}  // namespace frost
