#include "runtime/cpu_backend.h"

namespace frost {

namespace {

// Per data input of `n`: the value of the Const node it reads, else nullptr.
// A constant Enter (is_constant: the same value in every iteration of a
// loop) of a Const counts as that Const, so weights in loop bodies are
// packed once too; the kernel still checks at run time that the value it
// gets is that constant (PackedConstant::for_input).
std::vector<const Tensor*> constant_inputs(const Graph& g, const Node& n) {
  std::vector<const Tensor*> values;
  for (int i = 0; i < n.num_data_inputs(); ++i) {
    TensorId id = n.input(i);
    const Node* p = g.find(id.node);
    for (int depth = 0; p && id.index == 0 && p->op == "Enter" && p->attr_bool_or("is_constant", false) &&
                        p->num_data_inputs() == 1 && depth < 8;
         ++depth) {
      id = p->input(0);
      p = g.find(id.node);
    }
    values.push_back(p && p->op == "Const" && id.index == 0 && p->has_attr("value") ? &p->attr_tensor("value")
                                                                                   : nullptr);
  }
  return values;
}

}  // namespace

KernelFn CpuBackend::kernel_for(const Node& n, const OpDef& def) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (const auto it = kernels_.find(n.name); it != kernels_.end()) return it->second.kernel;
  if (!shapes_) shapes_ = infer_shapes(graph_);
  PrepareContext ctx{n, def, constant_inputs(graph_, n)};
  for (int i = 0; i < n.num_data_inputs(); ++i) {
    const auto it = shapes_->find(n.input(i));
    ctx.input_shapes.push_back(it != shapes_->end() ? it->second.shape : PartialShape::unknown());
  }
  ChosenKernel chosen = choose_implementation(ctx, filter_);
  KernelFn k = chosen.kernel;
  kernels_.emplace(n.name, std::move(chosen));
  return k;
}

std::string CpuBackend::implementation_of(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = kernels_.find(name);
  return it == kernels_.end() ? std::string() : it->second.implementation;
}

size_t CpuBackend::lowered_nodes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t lowered = 0;
  for (const auto& [name, chosen] : kernels_)
    if (!chosen.implementation.ends_with("/reference")) ++lowered;
  return lowered;
}

}  // namespace frost
