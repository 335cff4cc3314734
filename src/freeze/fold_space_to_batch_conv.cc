// Rule: SpaceToBatchND -> Conv2D/DepthwiseConv2dNative (VALID, stride 1) ->
// BatchToSpaceND with the same block is one dilated convolution (how
// tf.nn.atrous_conv2d and ONNX converters write dilation):
//   y = B2S(conv(S2B(x, b, pads)), b, crops)
//     = conv(x, dilations=b, EXPLICIT padding pads - crops)
// Why: phase (p, q) of the space-to-batch tensor holds xpad[i*b + p]; a
// VALID conv on it followed by batch-to-space gives y[j] = sum_k
// xpad[j + b*k] w[k], the dilated convolution of xpad; the crops drop its
// first/last rows, which is padding less by as much. The joined node keeps
// the BatchToSpaceND's name. The Pad such graphs put before the
// SpaceToBatchND then folds into the conv (fold_pad_into_conv).
// Not applicable: different blocks, crops over the padding, a strided,
// dilated or padded conv, NCHW, intermediate tensors read elsewhere.
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

namespace {

// The 2 x 2 values of a constant [2, 2] input, or empty.
std::vector<int64_t> pairs(const Graph& g, const Node& n, int i) {
  const Tensor* t = const_input(g, n, i);
  if (!t || t->rank() != 2 || t->shape()[0] != 2 || t->shape()[1] != 2) return {};
  return t->to_int64_vector();
}

}  // namespace

PassStats fold_space_to_batch_conv(Graph& g, const PassContext& ctx) {
  PassStats stats;
  std::vector<std::string> doomed;
  for (Node* b2s : g.nodes()) {
    if (b2s->op != "BatchToSpaceND" || b2s->num_data_inputs() != 3) continue;
    const TensorId cid = b2s->input(0);
    Node* conv = g.find(cid.node);
    if (!conv || cid.index != 0 || (conv->op != "Conv2D" && conv->op != "DepthwiseConv2dNative")) continue;
    if (conv->num_data_inputs() != 2 || !single_use(g, ctx, conv->name)) continue;
    if (conv->attr_string_or("data_format", "NHWC") != "NHWC" || conv->attr_string_or("padding", "") != "VALID") continue;
    if (conv->attr_ints_or("strides", {1, 1, 1, 1}) != std::vector<int64_t>{1, 1, 1, 1} ||
        conv->attr_ints_or("dilations", {1, 1, 1, 1}) != std::vector<int64_t>{1, 1, 1, 1})
      continue;
    const TensorId sid = conv->input(0);
    Node* s2b = g.find(sid.node);
    if (!s2b || sid.index != 0 || s2b->op != "SpaceToBatchND" || s2b->num_data_inputs() != 3) continue;
    if (!single_use(g, ctx, s2b->name)) continue;
    const Tensor* block = const_input(g, *s2b, 1);
    const Tensor* block2 = const_input(g, *b2s, 1);
    if (!block || !block2 || block->num_elements() != 2 || block2->num_elements() != 2) continue;
    const std::vector<int64_t> b = block->to_int64_vector();
    if (b != block2->to_int64_vector() || b[0] < 1 || b[1] < 1) continue;
    const std::vector<int64_t> pads = pairs(g, *s2b, 2), crops = pairs(g, *b2s, 2);
    if (pads.empty() || crops.empty()) continue;
    std::vector<int64_t> explicit_pads = {0, 0, 0, 0, 0, 0, 0, 0};
    bool ok = true;
    for (size_t i = 0; i < 4; ++i) {
      explicit_pads[2 + i] = pads[i] - crops[i];
      ok = ok && crops[i] >= 0 && pads[i] - crops[i] >= 0;
    }
    if (!ok) continue;

    Node dilated = *conv;
    dilated.name = b2s->name;
    dilated.inputs = {s2b->inputs[0], conv->inputs[1]};
    add_control_inputs(dilated, control_inputs(*s2b));
    add_control_inputs(dilated, control_inputs(*b2s));
    dilated.attrs["dilations"] = std::vector<int64_t>{1, b[0], b[1], 1};
    const bool padded = explicit_pads != std::vector<int64_t>(8, 0);
    dilated.attrs["padding"] = std::string(padded ? "EXPLICIT" : "VALID");
    if (padded) dilated.attrs["explicit_paddings"] = explicit_pads;
    else dilated.attrs.erase("explicit_paddings");
    doomed.push_back(conv->name);
    doomed.push_back(s2b->name);
    *b2s = std::move(dilated);
    stats.add("space_to_batch_convs_dilated");
  }
  g.remove(doomed);
  return stats;
}

}  // namespace frost
