// Rule: two Consts with the same dtype, shape and bytes are one constant.
// Consumers of the later one read the first; the later one goes. Consts with
// control inputs are left alone (in TF1 control flow the edge carries
// deadness), and a kept name is never removed.
#include <cstring>
#include <unordered_map>

#include "freeze/passes.h"
#include "freeze/rewrite_util.h"

namespace frost {

namespace {

uint64_t fnv1a(const void* data, size_t n, uint64_t h = 1469598103934665603ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

uint64_t tensor_hash(const Tensor& t) {
  uint64_t h = fnv1a(t.shape().dims().data(), t.shape().dims().size() * sizeof(int64_t));
  const int dt = static_cast<int>(t.dtype());
  h = fnv1a(&dt, sizeof dt, h);
  if (t.dtype() == DType::String) {
    for (const std::string& s : t.strings()) h = fnv1a(s.data(), s.size(), fnv1a("|", 1, h));
    return h;
  }
  return fnv1a(t.raw_data(), t.byte_size(), h);
}

bool same_tensor(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  if (a.dtype() == DType::String) return a.strings() == b.strings();
  return a.byte_size() == b.byte_size() && std::memcmp(a.raw_data(), b.raw_data(), a.byte_size()) == 0;
}

}  // namespace

PassStats merge_duplicate_constants(Graph& g, const PassContext& ctx) {
  PassStats stats;
  std::unordered_map<uint64_t, std::vector<const Node*>> seen;
  std::vector<std::string> doomed;
  for (const Node* n : g.nodes()) {
    if (n->op != "Const" || !n->inputs.empty() || !n->has_attr("value") || !n->attr("value").is<Tensor>()) continue;
    const Tensor& value = n->attr_tensor("value");
    if (value.dtype() == DType::Resource || value.dtype() == DType::Variant) continue;
    auto& bucket = seen[tensor_hash(value)];
    const Node* original = nullptr;
    for (const Node* other : bucket)
      if (same_tensor(other->attr_tensor("value"), value)) original = other;
    if (!original || ctx.kept(n->name)) {
      bucket.push_back(n);
      continue;
    }
    replace_tensor_uses(g, TensorId{n->name, 0, false}, original->name);
    replace_control_uses(g, n->name, original->name);
    doomed.push_back(n->name);
    stats.add("constants_merged");
  }
  g.remove(doomed);
  return stats;
}

}  // namespace frost
