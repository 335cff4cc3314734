// What a DPU can run, node by node (the checks against the arch's capability
// table, with the reason a node stays on the CPU), which inputs of a node are
// activations, and what a node costs on the DPU. partition.h groups the nodes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/shape_inference.h"
#include "runtime/fpga/dpu_arch.h"

namespace frost::fpga {

// Which inputs of a DPU node are activations (quantised at their calibrated
// fix position) rather than parameters (weights, bias, axis, paddings).
std::vector<int> activation_inputs(const Node& n);

// The Const that input `input` of `n` reads, directly or through Enter /
// Identity (weights reach a while-loop body through Enter), or nullptr.
const Node* constant_input(const Graph& g, const Node& n, int input);

// The op the arch lists for `n`: _FusedConv2D -> Conv2D, AddV2 -> Add, ...
std::string dpu_base_op(const std::string& op);

// Why `n` cannot run on the DPU, or "" if it can.
std::string dpu_rejection(const Graph& g, const Node& n, const DpuArch& arch,
                          const std::map<TensorId, InferredTensor>& shapes);

// Multiply-accumulates per run (unknown dims count as 1) and the int8
// weight + bias bytes `n` needs on the DPU.
int64_t dpu_node_macs(const Graph& g, const Node& n, const std::map<TensorId, InferredTensor>& shapes);
int64_t dpu_node_param_bytes(const Graph& g, const Node& n);

}  // namespace frost::fpga
