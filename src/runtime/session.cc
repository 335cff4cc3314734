#include "runtime/session.h"

#include "graph/validate.h"
#include "io/graphdef_convert.h"
#include "io/model_file.h"
#include "kernels/max_isa.h"
#include "runtime/cpu_backend.h"
#include "runtime/fpga/fpga_backend.h"
#include "runtime/loop_program.h"
#include "runtime/thread_count.h"

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

Session Session::load(const std::string& path) {
  // An invalid $FROST_MAX_ISA is reported now, naming the variable, rather
  // than when the first kernel is chosen.
  kernels::gemm_best_isa();
  Graph g = load_model_file(path);
  validate_graph(g);
  return Session(std::move(g));
}

struct Session::Runtime {
  explicit Runtime(const Graph& g) : cpu(g) {}
  CpuBackend cpu;
  PlanCache plans;
  // Graphs with while loops (no Plan): their compiled loop programs by plan
  // key (nullptr: the loops are of a shape the program does not take).
  std::mutex loops_mutex;
  std::map<std::string, std::shared_ptr<const LoopProgram>> loops;

  std::shared_ptr<const LoopProgram> loop_program(const std::string& key) {
    std::lock_guard<std::mutex> lock(loops_mutex);
    const auto it = loops.find(key);
    return it == loops.end() ? nullptr : it->second;
  }
  void add_loop_program(const std::string& key, std::shared_ptr<const LoopProgram> program) {
    std::lock_guard<std::mutex> lock(loops_mutex);
    if (loops.size() >= 8) loops.clear();  // as the plan cache, a few keys at most
    loops[key] = std::move(program);
  }
};

Session::Session(Graph graph)
    : graph_(std::move(graph)),
      runtime_(std::make_unique<Runtime>(graph_)),
      inputs_(detect_inputs(graph_)),
      outputs_(detect_outputs(graph_)) {}

Session::Session(const Session& other)
    : graph_(other.graph_),
      runtime_(std::make_unique<Runtime>(graph_)),
      fpga_(other.fpga_),
      inputs_(other.inputs_),
      outputs_(other.outputs_) {}

Session::Session(Session&& other) noexcept
    : graph_(std::move(other.graph_)),
      runtime_(std::make_unique<Runtime>(graph_)),
      fpga_(std::move(other.fpga_)),
      inputs_(std::move(other.inputs_)),
      outputs_(std::move(other.outputs_)) {}

Session& Session::operator=(const Session& other) {
  if (this != &other) *this = Session(other);
  return *this;
}

Session& Session::operator=(Session&& other) noexcept {
  graph_ = std::move(other.graph_);
  runtime_ = std::make_unique<Runtime>(graph_);
  fpga_ = std::move(other.fpga_);
  inputs_ = std::move(other.inputs_);
  outputs_ = std::move(other.outputs_);
  return *this;
}

Session::~Session() = default;

std::vector<Tensor> Session::run(const FeedMap& feeds, const std::vector<TensorId>& fetches, Backend backend,
                               const RunOptions& options) const {
  const ThreadCountScope threads(options.threads);
  switch (backend) {
    case Backend::Reference: return run_reference(graph_, feeds, fetches, options);
    case Backend::Cpu: {
      CpuBackend* cpu = &runtime_->cpu;
      const KernelSelector select = [cpu](const Node& n, const OpDef& def) { return cpu->kernel_for(n, def); };
      if (!options.use_plan) return run_graph(graph_, feeds, fetches, select, options);
      const std::string key = plan_key(feeds, fetches);
      std::shared_ptr<const Plan> plan;
      if (runtime_->plans.find(key, plan)) {
        if (plan) return plan->run(graph_, feeds, options);
        // Control flow: while loops run as compiled loop programs where they can.
        if (!options.on_node && !options.trace)
          if (const std::shared_ptr<const LoopProgram> loops = runtime_->loop_program(key))
            return loops->run(graph_, feeds, options);
        return run_graph(graph_, feeds, fetches, select, options);
      }
      // First run with this key: the dataflow executor runs it and tells the planner what it did.
      std::vector<NodeTrace> trace;
      RunOptions traced = options;
      traced.trace = &trace;
      std::vector<Tensor> results = run_graph(graph_, feeds, fetches, select, traced);
      std::shared_ptr<const Plan> built = Plan::build(feeds, fetches, trace);
      if (!built) runtime_->add_loop_program(key, LoopProgram::build(graph_, feeds, fetches, select));
      runtime_->plans.insert(key, std::move(built));
      return results;
    }
    case Backend::Fpga:
      if (!fpga_)
        throw Error("the fpga backend needs a calibrated plan (set_fpga): calibrate it on sample inputs first");
      return fpga_->run(feeds, fetches, options);
  }
  throw Error("backend not available");
}

std::optional<PlanStats> Session::plan_stats(const FeedMap& feeds, const std::vector<TensorId>& fetches) const {
  std::shared_ptr<const Plan> plan;
  if (!runtime_->plans.find(plan_key(feeds, fetches), plan) || !plan) return std::nullopt;
  return plan->stats();
}

std::string Session::implementation(const std::string& name, Backend backend) const {
  if (backend == Backend::Cpu) return runtime_->cpu.implementation_of(name);
  const Node* n = graph_.find(name);
  if (!n) return "";
  if (backend == Backend::Fpga && fpga_) return fpga_->implementation_of(*n);
  return reference_implementation_name(n->op);
}

std::size_t Session::cached_plans() const { return runtime_->plans.size(); }

std::size_t Session::loop_programs(const FeedMap& feeds, const std::vector<TensorId>& fetches) const {
  const std::shared_ptr<const LoopProgram> program = runtime_->loop_program(plan_key(feeds, fetches));
  return program ? program->loops() : 0;
}

}  // namespace frost
