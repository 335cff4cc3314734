#include "runtime/model.h"

#include "graph/graphdef_convert.h"
#include "graph/validate.h"
#include "runtime/cpu_backend.h"
#include "runtime/fpga/fpga_backend.h"

namespace frost {

Backend parse_backend(const std::string& name) {
  if (name == "reference") return Backend::Reference;
  if (name == "cpu") return Backend::Cpu;
  if (name == "fpga") return Backend::Fpga;
  throw Error("unknown backend '" + name + "' (available: cpu, reference, fpga)");
}

std::string backend_name(Backend b) {
  switch (b) {
    case Backend::Reference: return "reference";
    case Backend::Cpu: return "cpu";
    case Backend::Fpga: return "fpga";
  }
  return "?";
}

Model Model::load(const std::string& path) {
  Graph g = load_graph(path);
  validate_graph(g);
  return Model(std::move(g));
}

Model::Model(Graph graph)
    : graph_(std::move(graph)), inputs_(detect_inputs(graph_)), outputs_(detect_outputs(graph_)) {}

std::vector<Tensor> Model::run(const FeedMap& feeds, const std::vector<TensorId>& fetches, Backend backend,
                               const RunOptions& options) const {
  switch (backend) {
    case Backend::Reference: return run_reference(graph_, feeds, fetches, options);
    case Backend::Cpu: {
      if (!cpu_ || &cpu_->graph() != &graph_) cpu_ = std::make_shared<CpuBackend>(graph_);
      CpuBackend* cpu = cpu_.get();
      return run_graph(graph_, feeds, fetches,
                       [cpu](const Node& n, const OpDef& def) { return cpu->kernel_for(n, def); }, options);
    }
    case Backend::Fpga:
      if (!fpga_)
        throw Error("the fpga backend needs a calibrated plan: pass --calib DIR_OR_DATASET (see frost compile)");
      return fpga_->run(feeds, fetches, options);
  }
  throw Error("backend not available");
}

}  // namespace frost
