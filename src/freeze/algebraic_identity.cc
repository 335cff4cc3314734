// Rule: arithmetic with a neutral scalar constant is the identity:
// x*1, 1*x, x/1, x+0, 0+x, x-0. Left behind by dropout with keep_prob 1
// (x / keep_prob) or rate 0 (x * 1/(1-rate)). Only rank-0 constants count:
// a [1,1] constant would broadcast x to a higher rank.
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

namespace {

bool scalar_equal(const Tensor* t, double value) {
  double v = 0;
  return t && t->rank() == 0 && is_uniform(*t, &v) && v == value;
}

}  // namespace

PassStats remove_trivial_arithmetic(Graph& g, const PassContext&) {
  PassStats stats;
  for (Node* n : g.nodes()) {
    if (n->num_data_inputs() != 2) continue;
    const std::string& op = n->op;
    const Tensor* a = const_input(g, *n, 0);
    const Tensor* b = const_input(g, *n, 1);
    std::string keep;
    if (op == "Mul") {
      if (scalar_equal(b, 1)) keep = n->inputs[0];
      else if (scalar_equal(a, 1)) keep = n->inputs[1];
    } else if (op == "Div" || op == "RealDiv") {
      if (scalar_equal(b, 1)) keep = n->inputs[0];
    } else if (op == "Add" || op == "AddV2") {
      if (scalar_equal(b, 0)) keep = n->inputs[0];
      else if (scalar_equal(a, 0)) keep = n->inputs[1];
    } else if (op == "Sub") {
      if (scalar_equal(b, 0)) keep = n->inputs[0];
    }
    if (keep.empty()) continue;
    // Both sides constant: leave it to constant folding (the shape is the const's).
    if (a && b) continue;
    become_identity(*n, keep);
    stats.add("trivial_arithmetic_removed");
  }
  return stats;
}

}  // namespace frost
