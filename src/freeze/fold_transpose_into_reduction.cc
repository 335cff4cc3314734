// Rule: Mean/Sum/Max/Min/Prod(Transpose(x, p), axes) without keep_dims reads
// x directly, reducing over p[axes], when the dimensions it keeps stay in the
// same order (so no Transpose is needed after it). A graph converted from
// ONNX/PyTorch takes its global average pool as Mean over NCHW axes [2, 3];
// once the layout rules run the network in NHWC, a Transpose back to NCHW is
// left before it, and the Mean over NHWC axes [1, 2] needs none (and runs as
// a spatial pool). The Transpose stays while anything else reads it
// (remove_unused drops it). Not applicable: keep_dims (the kept size-1 dims
// would come out in x's order), non-constant axes, kept dimensions that the
// perm reorders.
#include <algorithm>
#include <optional>
#include <set>

#include "freeze/transpose_folds.h"
#include "freeze/layout_util.h"
#include "freeze/rewrite_util.h"

namespace frost {

PassStats fold_transpose_into_reduction(Graph& g, const PassContext& ctx) {
  (void)ctx;
  static const std::set<std::string> kReductions = {"Mean", "Sum", "Max", "Min", "Prod"};
  PassStats stats;
  for (Node* red : g.nodes()) {
    if (!kReductions.count(red->op) || red->attr_bool_or("keep_dims", false)) continue;
    const TensorId tid = red->input(0);
    Node* t = g.find(tid.node);
    if (!t || tid.index != 0 || !control_inputs(*t).empty()) continue;
    const std::optional<Perm> p = transpose_perm(g, *t);
    const Tensor* axes = const_input(g, *red, 1);
    if (!p || !axes || axes->rank() > 1) continue;
    const int64_t rank = static_cast<int64_t>(p->size());
    std::vector<bool> reduced(p->size(), false);
    bool valid = true;
    for (int64_t a : axes->to_int64_vector()) {
      if (a < -rank || a >= rank) valid = false;
      else reduced[static_cast<size_t>(a < 0 ? a + rank : a)] = true;
    }
    if (!valid) continue;
    // The kept dims of the transposed tensor, in order, are x's dims p[i]:
    // they must be increasing for Reduce(x) to give the same layout.
    int64_t last = -1;
    std::vector<int64_t> moved;
    for (int64_t i = 0; i < rank; ++i) {
      const int64_t d = (*p)[static_cast<size_t>(i)];
      if (reduced[static_cast<size_t>(i)]) moved.push_back(d);
      else if (d < last) valid = false;
      else last = d;
    }
    if (!valid) continue;
    std::sort(moved.begin(), moved.end());
    Tensor new_axes(axes->dtype(), Shape{static_cast<int64_t>(moved.size())});
    for (size_t i = 0; i < moved.size(); ++i) {
      if (axes->dtype() == DType::Int64) new_axes.data<int64_t>()[i] = moved[i];
      else new_axes.data<int32_t>()[i] = static_cast<int32_t>(moved[i]);
    }
    const std::string axes_name = unique_name(g, red->name + "/permuted_axes");
    g.add(make_const(axes_name, new_axes));
    red->inputs[0] = t->inputs[0];
    red->inputs[1] = axes_name;
    stats.add("transposes_folded_into_reduction");
  }
  return stats;
}

}  // namespace frost
