#include "runtime/fpga/fpga_backend.h"

#include "graph/op_registry.h"
#include "runtime/fpga/calibrate.h"

namespace frost::fpga {

FpgaBackend::FpgaBackend(Graph graph, DpuArch arch, std::vector<TensorId> outputs)
    : graph_(std::move(graph)), arch_(std::move(arch)), outputs_(std::move(outputs)) {
  partition_ = partition_graph(graph_, arch_, outputs_);
  cpu_ = std::make_unique<CpuBackend>(graph_);
}

void FpgaBackend::calibrate(const std::vector<FeedMap>& batches) {
  if (batches.empty()) throw Error("the FPGA backend needs at least one calibration input");
  const std::map<TensorId, double> ranges = calibrate_ranges(graph_, batches, outputs_);
  activation_fps_ = fpga::activation_fix_positions(graph_, partition_, ranges);
  params_.clear();
  dpu_kernels_.clear();
  for (const auto& [name, placement] : partition_.nodes) {
    if (!placement.on_dpu) continue;
    const Node& n = graph_.at(name);
    const OpDef* def = OpRegistry::global().find(n.op);
    if (!def) throw Error("op has no reference kernel").node(n.name).op(n.op);
    auto params = std::make_shared<const DpuNodeParams>(prepare_dpu_node(graph_, n, activation_fps_));
    params_[name] = params;
    dpu_kernels_[name] = dpu_kernel(n, params, def->reference);
  }
  calibrated_ = true;
}

std::vector<Tensor> FpgaBackend::run(const FeedMap& feeds, const std::vector<TensorId>& fetches,
                                     const RunOptions& options) const {
  if (!calibrated_) throw Error("the FPGA backend runs only after calibration (calibrate it on sample inputs)");
  CpuBackend* cpu = cpu_.get();
  const auto& dpu = dpu_kernels_;
  return run_graph(
      graph_, feeds, fetches,
      [cpu, &dpu](const Node& n, const OpDef& def) {
        const auto it = dpu.find(n.name);
        return it != dpu.end() ? it->second : cpu->kernel_for(n, def);
      },
      options);
}

}  // namespace frost::fpga
