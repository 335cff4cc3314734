// Rules that turn graph inputs into constants at inference time:
//  - `set`: the user fixes a placeholder (keep_prob=1, keras_learning_phase=0,
//    is_training=false); the node becomes a Const of that value, same name.
//  - PlaceholderWithDefault that nobody feeds is its default input, as
//    TensorFlow computes it when not fed.
// After either, constant folding and conditional resolution can proceed.
#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

int set_constant_inputs(Graph& g, const std::map<std::string, Tensor>& values) {
  int count = 0;
  for (const auto& [name, value] : values) {
    const TensorId id = TensorId::parse(name);
    Node* n = g.find(id.node);
    if (!n) throw Error("cannot set '" + name + "': no node of that name");
    if (n->op != "Placeholder" && n->op != "PlaceholderWithDefault" && n->op != "Const")
      throw n->error("can only set a placeholder (or a constant) to a value");
    Tensor v = value;
    if (n->has_attr("dtype")) {
      const DType want = dtype_base(static_cast<int>(n->attr_type("dtype")));
      if (v.dtype() != want) throw n->error("set value is " + dtype_name(v.dtype()) + ", node holds " + dtype_name(want));
    }
    if (n->has_attr("shape") && n->attr("shape").is<PartialShape>()) {
      const PartialShape& want = n->attr("shape").shape();
      // A scalar given for a [1] placeholder and the like: take the declared shape.
      if (!want.accepts(v.shape()) && want.fully_known() && want.to_shape().num_elements() == v.num_elements())
        v = v.reshaped(want.to_shape());
      if (!want.accepts(v.shape()))
        throw n->error("set value has shape " + v.shape().to_string() + ", placeholder takes " + want.to_string());
    }
    Node replacement = make_const(n->name, v);
    replacement.device = n->device;
    *n = std::move(replacement);
    ++count;
  }
  return count;
}

PassStats fold_placeholder_defaults(Graph& g, const PassContext& ctx) {
  PassStats stats;
  for (Node* n : g.nodes()) {
    if (n->op != "PlaceholderWithDefault" || ctx.kept(n->name) || n->num_data_inputs() != 1) continue;
    // An Identity of the default keeps the name; remove_identity forwards it.
    const DType t = n->attr_type_or("dtype", DType::Float);
    n->op = "Identity";
    n->attrs = {{"T", t}};
    stats.add("placeholder_defaults_folded");
  }
  return stats;
}

}  // namespace frost
