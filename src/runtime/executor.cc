#include "runtime/executor.h"

#include <unordered_map>

#include "graph/topology.h"

namespace frost {

Error unknown_op_error(const Graph& g, const Node& n) {
  Error e("unknown op '" + n.op + "': Frost does not implement it (" +
          std::to_string(OpRegistry::global().names().size()) +
          " ops are supported; `frost ops` lists them)");
  e.node(n.name).op(n.op);
  if (!g.source.empty()) e.file(g.source);
  return e;
}

void check_feed(const Graph& g, const TensorId& id, const Tensor& value) {
  const Node* n = g.find(id.node);
  if (!n) throw Error("cannot feed '" + id.to_string() + "': no node of that name");
  if (!value.valid()) throw Error("feed for '" + id.to_string() + "' has no value");
  if (n->op != "Placeholder" && n->op != "PlaceholderWithDefault") return;
  if (id.index != 0) throw n->error("a placeholder has one output; cannot feed '" + id.to_string() + "'");
  const std::string dtype_attr = "dtype";
  if (n->has_attr(dtype_attr)) {
    const DType want = dtype_base(static_cast<int>(n->attr_type(dtype_attr)));
    if (value.dtype() != want)
      throw n->error("fed value is " + dtype_name(value.dtype()) + " but the placeholder takes " + dtype_name(want));
  }
  if (n->has_attr("shape")) {
    const PartialShape& want = n->attr("shape").shape();
    if (!want.accepts(value.shape()))
      throw n->error("fed value has shape " + value.shape().to_string() + " but the placeholder takes " +
                     want.to_string());
  }
}

std::vector<Tensor> run_reference(const Graph& g, const FeedMap& feeds, const std::vector<TensorId>& fetches,
                                  const RunOptions& options) {
  std::set<TensorId> fed;
  for (const auto& [id, value] : feeds) {
    check_feed(g, id, value);
    fed.insert(id);
  }
  const std::set<std::string> needed = needed_nodes(g, fetches, fed);
  const std::vector<const Node*> order = topological_order(g, needed);
  const OpRegistry& ops = OpRegistry::global();

  // Resolve every op before running anything, so an unsupported graph fails fast.
  std::unordered_map<const Node*, const OpDef*> defs;
  for (const Node* n : order) {
    const OpDef* def = ops.find(n->op);
    if (!def) throw unknown_op_error(g, *n);
    defs[n] = def;
  }

  // How many times each tensor will still be read, so it can be freed early.
  std::map<TensorId, int> reads_left;
  for (const Node* n : order)
    for (const std::string& in : n->inputs) {
      const TensorId id = TensorId::parse(in);
      if (!id.control && !fed.count(id)) ++reads_left[id];
    }
  for (const TensorId& f : fetches) reads_left[TensorId{f.node, f.index, false}] += 1 << 20;  // never freed

  std::map<TensorId, Tensor> values;
  for (const Node* n : order) {
    std::vector<Tensor> inputs;
    inputs.reserve(n->inputs.size());
    for (const std::string& in : n->inputs) {
      const TensorId id = TensorId::parse(in);
      if (id.control) continue;
      if (const auto f = feeds.find(id); f != feeds.end()) {
        inputs.push_back(f->second);
        continue;
      }
      const auto v = values.find(id);
      if (v == values.end()) throw n->error("input '" + in + "' was not computed");
      inputs.push_back(v->second);
      if (--reads_left[id] == 0) values.erase(v);
    }
    const OpDef& def = *defs[n];
    std::vector<Tensor> outputs(static_cast<size_t>(def.num_outputs(*n)));
    OpContext ctx(*n, inputs, outputs);
    try {
      def.reference(ctx);
    } catch (Error& e) {
      e.node(n->name).op(n->op);
      if (!g.source.empty()) e.file(g.source);
      throw;
    } catch (const std::exception& e) {
      Error err(std::string("kernel failed: ") + e.what());
      err.node(n->name).op(n->op);
      throw err;
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      const TensorId id{n->name, static_cast<int>(i), false};
      if (reads_left.count(id)) values[id] = outputs[i];
    }
    if (options.on_node) options.on_node(*n, outputs);
  }

  std::vector<Tensor> results;
  for (const TensorId& f : fetches) {
    const TensorId id{f.node, f.index, false};
    if (const auto fv = feeds.find(id); fv != feeds.end()) {
      results.push_back(fv->second);
      continue;
    }
    const auto v = values.find(id);
    if (v == values.end() || !v->second.valid())
      throw Error("fetch '" + id.to_string() + "' produced no value");
    results.push_back(v->second);
  }
  return results;
}

}  // namespace frost
