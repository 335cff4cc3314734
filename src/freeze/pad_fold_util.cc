#include "freeze/pad_fold_util.h"

#include <string>
#include <utility>

#include "freeze/rewrite_util.h"

namespace frost {

std::optional<ZeroPad> zero_pad_read_only_by(Graph& g, const PassContext& ctx, const Node& reader) {
  const TensorId xid = reader.input(0);
  Node* pad = g.find(xid.node);
  if (!pad || xid.index != 0 || (pad->op != "Pad" && pad->op != "PadV2")) return std::nullopt;
  if (!single_use(g, ctx, pad->name)) return std::nullopt;
  const Tensor* amounts = const_input(g, *pad, 1);
  if (!amounts || amounts->rank() != 2 || amounts->shape().dim(0) != 4 || amounts->shape().dim(1) != 2)
    return std::nullopt;
  if (pad->op == "PadV2") {
    const Tensor* value = const_input(g, *pad, 2);
    double v = 1;
    if (!value || !is_uniform(*value, &v) || v != 0) return std::nullopt;
  }
  return ZeroPad{pad, amounts->to_int64_vector()};
}

void absorb_pad(Node& reader, const Node& pad, std::vector<int64_t> explicit_paddings) {
  reader.inputs[0] = pad.inputs[0];
  add_control_inputs(reader, control_inputs(pad));
  reader.attrs["padding"] = std::string("EXPLICIT");
  reader.attrs["explicit_paddings"] = std::move(explicit_paddings);
}

}  // namespace frost
