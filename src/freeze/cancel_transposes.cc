// Rule: Transpose(Transpose(x, p), q) reads x directly when the two
// permutations compose to the identity (an ONNX/PyTorch converter's NHWC ->
// NCHW -> NHWC round trip, or what sink_transposes leaves next to the
// converter's own Transpose), and becomes one Transpose(x, compose(p, q))
// otherwise. A Transpose with an identity perm is an Identity. The inner
// Transpose stays while anything else reads it (remove_unused drops it).
// Not applicable: a perm that is not a Const.
#include "freeze/layout_util.h"
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

PassStats cancel_transposes(Graph& g, const PassContext& ctx) {
  PassStats stats;
  for (Node* outer : g.nodes()) {
    const std::optional<Perm> q = transpose_perm(g, *outer);
    if (!q) continue;
    if (is_identity(*q)) {
      become_identity(*outer, outer->inputs[0]);
      stats.add("identity_transposes_removed");
      continue;
    }
    const TensorId xid = outer->input(0);
    Node* inner = g.find(xid.node);
    if (!inner || xid.index != 0) continue;
    const std::optional<Perm> p = transpose_perm(g, *inner);
    if (!p || p->size() != q->size()) continue;
    // Control edges on either would have to move to the consumers: left alone.
    if (!control_inputs(*inner).empty() || !control_inputs(*outer).empty()) continue;
    const Perm r = compose(*p, *q);
    if (is_identity(r)) {
      if (!ctx.kept(outer->name) && !has_control_consumers(g, outer->name)) {
        // Dead from here on (remove_unused drops it): counted once.
        if (replace_tensor_uses(g, TensorId{outer->name, 0, false}, inner->inputs[0]) == 0) continue;
      } else {
        become_identity(*outer, inner->inputs[0]);
      }
      stats.add("transpose_pairs_cancelled");
    } else {
      outer->inputs = make_transpose(g, outer->name, inner->inputs[0], r, output_dtype(*outer)).inputs;
      stats.add("transposes_composed");
    }
  }
  return stats;
}

}  // namespace frost
