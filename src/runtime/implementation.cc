#include "runtime/implementation.h"

#include <cstdlib>
#include <map>

#include "runtime/impl_families.h"

namespace frost {

namespace {

// The whole table, in the order implementations are tried.
std::vector<Implementation> build_table() {
  std::vector<Implementation> all;
  for (auto family : {conv_implementations, matmul_implementations, conv_transpose_implementations,
                      pool_implementations, elementwise_implementations, elementwise_chain_implementations,
                      activation_implementations, transpose_implementations, join_split_implementations,
                      strided_slice_implementations, pad_implementations, reduce_implementations,
                      rnn_implementations, quantized_matmul_implementations, audio_implementations})
    for (Implementation& impl : family()) all.push_back(std::move(impl));
  return all;
}

const std::map<std::string, std::vector<const Implementation*>, std::less<>>& by_op() {
  static const auto* table = [] {
    auto* m = new std::map<std::string, std::vector<const Implementation*>, std::less<>>;
    for (const Implementation& impl : all_implementations())
      for (const std::string& op : impl.ops) (*m)[op].push_back(&impl);
    return m;
  }();
  return *table;
}

std::string_view family_of(std::string_view name) { return name.substr(0, name.find('/')); }
std::string_view variant_of(std::string_view name) {
  const size_t slash = name.find('/');
  return slash == std::string_view::npos ? std::string_view{} : name.substr(slash + 1);
}

bool matches(std::string_view entry, std::string_view name) {
  return entry == name || entry == family_of(name) || entry == variant_of(name);
}

bool matches_any(const std::vector<std::string>& entries, std::string_view name) {
  for (const std::string& e : entries)
    if (matches(e, name)) return true;
  return false;
}

}  // namespace

std::string reference_implementation_name(std::string_view op) { return std::string(op) + "/reference"; }

const std::vector<Implementation>& all_implementations() {
  static const std::vector<Implementation> table = build_table();
  return table;
}

const std::vector<const Implementation*>& implementations_for(std::string_view op) {
  static const std::vector<const Implementation*> none;
  const auto& m = by_op();
  const auto it = m.find(op);
  return it == m.end() ? none : it->second;
}

ImplFilter ImplFilter::parse(std::string_view spec) {
  ImplFilter f;
  while (!spec.empty()) {
    const size_t comma = spec.find(',');
    std::string_view entry = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (entry.empty()) continue;
    const bool exclude = entry.front() == '-';
    if (exclude) entry.remove_prefix(1);
    bool known = entry == "reference";
    for (const Implementation& impl : all_implementations()) known = known || matches(entry, impl.name);
    if (!known)
      throw Error("FROST_IMPL: '" + std::string(entry) +
                  "' names no implementation (give a name such as conv2d/im2col_gemm, a family such as "
                  "conv2d, or a variant such as reference; `frost ops` lists them)");
    if (exclude && entry == "reference") throw Error("FROST_IMPL: the reference implementations cannot be excluded");
    (exclude ? f.exclude_ : f.force_).emplace_back(entry);
  }
  return f;
}

ImplFilter ImplFilter::from_env() {
  const char* spec = std::getenv("FROST_IMPL");
  return spec ? parse(spec) : ImplFilter{};
}

bool ImplFilter::allows(std::string_view op, const Implementation& impl) const {
  if (matches_any(exclude_, impl.name)) return false;
  if (force_.empty()) return true;
  // Forcing restricts only the ops that have a forced implementation (or the
  // references, when "reference" is forced).
  if (matches_any(force_, reference_implementation_name(op))) return false;
  bool op_forced = false;
  for (const Implementation* other : implementations_for(op)) op_forced = op_forced || matches_any(force_, other->name);
  return !op_forced || matches_any(force_, impl.name);
}

ChosenKernel choose_implementation(const PrepareContext& ctx, const ImplFilter& filter) {
  for (const Implementation* impl : implementations_for(ctx.node.op)) {
    if (!filter.allows(ctx.node.op, *impl)) continue;
    try {
      if (impl->applies(ctx)) return {impl->prepare(ctx), impl->name};
    } catch (const Error&) {
      // Attrs it cannot read: not applicable; the reference reports them when the node runs.
    }
  }
  return {ctx.def.reference, reference_implementation_name(ctx.node.op)};
}

}  // namespace frost
