// The reference executor is a dataflow interpreter with TensorFlow's v1
// control-flow semantics, so lowered while loops and conds run as TensorFlow
// runs them rather than by pattern-matching:
//  - every value is tagged with a frame (one per loop instance) and an
//    iteration; Enter moves a value into a child frame (a constant Enter into
//    every iteration), NextIteration to the next iteration, Exit back out;
//  - Switch forwards its input to one output and marks the other dead; a node
//    with a dead input does not run and its outputs are dead; Merge fires on
//    its first live input (or is dead when all its inputs are dead);
//  - a dead NextIteration or Exit value is dropped (the loop ends through the
//    live Exit of its last iteration).
#include "runtime/executor.h"

#include <chrono>
#include <deque>
#include <memory>
#include <unordered_map>

#include "graph/control_flow.h"
#include "graph/input_pipeline.h"
#include "graph/topology.h"
#include "kernels/simd/worker_team.h"

namespace frost {

Error unknown_op_error(const Graph& g, const Node& n) {
  Error e("unknown op '" + n.op + "': Frost does not implement it (" +
          std::to_string(OpRegistry::global().names().size()) +
          " ops are supported)");
  e.node(n.name).op(n.op);
  if (!g.source.empty()) e.file(g.source);
  return e;
}

void check_feed(const Graph& g, const TensorId& id, const Tensor& value) {
  const Node* n = g.find(id.node);
  if (!n) throw Error("cannot feed '" + id.to_string() + "': no node of that name");
  if (!value.valid()) throw Error("feed for '" + id.to_string() + "' has no value");
  if (is_pipeline_reader_op(n->op)) {
    // A pipeline component takes what its reader's attrs declare.
    const std::vector<PipelineComponent> components = pipeline_components(g, *n);
    if (id.index >= static_cast<int>(components.size()))
      throw n->error("cannot feed '" + id.to_string() + "': the reader has " + std::to_string(components.size()) +
                     " components");
    const PipelineComponent& c = components[static_cast<size_t>(id.index)];
    const std::string name = id.node + ":" + std::to_string(id.index);
    if (c.dtype != DType::Invalid && value.dtype() != c.dtype)
      throw n->error("fed value for '" + name + "' is " + dtype_name(value.dtype()) +
                     " but the component is " + dtype_name(c.dtype));
    if (!c.shape.accepts(value.shape()) && c.shape.known_rank())
      throw n->error("fed value for '" + name + "' has shape " + value.shape().to_string() +
                     " but the component is " + c.shape.to_string());
    return;
  }
  if (n->op != "Placeholder" && n->op != "PlaceholderWithDefault") return;
  if (id.index != 0) throw n->error("a placeholder has one output; cannot feed '" + id.to_string() + "'");
  if (n->has_attr("dtype")) {
    const DType want = dtype_base(static_cast<int>(n->attr_type("dtype")));
    if (value.dtype() != want)
      throw n->error("fed value is " + dtype_name(value.dtype()) + " but the placeholder takes " + dtype_name(want));
  }
  if (n->has_attr("shape")) {
    const PartialShape& want = n->attr("shape").shape();
    // Graphs from before GraphDef version 21 wrote "no dimensions" for an
    // unconstrained placeholder shape; TensorFlow still accepts any value there.
    const bool legacy_unconstrained = want.known_rank() && want.rank() == 0 && g.versions.producer < 21;
    if (!legacy_unconstrained && !want.accepts(value.shape()))
      throw n->error("fed value has shape " + value.shape().to_string() + " but the placeholder takes " +
                     want.to_string());
  }
}

namespace {

// Cap on loop iterations, so a graph whose loop never ends is an error and
// not a hang (TensorFlow has no such cap; real models loop far less).
constexpr int64_t kMaxIterations = 1'000'000;

struct Entry {
  Tensor value;
  bool dead = false;
  bool present = false;
};

enum class Kind { Normal, Switch, Merge, Enter, Exit, NextIteration };

Kind kind_of(const std::string& op) {
  switch (control_flow_kind(op)) {
    case ControlFlow::kSwitch: return Kind::Switch;
    case ControlFlow::kMerge: return Kind::Merge;
    case ControlFlow::kEnter: return Kind::Enter;
    case ControlFlow::kExit: return Kind::Exit;
    case ControlFlow::kNextIteration: return Kind::NextIteration;
    case ControlFlow::kNone: break;
  }
  return Kind::Normal;
}

struct Edge {
  int consumer;  // index into the executed node list
  int slot;      // data input slot, or -1 for a control edge
  int output;    // producer's output index
};

// Static facts about one node to execute.
struct NodeInfo {
  const Node* node = nullptr;
  const OpDef* def = nullptr;
  KernelFn kernel;
  Kind kind = Kind::Normal;
  int num_data_inputs = 0;
  int num_inputs_to_wait = 0;  // data + control inputs produced inside the run
  std::vector<std::vector<Edge>> out_edges;  // per output; control edges under output -1 -> stored at back
  std::vector<Edge> control_out;
  std::vector<std::pair<int, Tensor>> fed_inputs;  // slot -> fed value
  bool fetched = false;
};

struct Frame;

// Inputs gathered so far for one node in one iteration of one frame.
struct PendingNode {
  std::vector<Entry> inputs;
  int arrived = 0;
  int dead_arrived = 0;
  bool any_dead_control = false;
  bool fired = false;
};

struct Iteration {
  std::unordered_map<int, PendingNode> pending;
};

struct Frame {
  std::string name;
  Frame* parent = nullptr;
  int64_t parent_iteration = 0;
  std::map<int64_t, Iteration> iterations;
  // Values of constant Enters, delivered to every iteration.
  std::vector<std::pair<int, std::pair<int, Entry>>> constants;  // consumer, (slot, entry)
  std::map<std::pair<int64_t, std::string>, std::unique_ptr<Frame>> children;  // (iteration, name)
};

struct Task {
  int node;
  Frame* frame;
  int64_t iteration;
};

class Run {
 public:
  Run(const Graph& g, const FeedMap& feeds, const std::vector<TensorId>& fetches, const KernelSelector& select,
      const RunOptions& options)
      : g_(g), feeds_(feeds), fetches_(fetches), select_(select), options_(options) {}

