// Rule: Pad (or PadV2 with a constant 0) of zeros on H and W of a tensor
// that cannot be negative (the output of Relu or Relu6, or of an op whose
// fused_ops end in one), read only by an NHWC MaxPool with VALID padding,
// each pad amount smaller than the window on its dim: the pool reads the
// unpadded tensor with padding=EXPLICIT and these amounts. Max pooling
// ignores its own padding; the rule is exact because every window still
// holds an input element (a pad smaller than the window cannot fill one),
// and those are >= 0, so a zero of the Pad never exceeded the window's max.
// Keras ResNets write ZeroPadding2D(1) after the stem's ReLU, then a 3×3
// stride-2 MaxPool: the Pad was a whole pass over 112²×64 floats, 0.18 ms
// on one thread and 0.32 ms in a 2-thread run (its input half in the other
// core's cache; ResNet-50, AVX-512, chrt).
// Not applicable: other producers (a negative input would lose to the
// zeros), SAME or EXPLICIT pools (their own padding would combine with the
// zeros), pads of batch or channels, non-zero pad values, NCHW (the layout
// pass has made pools NHWC before this runs). A NaN at the border is the
// one input where the results differ: the zero pad then won over it.
#include <optional>
#include <variant>

#include "freeze/pad_fold_util.h"
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

namespace {

bool non_negative_output(const Node& n) {
  if (n.op == "Relu" || n.op == "Relu6") return true;
  const auto it = n.attrs.find("fused_ops");
  if (it == n.attrs.end() || !it->second.is<std::vector<std::string>>()) return false;
  const std::vector<std::string>& ops = std::get<std::vector<std::string>>(it->second.value());
  return !ops.empty() && (ops.back() == "Relu" || ops.back() == "Relu6");
}

}  // namespace

PassStats fold_pad_into_max_pool(Graph& g, const PassContext& ctx) {
  PassStats stats;
  std::vector<std::string> doomed;
  for (Node* pool : g.nodes()) {
    if (pool->op != "MaxPool" || pool->num_data_inputs() != 1) continue;
    if (pool->attr_string_or("padding", "") != "VALID" || pool->attr_string_or("data_format", "NHWC") != "NHWC")
      continue;
    const std::vector<int64_t> ksize = pool->attr_ints_or("ksize", {});
    if (ksize.size() != 4) continue;
    const std::optional<ZeroPad> zero_pad = zero_pad_read_only_by(g, ctx, *pool);
    if (!zero_pad) continue;
    const TensorId src = zero_pad->pad->input(0);
    const Node* producer = g.find(src.node);
    if (!producer || src.index != 0 || !non_negative_output(*producer)) continue;
    const std::vector<int64_t>& p = zero_pad->amounts;
    bool ok = p[0] == 0 && p[1] == 0 && p[6] == 0 && p[7] == 0;
    for (int d : {1, 2}) ok = ok && p[2 * d] >= 0 && p[2 * d + 1] >= 0 && p[2 * d] < ksize[d] && p[2 * d + 1] < ksize[d];
    if (!ok) continue;

    absorb_pad(*pool, *zero_pad->pad, p);
    doomed.push_back(zero_pad->pad->name);
    stats.add("pads_folded_into_max_pool");
  }
  g.remove(doomed);
  return stats;
}

}  // namespace frost
