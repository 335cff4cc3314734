// The FPGA backend stub: what a Vitis-AI-style flow (quantise to int8,
// compile for the DPU, run) would do to a model, on the same IR as the CPU
// backend. Made once per model: the graph is partitioned against a DPU arch
// (partition.h), calibrated on user inputs (calibrate.h), its weights
// quantised (dpu_ops.h); `run` then executes DPU nodes with the integer
// emulator and every other node with the CPU backend's kernels. It produces
// no bitstream or xmodel: it shows what the accelerator would compute.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/cpu_backend.h"
#include "runtime/executor.h"
#include "runtime/fpga/dpu_arch.h"
#include "runtime/fpga/dpu_ops.h"
#include "runtime/fpga/partition.h"

namespace frost::fpga {

class FpgaBackend {
 public:
  // Partitions `graph` (kept as a copy) against `arch`. `outputs` are the
  // tensors users fetch (they bound the DPU subgraphs).
  FpgaBackend(Graph graph, DpuArch arch, std::vector<TensorId> outputs);
  FpgaBackend(const FpgaBackend&) = delete;
  FpgaBackend& operator=(const FpgaBackend&) = delete;

  // Runs the float model on `batches`, fixes every DPU tensor's fix
  // position and quantises the weights. Must be called before run().
  void calibrate(const std::vector<FeedMap>& batches);
  bool calibrated() const { return calibrated_; }

  std::vector<Tensor> run(const FeedMap& feeds, const std::vector<TensorId>& fetches,
                          const RunOptions& options = {}) const;

  // "dpu/int8_emulator" for a node on the DPU, else the CPU backend's choice
  // ("" before the node ran).
  std::string implementation_of(const Node& n) const;

  const Graph& graph() const { return graph_; }
  const DpuArch& arch() const { return arch_; }
  const Partition& partition() const { return partition_; }
  const std::vector<TensorId>& outputs() const { return outputs_; }
  // Activation tensors read or written by DPU nodes -> fix position.
  const std::map<TensorId, int>& activation_fix_positions() const { return activation_fps_; }
  // Per DPU node: its quantised parameters (weights/bias fix positions).
  const std::map<std::string, std::shared_ptr<const DpuNodeParams>>& node_params() const { return params_; }

 private:
  Graph graph_;
  DpuArch arch_;
  std::vector<TensorId> outputs_;
  Partition partition_;
  bool calibrated_ = false;
  std::map<TensorId, int> activation_fps_;
  std::map<std::string, std::shared_ptr<const DpuNodeParams>> params_;
  std::map<std::string, KernelFn> dpu_kernels_;
  mutable std::unique_ptr<CpuBackend> cpu_;
};

}  // namespace frost::fpga
