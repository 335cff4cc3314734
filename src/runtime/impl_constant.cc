// Const: const/prepared hands out the node's value read once at prepare time
// (the reference looks the attr up by name and checks its dtype on every
// run, a per-step cost that shows on small models, where a third of the
// plan's steps are Consts). A malformed Const (no value, wrong dtype) is left
// to the reference, which reports it.
#include "runtime/impl_families.h"

namespace frost {

namespace {

bool applies(const PrepareContext& ctx) {
  const Node& n = ctx.node;
  if (!n.has_attr("value") || !n.attr("value").is<Tensor>()) return false;
  return !n.has_attr("dtype") || n.attr_type("dtype") == n.attr_tensor("value").dtype();
}

KernelFn prepare(const PrepareContext& ctx) {
  const Tensor value = ctx.node.attr_tensor("value");  // shares the attr's storage
  return [value](OpContext& ctx) { ctx.set_output(0, value); };
}

}  // namespace

std::vector<Implementation> constant_implementations() { return {{"const/prepared", {"Const"}, applies, prepare}}; }

}  // namespace frost
