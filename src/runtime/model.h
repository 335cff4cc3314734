// A loaded model: the graph plus what Frost detected about it, and `run`.
// This is the one place where graphs meet backends.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/signature.h"
#include "runtime/executor.h"

namespace frost {

// Fpga: the DPU emulator of src/runtime/fpga; it needs a calibrated plan
// (Model::set_fpga) before it can run.
enum class Backend { Reference, Cpu, Fpga };

namespace fpga {
class FpgaBackend;
}

// "reference", "cpu" or "fpga"; throws naming the choices otherwise.
Backend parse_backend(const std::string& name);
std::string backend_name(Backend b);

class Model {
 public:
  // Loads a .pb/.pbtxt GraphDef and validates its structure.
  static Model load(const std::string& path);
  explicit Model(Graph graph);

  const Graph& graph() const { return graph_; }
  const std::vector<GraphInput>& inputs() const { return inputs_; }
  const std::vector<GraphOutput>& outputs() const { return outputs_; }

  std::vector<Tensor> run(const FeedMap& feeds, const std::vector<TensorId>& fetches,
                          Backend backend = Backend::Cpu, const RunOptions& options = {}) const;

  // The partitioned, calibrated FPGA plan `run(..., Backend::Fpga)` uses
  // (built by the caller once: it needs an arch and calibration inputs).
  void set_fpga(std::shared_ptr<const fpga::FpgaBackend> plan) { fpga_ = std::move(plan); }
  const fpga::FpgaBackend* fpga() const { return fpga_.get(); }

 private:
  Graph graph_;
  // Lowered kernels and packed weights, made on the first CPU run and kept
  // (remade if this Model was copied or moved: they refer to graph_).
  mutable std::shared_ptr<class CpuBackend> cpu_;
  // Owns its own copy of the graph, so sharing it between copies is safe.
  std::shared_ptr<const fpga::FpgaBackend> fpga_;
  std::vector<GraphInput> inputs_;
  std::vector<GraphOutput> outputs_;
};

}  // namespace frost
