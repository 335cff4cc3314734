// Rule: Transpose(Pad(x, pads), p) read only by convolutions becomes
// Pad(Transpose(x, p), pads permuted): the Pad then sits right before the
// convolution, where fold_pad_into_conv turns it into the convolution's own
// padding. Converted NCHW graphs pad in NCHW and transpose to NHWC just
// before each Conv2D (onnx-tf), including on the graph's input, where no
// Transpose above can cancel it. The Transpose keeps its name (its readers
// are unchanged); the new one is "<name>/before_pad".
// Not applicable: a Pad read by anything else or fetched, MirrorPad (no
// convolution padding mode matches it), non-constant paddings or value.
#include "freeze/layout_util.h"
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

PassStats hoist_transpose_above_pad(Graph& g, const PassContext& ctx) {
  PassStats stats;
  std::vector<std::string> doomed;
  for (Node* t : g.nodes()) {
    const std::optional<Perm> p = transpose_perm(g, *t);
    if (!p || ctx.kept(t->name) || !control_inputs(*t).empty()) continue;
    const TensorId xid = t->input(0);
    Node* pad = g.find(xid.node);
    if (!pad || xid.index != 0 || (pad->op != "Pad" && pad->op != "PadV2") || !control_inputs(*pad).empty()) continue;
    if (!single_use(g, ctx, pad->name) || !feeds_only_convolutions(g, t->name)) continue;
    const Tensor* pads = const_input(g, *pad, 1);
    const int64_t rank = static_cast<int64_t>(p->size());
    if (!pads || pads->rank() != 2 || pads->shape()[0] != rank || pads->shape()[1] != 2) continue;
    if (pad->op == "PadV2" && !const_input(g, *pad, 2)) continue;
    // Transpose dim i is x's dim p[i]: it takes that dim's padding row.
    const std::vector<int64_t> rows = pads->to_int64_vector();
    Tensor moved(pads->dtype(), pads->shape());
    for (int64_t i = 0; i < rank; ++i)
      for (int64_t side = 0; side < 2; ++side) {
        const int64_t v = rows[static_cast<size_t>(2 * (*p)[static_cast<size_t>(i)] + side)];
        if (pads->dtype() == DType::Int64) moved.data<int64_t>()[2 * i + side] = v;
        else moved.data<int32_t>()[2 * i + side] = static_cast<int32_t>(v);
      }
    const std::string before = unique_name(g, t->name + "/before_pad");
    g.add(make_transpose(g, before, pad->inputs[0], *p, t->attr_type_or("T", DType::Float)));
    const std::string pads_name = unique_name(g, pad->name + "/permuted_paddings");
    g.add(make_const(pads_name, moved));
    const DType dtype = t->attr_type_or("T", DType::Float);
    t->op = pad->op;
    t->inputs = {before, pads_name};
    if (pad->op == "PadV2") t->inputs.push_back(pad->inputs[2]);
    t->attrs = {{"T", dtype}, {"Tpaddings", pads->dtype()}};
    doomed.push_back(pad->name);
    stats.add("transposes_hoisted_above_pad");
  }
  g.remove(doomed);
  return stats;
}

}  // namespace frost
