// Rule: a Split/SplitV into one piece and a ConcatV2/Concat of one tensor
// are the identity (converters emit them for every group-of-one
// convolution: onnx-tf writes Split(num_split=1) -> Conv2D -> ConcatV2 for
// each ungrouped Conv). They become Identity nodes; remove_identity
// forwards them.
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

PassStats remove_trivial_split_concat(Graph& g, const PassContext&) {
  PassStats stats;
  for (Node* n : g.nodes()) {
    int value = -1;  // the data input that passes through
    if (n->op == "Split" && n->attr_int_or("num_split", 0) == 1 && n->num_data_inputs() == 2) value = 1;
    if (n->op == "SplitV" && n->attr_int_or("num_split", 0) == 1 && n->num_data_inputs() == 3) value = 0;
    if (n->op == "ConcatV2" && n->num_data_inputs() == 2) value = 0;
    if (n->op == "Concat" && n->num_data_inputs() == 2) value = 1;
    if (value < 0) continue;
    become_identity(*n, n->inputs[static_cast<size_t>(value)]);
    stats.add("trivial_split_concat_removed");
  }
  return stats;
}

}  // namespace frost
