// Splitting an (optimised) graph between a DPU-style accelerator and the CPU:
// each node is checked against the arch's capability table (dpu_rules.h), and
// the eligible nodes are grouped into maximal DPU subgraphs. Every node left
// on the CPU carries the reason (op unsupported, a limit exceeded, dtype...).
//
// Grouping: DPU nodes joined by a data edge share a subgraph unless that
// would make the subgraph depend on itself through the CPU. Each node gets an
// epoch, the number of DPU<->CPU crossings on its longest path from the
// inputs; a subgraph is a connected set of DPU nodes of one epoch. A path that
// leaves a subgraph for the CPU and comes back crosses twice, so it always
// ends in a later epoch: every subgraph can run as one call.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/shape_inference.h"
#include "runtime/fpga/dpu_arch.h"
#include "runtime/fpga/dpu_rules.h"

namespace frost::fpga {

struct NodePlacement {
  bool on_dpu = false;
  std::string reason;       // why it stays on the CPU (empty on the DPU)
  int subgraph = -1;        // index into Partition::subgraphs
  int64_t macs = 0;         // multiply-accumulates per run (unknown dims count as 1)
  int64_t param_bytes = 0;  // int8 weights + bias it needs on the DPU
};

struct DpuSubgraph {
  int id = 0;
  std::vector<std::string> nodes = {};  // in topological order
  std::map<std::string, int> ops = {};  // op -> count
  int64_t macs = 0, param_bytes = 0;
  std::vector<TensorId> inputs = {}, outputs = {};
};

struct Partition {
  std::map<std::string, NodePlacement> nodes;  // every node but Const/Placeholder
  std::vector<DpuSubgraph> subgraphs;
  int64_t total_macs = 0, dpu_macs = 0;

  bool on_dpu(const std::string& node) const {
    const auto it = nodes.find(node);
    return it != nodes.end() && it->second.on_dpu;
  }
  double dpu_mac_percent() const { return total_macs ? 100.0 * double(dpu_macs) / double(total_macs) : 0.0; }
};

// `outputs` are the tensors the user fetches (a subgraph output when produced inside).
Partition partition_graph(const Graph& g, const DpuArch& arch, const std::vector<TensorId>& outputs);

}  // namespace frost::fpga