  std::vector<Tensor> execute() {
    plan();
    root_.name = "";
    for (int i = 0; i < static_cast<int>(nodes_.size()); ++i)
      if (nodes_[static_cast<size_t>(i)].num_inputs_to_wait == 0) start(i, &root_, 0);
    while (!ready_.empty()) {
      const Task t = ready_.front();
      ready_.pop_front();
      fire(t);
    }
    return collect();
  }

 private:
  void plan() {
    std::set<TensorId> fed;
    for (const auto& [id, value] : feeds_) {
      check_feed(g_, id, value);
      fed.insert(id);
    }
    const std::set<std::string> needed = needed_nodes(g_, fetches_, fed);
    // Graph order (not topological: loops have back edges) keeps runs deterministic.
    std::unordered_map<std::string, int> index;
    for (const Node* n : g_.nodes()) {
      if (!needed.count(n->name)) continue;
      index[n->name] = static_cast<int>(nodes_.size());
      NodeInfo info;
      info.node = n;
      info.def = OpRegistry::global().find(n->op);
      if (!info.def) throw unknown_op_error(g_, *n);
      info.kernel = select_ ? select_(*n, *info.def) : info.def->reference;
      info.kind = kind_of(n->op);
      info.num_data_inputs = n->num_data_inputs();
      info.out_edges.resize(static_cast<size_t>(info.def->num_outputs(*n)));
      nodes_.push_back(std::move(info));
    }
    topological_order(g_, needed);  // reports cycles that are not loop back edges
    for (NodeInfo& info : nodes_) {
      int slot = 0;
      for (const std::string& in : info.node->inputs) {
        const TensorId id = TensorId::parse(in);
        const int this_slot = id.control ? -1 : slot++;
        if (!id.control) {
          if (const auto f = feeds_.find(id); f != feeds_.end()) {
            info.fed_inputs.emplace_back(this_slot, f->second);
            continue;
          }
        }
        const auto p = index.find(id.node);
        if (p == index.end()) continue;  // a control input from outside the needed set
        NodeInfo& producer = nodes_[static_cast<size_t>(p->second)];
        const int consumer = static_cast<int>(&info - nodes_.data());
        if (id.control) {
          producer.control_out.push_back({consumer, -1, -1});
        } else {
          if (id.index >= static_cast<int>(producer.out_edges.size()))
            throw info.node->error("input '" + in + "' asks for an output its producer does not have");
          producer.out_edges[static_cast<size_t>(id.index)].push_back({consumer, this_slot, id.index});
        }
        ++info.num_inputs_to_wait;
      }
    }
    for (const TensorId& f : fetches_) {
      if (feeds_.count(TensorId{f.node, f.index, false})) continue;
      NodeInfo& info = nodes_[static_cast<size_t>(index.at(f.node))];
      if (f.index >= static_cast<int>(info.out_edges.size()))
        throw info.node->error("cannot fetch '" + f.to_string() + "': the node has " +
                               std::to_string(info.out_edges.size()) + " outputs");
      info.fetched = true;
    }
  }

  PendingNode& pending(int node, Frame* frame, int64_t iteration) {
    PendingNode& p = frame->iterations[iteration].pending[node];
    if (p.inputs.empty() && !p.fired) {
      const NodeInfo& info = nodes_[static_cast<size_t>(node)];
      p.inputs.resize(static_cast<size_t>(info.num_data_inputs));
      for (const auto& [slot, value] : info.fed_inputs) p.inputs[static_cast<size_t>(slot)] = {value, false, true};
    }
    return p;
  }

