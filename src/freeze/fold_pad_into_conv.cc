// Rule: Pad (or PadV2 with a constant 0) of zeros on the spatial dims only,
// read only by a Conv2D / DepthwiseConv2dNative, is the convolution's own
// zero padding: the conv reads the unpadded input with padding=EXPLICIT and
// explicit_paddings = its previous explicit padding + the Pad's amounts.
// Keras' ZeroPadding2D before a VALID conv (MobileNet, ResNet stems) is the
// usual source. Layouts: NHWC or NCHW, with explicit_paddings in the conv's
// data_format (TensorFlow's convention: 2 entries per dimension).
// Not applicable: SAME padding (its amounts depend on the input size),
// non-zero pad value, padding on batch or channels, MirrorPad; a depthwise
// convolution in a graph written for TensorFlow (without
// PassContext::runtime_fusions): TensorFlow 2.21's grappler aborts on
// DepthwiseConv2dNative(EXPLICIT) + BiasAdd (its fused depthwise kernel has
// no explicit padding), so only Frost's runtime gets that form.
#include <optional>
#include <utility>

#include "freeze/pad_fold_util.h"
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

PassStats fold_pad_into_conv(Graph& g, const PassContext& ctx) {
  PassStats stats;
  std::vector<std::string> doomed;
  for (Node* conv : g.nodes()) {
    if ((conv->op != "Conv2D" && conv->op != "DepthwiseConv2dNative") || conv->num_data_inputs() != 2) continue;
    if (conv->op == "DepthwiseConv2dNative" && !ctx.runtime_fusions) continue;
    const std::string padding = conv->attr_string_or("padding", "");
    if (padding != "VALID" && padding != "EXPLICIT") continue;
    const std::optional<ZeroPad> zero_pad = zero_pad_read_only_by(g, ctx, *conv);
    if (!zero_pad) continue;
    const std::vector<int64_t>& p = zero_pad->amounts;
    const std::string format = conv->attr_string_or("data_format", "NHWC");
    const int batch = 0, channel = format == "NCHW" ? 1 : 3;
    bool ok = true;
    for (int d : {batch, channel}) ok = ok && p[2 * d] == 0 && p[2 * d + 1] == 0;
    for (int64_t v : p) ok = ok && v >= 0;
    if (!ok) continue;
    std::vector<int64_t> explicit_pads = padding == "EXPLICIT" ? conv->attr_ints_or("explicit_paddings", {})
                                                               : std::vector<int64_t>(8, 0);
    if (explicit_pads.size() != 8) continue;
    for (size_t i = 0; i < 8; ++i) explicit_pads[i] += p[i];

    absorb_pad(*conv, *zero_pad->pad, std::move(explicit_pads));
    doomed.push_back(zero_pad->pad->name);
    stats.add("pads_folded");
  }
  g.remove(doomed);
  return stats;
}

}  // namespace frost
