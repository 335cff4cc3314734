// Rule: a convolution or pooling in NCHW (data_format attr) runs in NHWC
// between two Transposes: Transpose(x, 0231) -> op(NHWC) -> Transpose(0312).
// Frost's kernels are NHWC; the Transposes then meet their neighbours' and
// cancel (cancel_transposes, sink_transposes), so that a graph exported in
// NCHW runs as its NHWC twin. strides, dilations, ksize and
// explicit_paddings are reordered to NHWC; the filter (HWIO in both
// layouts) and per-channel fused arguments are unchanged. The node keeps its
// name as the closing Transpose; the op moves to "<name>/nhwc".
// Not applicable: NHWC ops, a fused residual Add (its operand is NCHW),
// ops other than Conv2D, DepthwiseConv2dNative (and their _Fused forms),
// MaxPool, AvgPool.
#include <set>

#include "freeze/layout_util.h"
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

namespace {

const std::set<std::string> kOps = {"Conv2D",  "_FusedConv2D", "DepthwiseConv2dNative", "_FusedDepthwiseConv2dNative",
                                    "MaxPool", "AvgPool"};

// An NCHW per-dimension list (n, c, h, w) in NHWC order; `per_dim` entries
// per dimension (2 for explicit_paddings).
std::vector<int64_t> to_nhwc(const std::vector<int64_t>& v, size_t per_dim) {
  std::vector<int64_t> out;
  for (int64_t d : kNchwToNhwc)
    for (size_t k = 0; k < per_dim; ++k) out.push_back(v[static_cast<size_t>(d) * per_dim + k]);
  return out;
}

}  // namespace

PassStats nchw_to_nhwc(Graph& g, const PassContext&) {
  PassStats stats;
  for (Node* n : g.nodes()) {
    if (!kOps.count(n->op) || n->attr_string_or("data_format", "NHWC") != "NCHW" || n->num_data_inputs() < 1) continue;
    if (n->has_attr("fused_ops")) {
      bool residual = false;
      for (const std::string& f : n->attr("fused_ops").list_s()) residual = residual || f == "Add";
      if (residual) continue;
    }
    bool ok = true;
    for (const char* key : {"strides", "dilations", "ksize"})
      if (n->has_attr(key)) ok = ok && n->attr_ints(key).size() == 4;
    if (n->has_attr("explicit_paddings")) {
      const size_t size = n->attr_ints("explicit_paddings").size();
      ok = ok && (size == 0 || size == 8);
    }
    if (!ok) continue;
    const DType dtype = n->attr_type_or("T", DType::Float);
    Node op = *n;
    op.name = unique_name(g, n->name + "/nhwc");
    op.attrs["data_format"] = std::string("NHWC");
    for (const char* key : {"strides", "dilations", "ksize"})
      if (n->has_attr(key)) op.attrs[key] = to_nhwc(n->attr_ints(key), 1);
    if (n->has_attr("explicit_paddings") && n->attr_ints("explicit_paddings").size() == 8)
      op.attrs["explicit_paddings"] = to_nhwc(n->attr_ints("explicit_paddings"), 2);
    const std::string in = unique_name(g, n->name + "/to_nhwc");
    g.add(make_transpose(g, in, n->inputs[0], kNchwToNhwc, dtype));
    op.inputs[0] = in;
    const std::string op_name = g.add(std::move(op)).name;
    const Node out = make_transpose(g, n->name, op_name, kNhwcToNchw, dtype);
    n->op = out.op;
    n->inputs = out.inputs;
    n->attrs = out.attrs;
    stats.add("nchw_ops_to_nhwc");
  }
  return stats;
}

}  // namespace frost
