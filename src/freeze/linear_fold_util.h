// What the BatchNorm / scale / bias folding rules share: recognising a
// linear op with constant weights (Conv2D, DepthwiseConv2dNative, MatMul),
// knowing which weight elements feed which output channel, and reading a
// constant that is per-channel (one value per output channel, or one value).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "freeze/pass.h"
#include "graph/graph.h"

namespace frost {

struct LinearOp {
  Node* node = nullptr;
  const Tensor* weights = nullptr;  // the Const filter / matrix
  int64_t channels = 0;             // output channels
  int out_rank = 0;                 // rank of its output (4 for conv, 2 for MatMul)
  std::string data_format;          // "NHWC" / "NCHW" for convs, "" for MatMul
};

// `name`'s producer as a linear op with constant float weights, if it is one.
std::optional<LinearOp> as_linear_op(Graph& g, const std::string& tensor_name);

// Copy of the weights with every element feeding output channel c scaled by
// scale[c] (HWIO: c is the last dim; depthwise [H,W,C,M]: c = ci*M + m;
// MatMul: column, or row when transpose_b).
Tensor scale_weights(const LinearOp& op, const std::vector<double>& scale);

// The values of a constant per output channel when it broadcasts over the
// channel axis of an output of rank `out_rank` in NHWC-like layout (channel
// last) without changing the output's shape: a single value, or shape [C] or
// [1, ..., 1, C] of rank <= out_rank. Otherwise nullopt.
std::optional<std::vector<double>> per_channel(const Tensor& c, int64_t channels, int out_rank);

// A float Const vector of the given values (dtype of the weights).
Tensor float_vector(const std::vector<double>& values, DType dtype);

// Adds a Const to the graph under a fresh name based on `base`; returns the name.
std::string add_const(Graph& g, const std::string& base, const Tensor& value);

// Turns `n` into BiasAdd(input, bias) keeping its name and control inputs.
void become_bias_add(Node& n, const std::string& input, const std::string& bias, DType t,
                     const std::string& data_format = "NHWC");

}  // namespace frost