  // A node with nothing to wait for (sources, or all inputs fed).
  void start(int node, Frame* frame, int64_t iteration) {
    pending(node, frame, iteration);
    ready_.push_back({node, frame, iteration});
  }

  void deliver(const Edge& e, const Entry& entry, Frame* frame, int64_t iteration) {
    const NodeInfo& info = nodes_[static_cast<size_t>(e.consumer)];
    PendingNode& p = pending(e.consumer, frame, iteration);
    if (p.fired) return;  // a Merge that already fired ignores later arrivals
    if (e.slot >= 0) {
      p.inputs[static_cast<size_t>(e.slot)] = entry;
      if (entry.dead) ++p.dead_arrived;
    } else if (entry.dead) {
      p.any_dead_control = true;
    }
    ++p.arrived;
    const bool merge_ready = info.kind == Kind::Merge && e.slot >= 0 && !entry.dead;
    if (merge_ready || p.arrived == info.num_inputs_to_wait) {
      p.fired = true;
      ready_.push_back({e.consumer, frame, iteration});
    }
  }

  Frame* child_frame(Frame* parent, int64_t iteration, const std::string& name) {
    auto& slot = parent->children[{iteration, name}];
    if (!slot) {
      slot = std::make_unique<Frame>();
      slot->name = name;
      slot->parent = parent;
      slot->parent_iteration = iteration;
    }
    return slot.get();
  }

  // Starts iteration `iteration` of `frame`: constant Enter values arrive there too.
  void open_iteration(Frame* frame, int64_t iteration) {
    if (frame->iterations.count(iteration)) return;
    if (iteration > kMaxIterations)
      throw Error("while loop '" + frame->name + "' ran more than " + std::to_string(kMaxIterations) + " iterations");
    frame->iterations[iteration];
    for (const auto& [consumer, slot_entry] : frame->constants)
      deliver({consumer, slot_entry.first, 0}, slot_entry.second, frame, iteration);
  }

  void fire(const Task& t) {
    NodeInfo& info = nodes_[static_cast<size_t>(t.node)];
    PendingNode& p = t.frame->iterations[t.iteration].pending[t.node];
    std::vector<Entry> inputs = std::move(p.inputs);
    const bool control_dead = p.any_dead_control;
    const int dead_inputs = p.dead_arrived;
    t.frame->iterations[t.iteration].pending.erase(t.node);

    const size_t num_outputs = info.out_edges.size();
    std::vector<Entry> outputs(num_outputs);
    uint64_t allocated = 0;
    const bool dead = control_dead || (info.kind == Kind::Merge ? dead_inputs == info.num_data_inputs && dead_inputs > 0
                                                                : dead_inputs > 0);
    if (dead) {
      for (Entry& o : outputs) o = {Tensor(), true, true};
    } else if (info.kind == Kind::Switch) {
      const bool pred = inputs.at(1).value.as_double(0) != 0.0;
      outputs[0] = {inputs[0].value, pred, true};
      outputs[1] = {inputs[0].value, !pred, true};
    } else if (info.kind == Kind::Merge) {
      for (size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i].present && !inputs[i].dead) {
          outputs[0] = {inputs[i].value, false, true};
          outputs[1] = {Tensor::scalar<int32_t>(static_cast<int32_t>(i)), false, true};
          break;
        }
      }
    } else {
      allocated = run_kernel(info, inputs, outputs);
    }
    if (options_.trace) record(info, inputs, outputs, allocated);
    if (options_.on_node && t.frame == &root_) {
      std::vector<Tensor> values;
      for (const Entry& o : outputs) values.push_back(o.value);
      options_.on_node(*info.node, values);
    }
    route(info, t, outputs, dead);
  }

  uint64_t run_kernel(const NodeInfo& info, const std::vector<Entry>& inputs, std::vector<Entry>& outputs) {
    std::vector<Tensor> in_values;
    in_values.reserve(inputs.size());
    for (const Entry& e : inputs) in_values.push_back(e.value);
    std::vector<Tensor> out_values(outputs.size());
    OpContext ctx(*info.node, in_values, out_values);
    run_node_kernel(g_, *info.node, info.kernel, ctx, options_);
    for (size_t i = 0; i < outputs.size(); ++i) outputs[i] = {std::move(out_values[i]), false, true};
    return ctx.allocated_outputs();
  }

  static NodeTrace::Value trace_value(const Tensor& t) {
    return {t.dtype(), t.shape(), t.valid() ? t.raw_data() : nullptr, t.byte_size()};
  }

