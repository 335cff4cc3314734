// One DPU node as the emulator runs it. Between nodes the executor passes
// float tensors; a DPU node quantises its activation inputs at their fix
// positions, computes with the int8 kernels (kernels/int8_dpu.h) and writes
// q * 2^-fp_out back as float. Values made by another DPU node are already on
// their tensor's grid, so re-quantising them is exact: a chain of DPU nodes
// computes exactly what the int8 pipeline would, and a DPU<->CPU boundary is
// the quantise/dequantise step of the real flow.
#pragma once

#include <memory>
#include <vector>

#include "graph/graph.h"
#include "graph/shape.h"
#include "kernels/int8_dpu.h"
#include "runtime/executor.h"

namespace frost::fpga {

struct DpuNodeParams {
  std::vector<int> in_fps;  // one per activation_inputs(node), in that order
  int out_fp = 0;
  // Contractions: int8 weights (MatMul stored [K, N] whatever transpose_b), bias.
  std::vector<int8_t> weights;
  Shape weight_shape;
  int weight_fp = 0;
  std::vector<int8_t> bias;
  int bias_fp = 0;
  kernels::DpuActivation activation = kernels::DpuActivation::None;
};

// Quantises the node's constant weights and bias (fix positions from their
// own max |w|) and records the activation fix positions.
DpuNodeParams prepare_dpu_node(const Graph& g, const Node& n, const std::map<TensorId, int>& activation_fps);

// The kernel that emulates `n` on the DPU. `reference` is the op's float
// reference kernel, used for the ops that only move data (Pad, Reshape) on
// values already snapped to the grid.
KernelFn dpu_kernel(const Node& n, std::shared_ptr<const DpuNodeParams> params, KernelFn reference);

}  // namespace frost::fpga
