// Rule: Dequantize of constant (quantised weights, their min and max) is a
// float constant. Weights stored 8-bit to shrink a file (graph_transforms'
// quantize_weights) are expanded once at load instead of on every run.
// Evaluated by the registered Dequantize reference kernel, so every mode it
// knows (MIN_COMBINED, MIN_FIRST, SCALED, per-axis) folds; no size cap
// beyond kMaxTensorBytes, since these are the model's weights anyway.
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

PassStats fold_dequantize(Graph& g, const PassContext& ctx) {
  PassStats stats;
  for (Node* n : g.nodes()) {
    if (n->op != "Dequantize") continue;
    std::vector<Tensor> inputs;
    for (int i = 0; i < n->num_data_inputs(); ++i) {
      const Tensor* t = const_input(g, *n, i);
      if (!t) break;
      inputs.push_back(*t);
    }
    if (inputs.size() != static_cast<size_t>(n->num_data_inputs()) || inputs.empty()) continue;
    const std::vector<Tensor> outputs = evaluate_node(*n, inputs);
    if (outputs.size() != 1) continue;
    if (replace_with_constants(g, *n, outputs, kMaxTensorBytes, ctx)) stats.add("dequantize_folded");
  }
  return stats;
}

}  // namespace frost