  void record(const NodeInfo& info, const std::vector<Entry>& inputs, const std::vector<Entry>& outputs,
              uint64_t allocated) {
    NodeTrace t;
    t.node = info.node;
    if (info.kind == Kind::Normal) t.kernel = info.kernel;
    for (const Entry& e : inputs) t.inputs.push_back(trace_value(e.value));
    for (const Entry& e : outputs) t.outputs.push_back(trace_value(e.value));
    t.allocated = allocated;
    options_.trace->push_back(std::move(t));
  }

  // Sends each output to its consumers in the right frame and iteration.
  void route(const NodeInfo& info, const Task& t, const std::vector<Entry>& outputs, bool dead) {
    Frame* frame = t.frame;
    int64_t iteration = t.iteration;
    bool constant_enter = false;
    switch (info.kind) {
      case Kind::Enter:
        frame = child_frame(t.frame, t.iteration, info.node->attr_string_or("frame_name", info.node->name));
        constant_enter = info.node->attr_bool_or("is_constant", false);
        iteration = 0;
        open_iteration(frame, 0);
        break;
      case Kind::Exit:
        if (outputs[0].dead || !t.frame->parent) return;  // only the loop's final, live value leaves
        frame = t.frame->parent;
        iteration = t.frame->parent_iteration;
        break;
      case Kind::NextIteration:
        if (outputs[0].dead) return;  // the loop has ended on this path
        iteration = t.iteration + 1;
        open_iteration(frame, iteration);
        break;
      default: break;
    }
    // Fetches are values of the root frame (a loop's result is its Exit's value there).
    if (info.fetched && frame == &root_)
      for (size_t i = 0; i < outputs.size(); ++i) results_[TensorId{info.node->name, static_cast<int>(i), false}] = outputs[i];
    for (size_t i = 0; i < outputs.size(); ++i) {
      for (const Edge& e : info.out_edges[i]) {
        if (constant_enter) {
          frame->constants.push_back({e.consumer, {e.slot, outputs[i]}});
          for (auto& [it, state] : frame->iterations) deliver(e, outputs[i], frame, it);
        } else {
          deliver(e, outputs[i], frame, iteration);
        }
      }
    }
    // A control edge carries the node's deadness (a live Switch is live even
    // though one of its outputs is dead).
    const Entry control{Tensor(), dead, true};
    for (const Edge& e : info.control_out) {
      if (constant_enter) {
        frame->constants.push_back({e.consumer, {-1, control}});
        for (auto& [it, state] : frame->iterations) deliver(e, control, frame, it);
      } else {
        deliver(e, control, frame, iteration);
      }
    }
  }

  std::vector<Tensor> collect() {
    std::vector<Tensor> out;
    for (const TensorId& f : fetches_) {
      const TensorId id{f.node, f.index, false};
      if (const auto fv = feeds_.find(id); fv != feeds_.end()) {
        out.push_back(fv->second);
        continue;
      }
      const auto it = results_.find(id);
      if (it == results_.end()) throw Error("fetch '" + id.to_string() + "' was never computed (its inputs never all arrived)");
      if (it->second.dead) throw Error("fetch '" + id.to_string() + "' is on an untaken branch of a conditional");
      out.push_back(it->second.value);
    }
    return out;
  }

  const Graph& g_;
  const FeedMap& feeds_;
  const std::vector<TensorId>& fetches_;
  const KernelSelector& select_;
  const RunOptions& options_;
  std::vector<NodeInfo> nodes_;
  Frame root_;
  std::deque<Task> ready_;
  std::map<TensorId, Entry> results_;
};

}  // namespace

void run_node_kernel(const Graph& g, const Node& node, const KernelFn& kernel, OpContext& ctx,
                     const RunOptions& options) {
  try {
    // The clock only when profiling: two reads per step show on small models.
    if (!options.profile) return kernel(ctx);
    const kernels::simd::WorkerTeam& team = kernels::simd::worker_team();
    const uint32_t regions = team.regions();
    const auto start = std::chrono::steady_clock::now();
    kernel(ctx);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    (*options.profile)[node.name].add(node.op, seconds, 1, team.regions() != regions ? 1 : 0);
  } catch (Error& e) {
    e.node(node.name).op(node.op);
    if (!g.source.empty()) e.file(g.source);
    throw;
  } catch (const std::exception& e) {
    Error err(std::string("kernel failed: ") + e.what());
    err.node(node.name).op(node.op);
    throw err;
  }
}

std::vector<Tensor> run_graph(const Graph& g, const FeedMap& feeds, const std::vector<TensorId>& fetches,
                              const KernelSelector& select, const RunOptions& options) {
  return Run(g, feeds, fetches, select, options).execute();
}

std::vector<Tensor> run_reference(const Graph& g, const FeedMap& feeds, const std::vector<TensorId>& fetches,
                                  const RunOptions& options) {
  return run_graph(g, feeds, fetches, nullptr, options);
}

}  // namespace frost
