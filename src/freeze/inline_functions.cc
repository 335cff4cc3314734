#include "freeze/inline_functions.h"

#include <algorithm>
#include <map>
#include <set>

#include "function.pb.h"
#include "io/graphdef_convert.h"

namespace frost {

namespace {

bool is_call(const std::string& op) { return op == "StatefulPartitionedCall" || op == "PartitionedCall"; }

// Output argument names of ops with several single-tensor outputs. Function
// bodies name outputs "node:arg:index"; every other op (and calls, whose one
// argument is a list) has one output argument, so `index` is the position.
const std::map<std::string, std::vector<std::string>>& multi_output_ops() {
  static const std::map<std::string, std::vector<std::string>> ops = {
      {"FusedBatchNorm", {"y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"}},
      {"FusedBatchNormV2", {"y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"}},
      {"FusedBatchNormV3",
       {"y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2", "reserve_space_3"}},
      {"Switch", {"output_false", "output_true"}},
      {"Merge", {"output", "value_index"}},
      {"Unique", {"y", "idx"}},
      {"TopKV2", {"values", "indices"}},
      {"QuantizeV2", {"output", "output_min", "output_max"}},
      {"QuantizedMatMul", {"out", "min_out", "max_out"}},
      {"Requantize", {"output", "output_min", "output_max"}},
      {"RequantizationRange", {"output_min", "output_max"}},
      {"BroadcastGradientArgs", {"r0", "r1"}},
  };
  return ops;
}

std::string function_name(const Node& call) {
  const AttrValue& f = call.attr("f");
  if (!f.is<OpaqueAttr>()) throw call.error("attribute 'f' is not a function");
  tensorflow::AttrValue proto;
  if (!proto.ParseFromString(std::get<OpaqueAttr>(f.value()).serialized) || !proto.has_func())
    throw call.error("attribute 'f' is not a function");
  return proto.func().name();
}

class Inliner {
 public:
  explicit Inliner(Graph& g) : g_(g) {
    if (g.library.empty()) return;
    if (!library_.ParseFromString(g.library))
      throw Error("function library is not a valid FunctionDefLibrary").file(g.source);
    for (const auto& f : library_.function()) functions_[f.signature().name()] = &f;
  }

  bool inlinable(const Node& n) const {
    return is_call(n.op) && n.has_attr("f") && functions_.count(function_name(n));
  }

  void inline_call(const std::string& call_name) {
    Node call = g_.at(call_name);
    const tensorflow::FunctionDef& fdef = *functions_.at(function_name(call));
    const std::string prefix = call.name + "/";
    // Arguments: the caller's data inputs, in order.
    std::map<std::string, std::string> args;
    const auto& in_args = fdef.signature().input_arg();
    if (call.num_data_inputs() != in_args.size())
      throw call.error("calls " + fdef.signature().name() + " with " + std::to_string(call.num_data_inputs()) +
                       " inputs, it takes " + std::to_string(in_args.size()));
    for (int i = 0; i < in_args.size(); ++i) args[in_args[i].name()] = call.inputs[static_cast<size_t>(i)];

    // The body, imported as a graph to get typed attributes.
    tensorflow::GraphDef body;
    for (const auto& nd : fdef.node_def()) {
      for (const auto& [k, v] : nd.attr())
        if (v.value_case() == tensorflow::AttrValue::kPlaceholder)
          throw call.error("function " + fdef.signature().name() + " is polymorphic (attr placeholder '" +
                           v.placeholder() + "'); cannot inline");
      *body.add_node() = nd;
    }
    Graph body_graph = graph_from_graph_def(body, g_.source);
    std::map<std::string, std::string> body_ops;
    for (const Node* n : body_graph.nodes()) body_ops[n->name] = n->op;

    auto map_tensor = [&](const std::string& ref) -> std::string {
      if (ref.rfind('^', 0) == 0) {
        const std::string name = ref.substr(1);
        if (body_ops.count(name)) return "^" + prefix + name;
        const auto a = args.find(name);
        if (a == args.end()) throw call.error("function body names unknown control input '" + ref + "'");
        return "^" + TensorId::parse(a->second).node;
      }
      const size_t c1 = ref.find(':');
      if (c1 == std::string::npos) {
        const auto a = args.find(ref);
        if (a == args.end()) throw call.error("function body reads unknown argument '" + ref + "'");
        return a->second;
      }
      const std::string node = ref.substr(0, c1);
      const size_t c2 = ref.find(':', c1 + 1);
      const std::string arg = ref.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1);
      const int index = c2 == std::string::npos ? 0 : std::stoi(ref.substr(c2 + 1));
      const auto op = body_ops.find(node);
      if (op == body_ops.end()) throw call.error("function body reads unknown node '" + ref + "'");
      int flat = index;
      if (const auto m = multi_output_ops().find(op->second); m != multi_output_ops().end()) {
        const auto& names = m->second;
        const auto it = std::find(names.begin(), names.end(), arg);
        if (it == names.end()) throw call.error("op " + op->second + " has no output '" + arg + "'");
        flat = static_cast<int>(it - names.begin()) + index;
      }
      return prefix + node + (flat == 0 ? "" : ":" + std::to_string(flat));
    };

    for (const Node* n : body_graph.nodes()) {
      Node copy = *n;
      copy.name = prefix + n->name;
      for (std::string& in : copy.inputs) in = map_tensor(in);
      // Nodes without inputs run when the call runs.
      if (copy.inputs.empty())
        for (const std::string& in : call.inputs)
          if (in.rfind('^', 0) == 0) copy.inputs.push_back(in);
      if (g_.find(copy.name)) throw call.error("inlining would duplicate node '" + copy.name + "'");
      g_.add(std::move(copy));
    }

    // The call node becomes the function's results, by position.
    std::vector<std::string> results;
    for (const auto& out : fdef.signature().output_arg()) {
      const auto r = fdef.ret().find(out.name());
      if (r == fdef.ret().end()) throw call.error("function " + fdef.signature().name() + " lacks ret " + out.name());
      results.push_back(map_tensor(r->second));
    }
    std::vector<std::string> controls;
    for (const auto& [k, v] : fdef.control_ret()) controls.push_back("^" + prefix + v);
    Node& node = g_.at(call_name);
    const std::vector<DType> types = node.has_attr("Tout") ? node.attr("Tout").list_type() : std::vector<DType>{};
    node.inputs = results;
    node.inputs.insert(node.inputs.end(), controls.begin(), controls.end());
    if (results.size() == 1) {
      node.op = "Identity";
      node.attrs = {{"T", types.empty() ? DType::Float : types[0]}};
    } else if (results.empty()) {
      node.op = "NoOp";
      node.attrs.clear();
    } else {
      node.op = "IdentityN";
      node.attrs = {{"T", types}};
    }
  }

 private:
  Graph& g_;
  tensorflow::FunctionDefLibrary library_;
  std::map<std::string, const tensorflow::FunctionDef*> functions_;
};

}  // namespace

int inline_function_calls(Graph& g) {
  Inliner inliner(g);
  int inlined = 0;
  for (int depth = 0; depth < 64; ++depth) {
    std::vector<std::string> calls;
    for (const Node* n : g.nodes())
      if (inliner.inlinable(*n)) calls.push_back(n->name);
    if (calls.empty()) return inlined;
    for (const std::string& c : calls) inliner.inline_call(c);
    inlined += static_cast<int>(calls.size());
  }
  throw Error("function calls nest deeper than 64 levels").file(g.source);
}

}  // namespace frost
