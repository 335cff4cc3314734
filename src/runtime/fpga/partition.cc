#include "runtime/fpga/partition.h"

#include <algorithm>
#include <functional>
#include <set>

#include "graph/topology.h"
#include "runtime/fpga/dpu_rules.h"

namespace frost::fpga {

namespace {

bool is_parameter_or_input(const Node& n) {
  return n.op == "Const" || n.op == "Placeholder" || n.op == "PlaceholderWithDefault" || n.op == "NoOp";
}

}  // namespace

Partition partition_graph(const Graph& g, const DpuArch& arch, const std::vector<TensorId>& outputs) {
  const auto inferred = infer_shapes(g);
  Partition part;
  const std::vector<const Node*> order = topological_order(g);
  for (const Node* n : order) {
    if (is_parameter_or_input(*n)) continue;
    NodePlacement& p = part.nodes[n->name];
    p.reason = dpu_rejection(g, *n, arch, inferred);
    p.on_dpu = p.reason.empty();
    p.macs = dpu_node_macs(g, *n, inferred);
    p.param_bytes = p.on_dpu ? dpu_node_param_bytes(g, *n) : 0;
    part.total_macs += p.macs;
    if (p.on_dpu) part.dpu_macs += p.macs;
  }

  // Epochs (see partition.h), then connected components of equal epoch.
  std::map<std::string, int> epoch;
  std::map<std::string, std::string> parent;  // union-find over DPU nodes
  std::function<std::string(const std::string&)> root = [&](const std::string& x) {
    std::string r = x;
    while (parent[r] != r) r = parent[r];
    return r;
  };
  for (const Node* n : order) {
    const bool dpu = part.on_dpu(n->name);
    int e = 0;
    // A DPU node depends on the CPU through its activations only: weights and
    // shape values (input_sizes, a Reshape's shape) are static to a DPU compiler.
    std::vector<int> deps = dpu ? activation_inputs(*n) : std::vector<int>{};
    if (!dpu)
      for (int i = 0; i < n->num_data_inputs(); ++i) deps.push_back(i);
    for (int i : deps) {
      const std::string& prod = n->input(i).node;
      const auto it = epoch.find(prod);
      if (it == epoch.end()) continue;
      const bool prod_dpu = part.on_dpu(prod);
      const bool prod_counts = prod_dpu || part.nodes.count(prod);  // Const/Placeholder are not crossings
      e = std::max(e, it->second + (prod_counts && prod_dpu != dpu ? 1 : 0));
    }
    epoch[n->name] = e;
    if (!dpu) continue;
    parent[n->name] = n->name;
    for (int i : deps) {
      const std::string& prod = n->input(i).node;
      if (part.on_dpu(prod) && epoch[prod] == e) parent[root(prod)] = root(n->name);
    }
  }

  std::map<std::string, int> index_of_root;
  for (const Node* n : order) {
    if (!part.on_dpu(n->name)) continue;
    const std::string r = root(n->name);
    auto [it, fresh] = index_of_root.emplace(r, static_cast<int>(part.subgraphs.size()));
    if (fresh) part.subgraphs.push_back(DpuSubgraph{.id = it->second});
    DpuSubgraph& sg = part.subgraphs[static_cast<size_t>(it->second)];
    NodePlacement& p = part.nodes[n->name];
    p.subgraph = sg.id;
    sg.nodes.push_back(n->name);
    ++sg.ops[n->op];
    sg.macs += p.macs;
    sg.param_bytes += p.param_bytes;
  }

  // Boundary tensors: activation inputs made outside, outputs used outside or fetched.
  const auto consumers = consumers_of(g);
  const std::set<TensorId> fetched(outputs.begin(), outputs.end());
  for (DpuSubgraph& sg : part.subgraphs) {
    std::set<TensorId> ins, outs;
    for (const std::string& name : sg.nodes) {
      const Node& n = g.at(name);
      for (int i : activation_inputs(n)) {
        TensorId id = n.input(i);
        if (part.nodes.count(id.node) && part.nodes.at(id.node).subgraph == sg.id) continue;
        if (constant_input(g, n, i)) continue;  // a parameter (per-channel scale), stored with the subgraph
        ins.insert(id);
      }
      const auto it = consumers.find(name);
      if (it != consumers.end())
        for (const Node* c : it->second) {
          if (part.nodes.count(c->name) && part.nodes.at(c->name).subgraph == sg.id) continue;
          for (int i = 0; i < c->num_data_inputs(); ++i)
            if (c->input(i).node == name) outs.insert(TensorId{name, c->input(i).index, false});
        }
      for (const TensorId& f : fetched)
        if (f.node == name) outs.insert(f);
    }
    sg.inputs.assign(ins.begin(), ins.end());
    sg.outputs.assign(outs.begin(), outs.end());
  }
  return part;
}

}  // namespace frost::fpga
