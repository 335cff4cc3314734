// Running a graph: feeds in, fetches out. The reference executor evaluates the
// needed nodes one by one in topological order with the registry's reference
// kernels — slow, obvious, the oracle every other backend is checked against.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/op_registry.h"

namespace frost {

// Values given for tensors: placeholders, or any intermediate tensor
// (feeding a tensor cuts off everything that computes it).
using FeedMap = std::map<TensorId, Tensor>;

// Kernel time of one node, added up over runs (for `bench --profile`).
struct NodeTime {
  std::string op;
  double seconds = 0;
  int64_t calls = 0;
  int64_t team_calls = 0;  // of the calls, those that ran a region of the worker team (split the node)

  void add(const std::string& node_op, double node_seconds, int64_t node_calls = 1, int64_t node_team_calls = 0) {
    op = node_op;
    seconds += node_seconds;
    calls += node_calls;
    team_calls += node_team_calls;
  }
};

// The function that computes one node: the op's reference kernel, or a
// backend's lowering of it.
using KernelFn = std::function<void(OpContext&)>;

// One node as the dataflow executor ran it, for the planner (src/runtime/plan.h),
// which learns the schedule, the shapes and which outputs share storage with
// an input from one traced run.
struct NodeTrace {
  struct Value {
    DType dtype = DType::Invalid;
    Shape shape;
    const void* data = nullptr;
    std::size_t bytes = 0;
  };
  const Node* node = nullptr;
  KernelFn kernel;  // empty for the control-flow primitives
  std::vector<Value> inputs, outputs;
  uint64_t allocated = 0;  // OpContext::allocated_outputs()
};

struct RunOptions {
  // Called after each node runs with its outputs (for layer-by-layer checks).
  std::function<void(const Node&, const std::vector<Tensor>&)> on_node;
  // When set, kernel time is added up here by node name (for `bench
  // --profile`; Session::implementation names what ran).
  std::map<std::string, NodeTime>* profile = nullptr;
  // When set, every node the run executes is appended here, in order.
  std::vector<NodeTrace>* trace = nullptr;
  // CPU backend: false runs the dataflow executor every time, without plans
  // (to measure what planning brings, `bench --no-plan`).
  bool use_plan = true;
  // OpenMP threads the kernels of this call may use (> 0), set for the calling
  // thread only and restored after the call; 0 keeps the caller's setting
  // (omp_set_num_threads, OMP_NUM_THREADS, else one per core).
  int threads = 0;
};

// Picks the kernel for each node once, before the run starts.
using KernelSelector = std::function<KernelFn(const Node&, const OpDef&)>;

// Runs the graph with the kernels `select` picks (the dataflow executor with
// TF1 control flow serves every backend).
std::vector<Tensor> run_graph(const Graph& g, const FeedMap& feeds, const std::vector<TensorId>& fetches,
                              const KernelSelector& select, const RunOptions& options = {});

// Runs one node's kernel: adds its time to options.profile, and names the
// node, op and graph file in any error it throws.
void run_node_kernel(const Graph& g, const Node& node, const KernelFn& kernel, OpContext& ctx,
                     const RunOptions& options);

// Computes `fetches` with the reference kernels. Throws frost::Error naming the node and op on any failure:
// an unknown op, a placeholder left unfed, a feed whose dtype or shape the
// placeholder does not accept, a kernel's complaint about its inputs.
std::vector<Tensor> run_reference(const Graph& g, const FeedMap& feeds, const std::vector<TensorId>& fetches,
                                  const RunOptions& options = {});

// The error for an op the registry does not know, naming node, op and how to
// list the supported ops.
Error unknown_op_error(const Graph& g, const Node& n);

// Checks a feed against the node it feeds: the node's output exists, and a
// placeholder's dtype/shape attrs accept the value.
void check_feed(const Graph& g, const TensorId& id, const Tensor& value);

}  // namespace frost
