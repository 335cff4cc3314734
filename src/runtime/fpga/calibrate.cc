#include "runtime/fpga/calibrate.h"

#include <mutex>

#include "graph/topology.h"
#include "runtime/cpu_backend.h"
#include "runtime/fpga/fix_point.h"

namespace frost::fpga {

std::map<TensorId, double> calibrate_ranges(const Graph& g, const std::vector<FeedMap>& batches,
                                            const std::vector<TensorId>& fetches) {
  std::map<TensorId, double> ranges;
  std::mutex mutex;
  CpuBackend cpu(g);
  // Each kernel is wrapped to look at what it wrote, so nodes inside while
  // loops are seen on every iteration.
  const KernelSelector select = [&](const Node& n, const OpDef& def) -> KernelFn {
    KernelFn kernel = cpu.kernel_for(n, def);
    return [kernel, &ranges, &mutex](OpContext& ctx) {
      std::vector<Tensor> outs(static_cast<size_t>(ctx.num_outputs()));
      OpContext inner(ctx.node(), ctx.inputs(), outs);
      kernel(inner);
      for (size_t i = 0; i < outs.size(); ++i) {
        if (outs[i].valid() && outs[i].dtype() == DType::Float) {
          const double m = max_abs(outs[i].data<float>(), outs[i].num_elements());
          std::lock_guard<std::mutex> lock(mutex);
          double& r = ranges[TensorId{ctx.node().name, static_cast<int>(i), false}];
          r = std::max(r, m);
        }
        ctx.set_output(static_cast<int>(i), std::move(outs[i]));
      }
    };
  };
  for (const FeedMap& feeds : batches) {
    for (const auto& [id, value] : feeds)  // fed tensors are seen by no kernel
      if (value.dtype() == DType::Float) {
        double& r = ranges[id];
        r = std::max(r, max_abs(value.data<float>(), value.num_elements()));
      }
    run_graph(g, feeds, fetches, select);
  }
  return ranges;
}

std::map<TensorId, int> activation_fix_positions(const Graph& g, const Partition& part,
                                                 const std::map<TensorId, double>& ranges) {
  std::map<TensorId, int> fps;
  auto from_range = [&](const TensorId& id) {
    const auto it = ranges.find(id);
    if (it != ranges.end()) return fix_position_for_range(it->second);
    const Node* p = g.find(id.node);
    if (p && p->op == "Const" && p->has_attr("value") && p->attr_tensor("value").dtype() == DType::Float) {
      const Tensor& v = p->attr_tensor("value");
      return fix_position_for_range(max_abs(v.data<float>(), v.num_elements()));
    }
    return kDefaultFixPosition;
  };
  for (const Node* n : topological_order(g)) {
    if (!part.on_dpu(n->name)) continue;
    for (int i : activation_inputs(*n)) {
      TensorId id = n->input(i);
      if (!fps.count(id)) fps[id] = from_range(id);
    }
    const TensorId out{n->name, 0, false};
    const std::string base = dpu_base_op(n->op);
    const bool keeps = base == "MaxPool" || base == "Relu" || base == "Relu6" || base == "Pad" || base == "Reshape";
    fps[out] = keeps ? fps.at(n->input(0)) : from_range(out);
  }
  return fps;
}

}  // namespace frost::fpga
