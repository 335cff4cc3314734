// A graph ready to run: the graph plus what Frost detected about it (inputs,
// outputs), the backends' state (lowered kernels, packed weights, plans) and
// `run(feeds, fetches)`, as TensorFlow's Session. This is the one place where
// graphs meet backends. Loading and optimising a model for users is the
// facade's job (src/api/load_session.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/signature.h"
#include "runtime/executor.h"
#include "runtime/plan.h"

namespace frost {

// Fpga: the DPU emulator of src/runtime/fpga; it needs a calibrated plan
// (Session::set_fpga) before it can run.
enum class Backend { Reference, Cpu, Fpga };

namespace fpga {
class FpgaBackend;
}

// "reference", "cpu" or "fpga"; throws naming the choices otherwise.
Backend parse_backend(const std::string& name);
std::string backend_name(Backend b);

class Session {
 public:
  // Loads a .pb/.pbtxt GraphDef and validates its structure.
  static Session load(const std::string& path);
  explicit Session(Graph graph);

  const Graph& graph() const { return graph_; }
  const std::vector<GraphInput>& inputs() const { return inputs_; }
  const std::vector<GraphOutput>& outputs() const { return outputs_; }

  // Copies and moves start with an empty runtime state (it refers to graph_).
  Session(const Session& other);
  Session(Session&& other) noexcept;
  Session& operator=(const Session& other);
  Session& operator=(Session&& other) noexcept;
  ~Session();

  // Thread-safe. options.threads applies to this call only. On the CPU backend the first run with a new set of feed
  // names, dtypes and shapes (and fetches) traces the dataflow executor and
  // compiles a plan (src/runtime/plan.h) that later runs with that key reuse
  // (for a graph with while loops, a loop program: runtime/loop_program.h);
  // the reference backend always runs the plain dataflow executor (the oracle
  // stays independent of the planner).
  std::vector<Tensor> run(const FeedMap& feeds, const std::vector<TensorId>& fetches,
                          Backend backend = Backend::Cpu, const RunOptions& options = {}) const;

  // The cached CPU plan's figures for these feeds and fetches; nullopt when no
  // run with them happened yet or the graph is not straight-line.
  std::optional<PlanStats> plan_stats(const FeedMap& feeds, const std::vector<TensorId>& fetches) const;
  // The implementation that computes node `name` on `backend`
  // (runtime/implementation.h): "conv2d/im2col_gemm", "Reshape/reference",
  // ...; on the CPU backend "" until a run used the node.
  std::string implementation(const std::string& name, Backend backend = Backend::Cpu) const;
  // How many plans the CPU backend holds (for tests).
  std::size_t cached_plans() const;
  // How many while loops the CPU backend runs as compiled loop programs
  // (runtime/loop_program.h) for these feeds and fetches: 0 before a run with
  // them, for a straight-line graph, or loops the program does not take.
  std::size_t loop_programs(const FeedMap& feeds, const std::vector<TensorId>& fetches) const;

  // The partitioned, calibrated FPGA plan `run(..., Backend::Fpga)` uses
  // (built by the caller once: it needs an arch and calibration inputs).
  void set_fpga(std::shared_ptr<const fpga::FpgaBackend> plan) { fpga_ = std::move(plan); }
  const fpga::FpgaBackend* fpga() const { return fpga_.get(); }

 private:
  struct Runtime;

  Graph graph_;
  // Lowered kernels, packed weights and plans, kept between runs.
  std::unique_ptr<Runtime> runtime_;
  // Owns its own copy of the graph, so sharing it between copies is safe.
  std::shared_ptr<const fpga::FpgaBackend> fpga_;
  std::vector<GraphInput> inputs_;
  std::vector<GraphOutput> outputs_;
};

}  // namespace frost
