// The CPU backend's implementation families (runtime/implementation.h), one
// file each; implementation.cc lists them in the order they are tried.
// Outputs come from ctx.allocate_output (the plan's arena). For the ops whose
// OpDef lists inplace_inputs the output may be that input's storage: the SIMD
// loops load a vector of inputs before storing the same elements, so they are
// in-place safe; keep them so.
#pragma once

#include <vector>

#include "runtime/implementation.h"

namespace frost {

std::vector<Implementation> conv_implementations();            // conv2d/im2col_gemm, depthwise/simd (impl_conv.cc)
Implementation conv_winograd_implementation();                  // conv2d/winograd (impl_conv_winograd.cc)
// conv2d/im2col_gemm's kernel for any group count (impl_conv.cc): what a
// faster implementation chosen for an input of unknown depth runs when the
// depth turns out grouped.
KernelFn prepare_conv_im2col(const PrepareContext& ctx);
std::vector<Implementation> matmul_implementations();          // matmul/gemm (impl_matmul.cc)
std::vector<Implementation> conv_transpose_implementations();  // conv2d_backprop_input/gemm_col2im
std::vector<Implementation> pool_implementations();            // pool/simd, mean/spatial_pool (impl_pool.cc)
std::vector<Implementation> elementwise_implementations();     // binary/simd, bias_add/simd, unary/simd
std::vector<Implementation> elementwise_chain_implementations();  // chain/simd (impl_elementwise_chain.cc)
std::vector<Implementation> activation_implementations();      // activation/simd, softmax/simd
std::vector<Implementation> transpose_implementations();       // transpose/permute
std::vector<Implementation> join_split_implementations();      // concat/memcpy, split/view (impl_join_split.cc)
std::vector<Implementation> strided_slice_implementations();   // strided_slice/planned, slice/planned (impl_strided_slice.cc)
std::vector<Implementation> pad_implementations();             // pad/planned (impl_pad.cc)
std::vector<Implementation> reduce_implementations();          // reduce/simd (impl_reduce.cc)
std::vector<Implementation> rnn_implementations();             // lstm_cell/gemm, gru_cell/gemm (impl_rnn.cc)
std::vector<Implementation> quantized_matmul_implementations();  // quantized_matmul/rows (impl_quantized_matmul.cc)
std::vector<Implementation> audio_implementations();           // audio/fft, audio/mfcc_table (impl_audio.cc)

}  // namespace frost
