#include "runtime/model.h"

#include "graph/graphdef_convert.h"
#include "graph/validate.h"
#include "io/model_file.h"
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
  Graph g = load_model_file(path);
  validate_graph(g);
  return Model(std::move(g));
}

struct Model::Runtime {
  explicit Runtime(const Graph& g) : cpu(g) {}
  CpuBackend cpu;
  PlanCache plans;
};

Model::Model(Graph graph)
    : graph_(std::move(graph)),
      runtime_(std::make_unique<Runtime>(graph_)),
      inputs_(detect_inputs(graph_)),
      outputs_(detect_outputs(graph_)) {}

Model::Model(const Model& other)
    : graph_(other.graph_),
      runtime_(std::make_unique<Runtime>(graph_)),
      fpga_(other.fpga_),
      inputs_(other.inputs_),
      outputs_(other.outputs_) {}

Model::Model(Model&& other) noexcept
    : graph_(std::move(other.graph_)),
      runtime_(std::make_unique<Runtime>(graph_)),
      fpga_(std::move(other.fpga_)),
      inputs_(std::move(other.inputs_)),
      outputs_(std::move(other.outputs_)) {}

Model& Model::operator=(const Model& other) {
  if (this != &other) *this = Model(other);
  return *this;
}

Model& Model::operator=(Model&& other) noexcept {
  graph_ = std::move(other.graph_);
  runtime_ = std::make_unique<Runtime>(graph_);
  fpga_ = std::move(other.fpga_);
  inputs_ = std::move(other.inputs_);
  outputs_ = std::move(other.outputs_);
  return *this;
}

Model::~Model() = default;

std::vector<Tensor> Model::run(const FeedMap& feeds, const std::vector<TensorId>& fetches, Backend backend,
                               const RunOptions& options) const {
  switch (backend) {
    case Backend::Reference: return run_reference(graph_, feeds, fetches, options);
    case Backend::Cpu: {
      CpuBackend* cpu = &runtime_->cpu;
      const KernelSelector select = [cpu](const Node& n, const OpDef& def) { return cpu->kernel_for(n, def); };
      if (!options.use_plan) return run_graph(graph_, feeds, fetches, select, options);
      const std::string key = plan_key(feeds, fetches);
      std::shared_ptr<const Plan> plan;
      if (runtime_->plans.find(key, plan))
        return plan ? plan->run(graph_, feeds, options) : run_graph(graph_, feeds, fetches, select, options);
      // First run with this key: the dataflow executor runs it and tells the planner what it did.
      std::vector<NodeTrace> trace;
      RunOptions traced = options;
      traced.trace = &trace;
      std::vector<Tensor> results = run_graph(graph_, feeds, fetches, select, traced);
      runtime_->plans.insert(key, Plan::build(feeds, fetches, trace));
      return results;
    }
    case Backend::Fpga:
      if (!fpga_)
        throw Error("the fpga backend needs a calibrated plan: pass --calib DIR_OR_DATASET (see frost compile)");
      return fpga_->run(feeds, fetches, options);
  }
  throw Error("backend not available");
}

std::optional<PlanStats> Model::plan_stats(const FeedMap& feeds, const std::vector<TensorId>& fetches) const {
  std::shared_ptr<const Plan> plan;
  if (!runtime_->plans.find(plan_key(feeds, fetches), plan) || !plan) return std::nullopt;
  return plan->stats();
}

std::size_t Model::cached_plans() const { return runtime_->plans.size(); }

}  // namespace frost
