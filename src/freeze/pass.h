// A rewrite pass: a small named rule that changes a graph in place and says
// what it changed. Passes are run by the driver (pass_driver.h) to a fixed
// point; a pass that finds nothing to do returns empty stats, never an error.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace frost {

// What every pass must respect.
struct PassContext {
  // Tensors the user fetches and feeds. A pass never removes or renames the
  // nodes that produce them (a fused node takes the fetched node's name).
  std::vector<TensorId> outputs;
  std::vector<TensorId> inputs;
  // Largest constant (bytes) constant folding may create.
  int64_t max_folded_bytes = int64_t{16} << 20;
  // Also make the fusions Frost's runtime executes but stock TensorFlow CPU
  // kernels do not (they exist only in oneDNN builds): any fused depthwise
  // convolution, Sigmoid/Tanh activations and a residual Add. On for graphs
  // optimised in memory to run on Frost; off for graphs written for
  // TensorFlow to load (`frost optimize`), which keep conv/matmul + BiasAdd +
  // Relu/Relu6/Elu/LeakyRelu fusions only.
  bool runtime_fusions = false;
  // With runtime_fusions: also the fusions only the CPU backend's kernels
  // run (a scale/shift in a convolution's epilogue, element-wise chains);
  // off for the FPGA backend, whose DPU takes those ops as they are.
  bool cpu_fusions = true;

  // Node names that must survive: those of `outputs` and `inputs`.
  std::set<std::string> keep() const;
  bool kept(const std::string& node) const;
};

// Counts of what a pass changed, by what ("nodes_removed", "bn_folded", ...).
struct PassStats {
  std::map<std::string, int64_t> counts;

  void add(const std::string& what, int64_t n = 1) {
    if (n != 0) counts[what] += n;
  }
  bool changed() const { return !counts.empty(); }
  void merge(const PassStats& other) {
    for (const auto& [k, v] : other.counts) add(k, v);
  }
  std::string to_string() const;  // "bn_folded=2 nodes_removed=3", "-" when nothing
};

struct Pass {
  std::string name;
  std::function<PassStats(Graph&, const PassContext&)> run;
  std::string description;  // one line, for `frost optimize --report`
  // Late passes (fusions) run once the others have reached their fixed
  // point, so that they see fully folded weights and biases.
  bool late = false;
};

}  // namespace frost
