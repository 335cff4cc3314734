#include "freeze/layout_util.h"

#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

std::optional<Perm> transpose_perm(const Graph& g, const Node& n) {
  if (n.op != "Transpose" || n.num_data_inputs() != 2) return std::nullopt;
  const Tensor* t = const_input(g, n, 1);
  if (!t || t->rank() != 1 || !dtype_is_integer(t->dtype())) return std::nullopt;
  Perm p = t->to_int64_vector();
  std::vector<bool> seen(p.size(), false);
  for (int64_t v : p) {
    if (v < 0 || v >= static_cast<int64_t>(p.size()) || seen[static_cast<size_t>(v)]) return std::nullopt;
    seen[static_cast<size_t>(v)] = true;
  }
  return p;
}

Perm compose(const Perm& first, const Perm& second) {
  Perm r(second.size());
  for (size_t i = 0; i < second.size(); ++i) r[i] = first[static_cast<size_t>(second[i])];
  return r;
}

Perm inverse(const Perm& p) {
  Perm r(p.size());
  for (size_t i = 0; i < p.size(); ++i) r[static_cast<size_t>(p[i])] = static_cast<int64_t>(i);
  return r;
}

bool is_identity(const Perm& p) {
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i] != static_cast<int64_t>(i)) return false;
  return true;
}

Node make_transpose(Graph& g, const std::string& name, const std::string& input, const Perm& perm, DType dtype) {
  std::vector<int32_t> values(perm.begin(), perm.end());
  const std::string perm_name = g.add(make_const(unique_name(g, name + "/perm"), Tensor::from_vector(values))).name;
  Node t;
  t.name = name;
  t.op = "Transpose";
  t.inputs = {input, perm_name};
  t.attrs["T"] = dtype;
  t.attrs["Tperm"] = DType::Int32;
  return t;
}

Tensor permute_broadcast_constant(const Tensor& c, const Perm& p) {
  const int rank = static_cast<int>(p.size());
  if (c.rank() > rank) return {};
  std::vector<int64_t> dims(static_cast<size_t>(rank - c.rank()), 1);
  for (int i = 0; i < c.rank(); ++i) dims.push_back(c.shape()[i]);
  const Tensor full = c.reshaped(Shape(dims));
  // The reference Transpose kernel, so that passes stay free of kernel code.
  Node t;
  t.name = "permute_constant";
  t.op = "Transpose";
  t.inputs = {"c", "perm"};
  t.attrs["T"] = c.dtype();
  t.attrs["Tperm"] = DType::Int64;
  const std::vector<Tensor> out = evaluate_node(t, {full, Tensor::from_vector(inverse(p))});
  if (out.size() != 1) return {};
  std::vector<int64_t> kept = out[0].shape().dims();
  size_t lead = 0;
  while (lead < kept.size() && kept[lead] == 1) ++lead;
  return out[0].reshaped(Shape(std::vector<int64_t>(kept.begin() + static_cast<std::ptrdiff_t>(lead), kept.end())));
}

DType output_dtype(const Node& n) {
  if (n.op == "Cast") return n.attr_type_or("DstT", DType::Invalid);
  return n.attr_type_or("T", DType::Invalid);
}

}  // namespace frost

namespace frost {
bool feeds_only_convolutions(Graph& g, const std::string& node) {
  bool any = false;
  for (const Node* n : g.nodes())
    for (int i = 0; i < static_cast<int>(n->inputs.size()); ++i) {
      const TensorId id = n->input(i);
      if (id.node != node) continue;
      if (id.control || i != 0 || (n->op != "Conv2D" && n->op != "DepthwiseConv2dNative")) return false;
      any = true;
    }
  return any;
}
}  // namespace frost
