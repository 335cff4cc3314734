#include "runtime/loop_program.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "graph/control_flow.h"
#include "graph/topology.h"
#include "graph/value_flow.h"

namespace frost {

namespace {

// As the dataflow executor's cap: a loop that never ends is an error, not a hang.
constexpr int64_t kMaxIterations = 1'000'000;

using Output = std::pair<std::string, int>;  // (node, output index)

}  // namespace

std::unique_ptr<LoopProgram> LoopProgram::build(const Graph& g, const FeedMap& feeds,
                                                const std::vector<TensorId>& fetches, const KernelSelector& select) {
  std::set<TensorId> fed;
  for (const auto& [id, value] : feeds) fed.insert(TensorId{id.node, id.index, false});
  std::vector<const Node*> order;
  try {
    order = topological_order(g, needed_nodes(g, fetches, fed));
  } catch (const Error&) {
    return nullptr;
  }
  auto p = std::make_unique<LoopProgram>();

  // Slots: feeds first, then every output of every node (a fed output is read from its feed's slot).
  std::map<Output, int> slot;
  std::unordered_map<std::string, int> first_slot;
  std::unordered_map<std::string, const OpDef*> defs;
  for (const auto& [id, value] : feeds) {
    slot[{id.node, id.index}] = p->num_slots_;
    p->feed_slots_.push_back(p->num_slots_++);
  }
  for (const Node* n : order) {
    const OpDef* def = OpRegistry::global().find(n->op);
    if (!def) return nullptr;
    defs[n->name] = def;
    const int outputs = def->num_outputs(*n);
    first_slot[n->name] = p->num_slots_;
    for (int j = 0; j < outputs; ++j) slot.emplace(Output{n->name, j}, p->num_slots_ + j);
    p->num_slots_ += std::max(outputs, 1);  // a node without outputs gets one, for its deadness
  }
  auto slot_of = [&](const std::string& input) {
    const TensorId id = TensorId::parse(input);
    const auto it = slot.find({id.node, id.index});
    return it == slot.end() ? -1 : it->second;
  };

  // Frames: 0 is the top level; an Enter opens its frame_name's, an Exit
  // returns to the top; any other node is in its inputs' frame (a node
  // without inputs at the top). Inputs from two frames, or a nested Enter: not taken.
  std::unordered_map<std::string, int> frame_of;
  std::vector<std::string> frame_names = {""};
  std::vector<std::vector<const Node*>> frame_nodes(1);
  for (const Node* n : order) {
    int f = -1;
    bool mixed = false;
    for (const std::string& in : n->inputs) {
      const TensorId id = TensorId::parse(in);
      int from = -1;
      if (!id.control && fed.count(TensorId{id.node, id.index, false})) from = 0;
      else if (const auto it = frame_of.find(id.node); it != frame_of.end()) from = it->second;
      if (from < 0) continue;  // a back edge (NextIteration -> Merge)
      if (f >= 0 && f != from) mixed = true;
      f = from;
    }
    if (f < 0) f = 0;
    const ControlFlow kind = control_flow_kind(n->op);
    if (kind == ControlFlow::kEnter) {
      if (mixed || f != 0) return nullptr;
      const std::string name = n->attr_string_or("frame_name", n->name);
      const auto it = std::find(frame_names.begin(), frame_names.end(), name);
      f = static_cast<int>(it - frame_names.begin());
      if (it == frame_names.end()) {
        frame_names.push_back(name);
        frame_nodes.emplace_back();
      }
    } else if (kind == ControlFlow::kExit) {
      if (mixed || f == 0) return nullptr;
      f = 0;
    } else if (mixed) {
      return nullptr;
    }
    frame_of[n->name] = f;
    frame_nodes[static_cast<size_t>(f)].push_back(n);
  }
  if (frame_names.size() < 2) return nullptr;  // no loop: the Plan's business

  // Readers of each output among the needed nodes.
  std::map<Output, std::vector<const Node*>> readers;
  for (const Node* n : order)
    for (int i = 0; i < n->num_data_inputs(); ++i) {
      const TensorId id = n->input(i);
      readers[{id.node, id.index}].push_back(n);
    }
  auto reads_of = [&](const std::string& node, int index) -> const std::vector<const Node*>& {
    static const std::vector<const Node*> none;
    const auto it = readers.find({node, index});
    return it == readers.end() ? none : it->second;
  };
  // `top_level`: a Switch or Merge becomes its own kind of step, and control
  // inputs are kept (they carry deadness there).
  auto make_step = [&](const Node* n, Step& s, bool top_level) {
    const OpDef& def = *defs.at(n->name);
    const ControlFlow kind = control_flow_kind(n->op);
    s.node = n;
    if (top_level && kind == ControlFlow::kSwitch) s.kind = Step::Kind::kSwitch;
    else if (top_level && kind == ControlFlow::kMerge) s.kind = Step::Kind::kMerge;
    else s.kernel = select ? select(*n, def) : def.reference;
    for (int i = 0; i < n->num_data_inputs(); ++i) {
      const int v = slot_of(n->inputs[static_cast<size_t>(i)]);
      if (v < 0) return false;
      s.inputs.push_back(v);
    }
    if (top_level)
      for (size_t i = static_cast<size_t>(n->num_data_inputs()); i < n->inputs.size(); ++i) {
        const TensorId id = TensorId::parse(n->inputs[i]);
        const auto it = first_slot.find(id.node);
        if (it == first_slot.end()) return false;
        const bool from_switch = control_flow_kind(g.at(id.node).op) == ControlFlow::kSwitch;
        s.control.emplace_back(it->second, from_switch ? it->second + 1 : -1);
      }
    s.first_output = first_slot.at(n->name);
    s.num_outputs = def.num_outputs(*n);
    return true;
  };

  // Each loop frame: its variables, condition and body.
  for (size_t f = 1; f < frame_names.size(); ++f) {
    Loop loop;
    loop.name = frame_names[f];
    const Node* cond = nullptr;
    int switches = 0, exits = 0, next_iterations = 0;
    std::vector<const Node*> merges;
    for (const Node* n : frame_nodes[f]) {
      switch (control_flow_kind(n->op)) {
        case ControlFlow::kEnter: {
          const int outer = slot_of(n->inputs.at(0));
          if (n->num_data_inputs() != 1 || outer < 0) return nullptr;
          loop.enter.emplace_back(outer, first_slot.at(n->name));
          if (!n->attr_bool_or("is_constant", false))
            for (const Node* r : reads_of(n->name, 0))
              if (control_flow_kind(r->op) != ControlFlow::kMerge) return nullptr;  // read once, by its Merge
          break;
        }
        case ControlFlow::kMerge: merges.push_back(n); break;
        case ControlFlow::kSwitch: ++switches; break;
        case ControlFlow::kExit: break;  // at the top level (counted below)
        case ControlFlow::kNextIteration: ++next_iterations; break;
        case ControlFlow::kNone:
          if (n->op == "LoopCond") {
            if (cond || n->num_data_inputs() != 1) return nullptr;
            cond = n;
          }
          break;
      }
    }
    if (!cond) return nullptr;
    loop.predicate = slot_of(cond->inputs[0]);
    for (const Node* n : frame_nodes[0])
      if (control_flow_kind(n->op) == ControlFlow::kExit && frame_of.at(n->input(0).node) == static_cast<int>(f)) ++exits;
    int matched_switches = 0, matched_exits = 0;
    for (const Node* m : merges) {
      if (m->num_data_inputs() != 2 || !reads_of(m->name, 1).empty()) return nullptr;
      const Node* enter = g.find(m->input(0).node);
      const Node* next = g.find(m->input(1).node);
      if (!enter || !next || control_flow_kind(enter->op) != ControlFlow::kEnter ||
          control_flow_kind(next->op) != ControlFlow::kNextIteration || enter->attr_bool_or("is_constant", false) ||
          !frame_of.count(next->name) || frame_of.at(next->name) != static_cast<int>(f) || m->input(0).index != 0 ||
          m->input(1).index != 0 || next->num_data_inputs() != 1)
        return nullptr;
      loop.merge.push_back(first_slot.at(m->name));
      loop.initial.push_back(first_slot.at(enter->name));
      const int next_slot = slot_of(next->inputs[0]);
      if (next_slot < 0) return nullptr;
      loop.next.push_back(next_slot);
      std::vector<int> on_true, to_exit;
      for (const Node* sw : reads_of(m->name, 0)) {
        if (control_flow_kind(sw->op) != ControlFlow::kSwitch) continue;
        if (sw->num_data_inputs() != 2 || sw->input(0).index != 0 || sw->input(1).node != cond->name ||
            sw->input(1).index != 0)
          return nullptr;
        ++matched_switches;
        on_true.push_back(first_slot.at(sw->name) + 1);
        for (const Node* r : reads_of(sw->name, 0)) {
          if (control_flow_kind(r->op) != ControlFlow::kExit) return nullptr;  // only Exits take the false side
          to_exit.push_back(first_slot.at(r->name));
          ++matched_exits;
        }
      }
      loop.switch_true.push_back(on_true);
      loop.exits.push_back(to_exit);
    }
    if (matched_switches != switches || matched_exits != exits || next_iterations != static_cast<int>(merges.size()) ||
        loop.predicate < 0)
      return nullptr;
    // The condition: the nodes LoopCond's input needs within the frame.
    std::set<std::string> in_cond;
    std::vector<std::string> stack = {TensorId::parse(cond->inputs[0]).node};
    while (!stack.empty()) {
      const std::string name = stack.back();
      stack.pop_back();
      const auto it = frame_of.find(name);
      const Node* n = g.find(name);
      if (!n || it == frame_of.end() || it->second != static_cast<int>(f) || is_control_flow(n->op) ||
          !in_cond.insert(name).second)
        continue;
      for (const std::string& in : n->inputs) stack.push_back(TensorId::parse(in).node);
    }
    // Body steps whose every data input is loop-invariant (a constant Enter,
    // or an invariant step's output) and whose op gives the same value each
    // time (no state, randomness or containers) compute the same value every
    // iteration: Keras cells slice their weights and build constants in the
    // body. They run once, before the body first runs (not when it never
    // runs, so an error they would raise stays where it was).
    std::set<int> invariant;
    for (const Node* n : frame_nodes[f])
      if (control_flow_kind(n->op) == ControlFlow::kEnter && n->attr_bool_or("is_constant", false))
        invariant.insert(first_slot.at(n->name));
    for (const Node* n : frame_nodes[f]) {
      if (is_control_flow(n->op) || n == cond) continue;
      Step s;
      if (!make_step(n, s, false)) return nullptr;
      if (in_cond.count(n->name)) {
        loop.cond.push_back(std::move(s));
        continue;
      }
      bool hoist = s.num_outputs > 0 && !varies_between_runs(n->op) && n->op.rfind("TensorArray", 0) != 0 &&
                   n->op.rfind("TensorList", 0) != 0;
      for (const int v : s.inputs) hoist = hoist && invariant.count(v);
      if (hoist)
        for (int j = 0; j < s.num_outputs; ++j) invariant.insert(s.first_output + j);
      (hoist ? loop.hoisted : loop.body).push_back(std::move(s));
    }
    p->loops_.push_back(std::move(loop));
  }

  // The top level: its nodes and one step per loop, ordered so that a loop
  // runs once everything its Enters read is there, and before what reads its Exits.
  struct Unit {
    const Node* node = nullptr;  // a node, or
    int loop = -1;               // a loop
    std::set<int> after;         // units that must run first
  };
  std::vector<Unit> units;
  std::unordered_map<std::string, int> unit_of;  // top-level node or Exit -> unit
  std::vector<int> loop_unit(frame_names.size(), -1);
  for (const Node* n : order) {
    const int f = frame_of.at(n->name);
    const bool exit = control_flow_kind(n->op) == ControlFlow::kExit;
    if (f == 0 && !exit) {
      // A Switch or Merge outside loops is a cond (tf.cond, Keras's dropout
      // on a fed learning phase): its steps track dead values (run_with_conds).
      const ControlFlow kind = control_flow_kind(n->op);
      if (kind == ControlFlow::kSwitch || kind == ControlFlow::kMerge) p->has_conds_ = true;
      else if (is_control_flow(n->op) || n->op == "LoopCond") return nullptr;
      unit_of[n->name] = static_cast<int>(units.size());
      units.push_back({n, -1, {}});
      continue;
    }
    const int loop_frame = exit ? frame_of.at(g.at(n->input(0).node).name) : f;
    if (loop_unit[static_cast<size_t>(loop_frame)] < 0) {
      loop_unit[static_cast<size_t>(loop_frame)] = static_cast<int>(units.size());
      units.push_back({nullptr, loop_frame - 1, {}});
    }
    if (exit) unit_of[n->name] = loop_unit[static_cast<size_t>(loop_frame)];
  }
  for (const Node* n : order) {
    const int f = frame_of.at(n->name);
    const bool exit = control_flow_kind(n->op) == ControlFlow::kExit;
    const int u = f == 0 && !exit ? unit_of.at(n->name) : exit ? unit_of.at(n->name) : loop_unit[static_cast<size_t>(f)];
    for (const std::string& in : n->inputs) {
      const TensorId id = TensorId::parse(in);
      if (!id.control && fed.count(TensorId{id.node, id.index, false})) continue;
      const auto it = unit_of.find(id.node);
      if (it != unit_of.end() && it->second != u) units[static_cast<size_t>(u)].after.insert(it->second);
    }
  }
  // Slots that may hold a dead value (downstream of a top-level Switch), in
  // emission order. A loop must not read one: dead values do not enter loops here.
  std::vector<char> maybe_dead(static_cast<size_t>(p->num_slots_), 0);
  auto may_be_dead = [&](int v) { return maybe_dead[static_cast<size_t>(v)] != 0; };
  auto note_dead = [&](const Step& s) {
    // A Switch's outputs: one of them is dead on every run. (A Switch source
    // then has both outputs marked, so either may be dead.)
    const bool dead = s.kind == Step::Kind::kSwitch || s.skipped(may_be_dead);
    for (int j = 0; j < std::max(s.num_outputs, 1); ++j) maybe_dead[static_cast<size_t>(s.first_output + j)] = dead;
  };
  auto loop_reads_dead = [&](int loop) {
    for (const Node* n : frame_nodes[static_cast<size_t>(loop) + 1])
      for (const std::string& in : n->inputs) {
        const TensorId id = TensorId::parse(in);
        const auto it = frame_of.find(id.node);
        if (it == frame_of.end() || it->second != 0 || fed.count(TensorId{id.node, id.index, false})) continue;
        if (!id.control) {
          if (may_be_dead(slot_of(in))) return true;
          continue;
        }
        const int first = first_slot.at(id.node);
        const bool from_switch = control_flow_kind(g.at(id.node).op) == ControlFlow::kSwitch;
        if (may_be_dead(first) || (from_switch && may_be_dead(first + 1))) return true;
      }
    return false;
  };
  std::vector<char> done(units.size(), 0);
  for (size_t emitted = 0; emitted < units.size();) {
    bool progress = false;
    for (size_t u = 0; u < units.size(); ++u) {
      if (done[u]) continue;
      bool ready = true;
      for (const int a : units[u].after) ready = ready && done[static_cast<size_t>(a)];
      if (!ready) continue;
      Step s;
      if (units[u].node) {
        if (!make_step(units[u].node, s, true)) return nullptr;
        note_dead(s);
      } else {
        s.loop = units[u].loop;
        if (loop_reads_dead(s.loop)) return nullptr;
      }
      p->steps_.push_back(std::move(s));
      done[u] = 1;
      ++emitted;
      progress = true;
      break;
    }
    if (!progress) return nullptr;  // a cycle through a loop: not a plain while loop
  }

  for (const TensorId& f : fetches) {
    const TensorId id{f.node, f.index, false};
    const auto it = frame_of.find(id.node);
    if (!fed.count(id) && (it == frame_of.end() || it->second != 0)) return nullptr;  // an in-loop value
    const int v = slot_of(id.to_string());
    if (v < 0) return nullptr;
    p->fetches_.push_back(v);
    p->fetch_names_.push_back(id.to_string());
  }
  p->mark_last_reads();
  return p;
}

void LoopProgram::mark_last_reads() {
  const auto n = static_cast<size_t>(num_slots_);
  // Slots that code other than a step's input list reads (the loop machinery,
  // the caller): no step takes their value.
  std::vector<char> pinned(n, 0);
  auto pin = [&](int v) {
    if (v >= 0) pinned[static_cast<size_t>(v)] = 1;
  };
  for (const int v : fetches_) pin(v);
  for (const int v : feed_slots_) pin(v);
  for (const Loop& l : loops_) {
    pin(l.predicate);
    for (const auto& [outer, inner] : l.enter) {
      pin(outer);
      pin(inner);
    }
    for (const auto* slots : {&l.merge, &l.initial, &l.next})
      for (const int v : *slots) pin(v);
    for (const auto& exits : l.exits)
      for (const int v : exits) pin(v);
    for (const Step& s : l.hoisted)  // computed once, read every iteration
      for (int j = 0; j < s.num_outputs; ++j) pin(s.first_output + j);
  }
  // The last read of each slot, when only one program (the top level, a
  // condition, a body) reads it: that program computes or receives the value
  // anew each time it runs, before reading it.
  std::vector<std::vector<Step>*> programs = {&steps_};
  for (Loop& l : loops_) {
    programs.push_back(&l.cond);
    programs.push_back(&l.body);
    programs.push_back(&l.hoisted);
  }
  struct Read {
    int program = -1;  // -2: read by several programs
    Step* step = nullptr;
    size_t input = 0;
  };
  std::vector<Read> last(n);
  for (size_t p = 0; p < programs.size(); ++p)
    for (Step& s : *programs[p])
      for (size_t i = 0; i < s.inputs.size(); ++i) {
        Read& r = last[static_cast<size_t>(s.inputs[i])];
        if (r.program == -2 || (r.program >= 0 && r.program != static_cast<int>(p))) {
          r.program = -2;
          continue;
        }
        r = {static_cast<int>(p), &s, i};
      }
  for (size_t v = 0; v < n; ++v)
    if (!pinned[v] && last[v].program >= 0 && last[v].input < 64) last[v].step->move |= uint64_t{1} << last[v].input;

  // Between iterations: a Merge's value goes to its Switch (the body's copy)
  // and the NextIteration's value to the Merge; each is a move when nothing
  // else reads the source afterwards.
  for (Loop& l : loops_) {
    std::vector<char> body_reads(n, 0), body_writes(n, 0), next_count(n, 0);
    for (const Step& s : l.body) {
      for (const int v : s.inputs) body_reads[static_cast<size_t>(v)] = 1;
      for (int j = 0; j < s.num_outputs; ++j) body_writes[static_cast<size_t>(s.first_output + j)] = 1;
    }
    for (const int v : l.next) ++next_count[static_cast<size_t>(v)];
    std::vector<char> fetched(n, 0), exits(n, 0);
    for (const int v : fetches_) fetched[static_cast<size_t>(v)] = 1;
    for (const auto& e : l.exits)
      for (const int v : e) exits[static_cast<size_t>(v)] = 1;
    l.merge_moves.assign(l.merge.size(), 0);
    l.next_moves.assign(l.merge.size(), 0);
    for (size_t k = 0; k < l.merge.size(); ++k) {
      const auto m = static_cast<size_t>(l.merge[k]), x = static_cast<size_t>(l.next[k]);
      l.merge_moves[k] = !l.switch_true[k].empty() && !body_reads[m] && !next_count[m] && !fetched[m] &&
                         l.predicate != l.merge[k];
      l.next_moves[k] = body_writes[x] && next_count[x] == 1 && !fetched[x] && !exits[x];
    }
  }
}

void LoopProgram::run_steps(const Graph& g, const std::vector<Step>& steps, std::vector<Tensor>& slots,
                            const RunOptions& options) const {
  std::vector<Tensor> inputs, outputs;
  for (const Step& s : steps) {
    if (s.loop >= 0) {
      run_loop(g, loops_[static_cast<size_t>(s.loop)], slots, options);
      continue;
    }
    run_kernel_step(g, s, slots, inputs, outputs, options);
  }
}

void LoopProgram::run_kernel_step(const Graph& g, const Step& s, std::vector<Tensor>& slots,
                                  std::vector<Tensor>& inputs, std::vector<Tensor>& outputs,
                                  const RunOptions& options) {
  inputs.clear();
  for (size_t i = 0; i < s.inputs.size(); ++i) {
    Tensor& value = slots[static_cast<size_t>(s.inputs[i])];
    if (i < 64 && (s.move >> i & 1)) inputs.push_back(std::move(value));
    else inputs.push_back(value);
  }
  outputs.assign(static_cast<size_t>(s.num_outputs), Tensor());
  OpContext ctx(*s.node, inputs, outputs);
  run_node_kernel(g, *s.node, s.kernel, ctx, options);
  for (int j = 0; j < s.num_outputs; ++j)
    slots[static_cast<size_t>(s.first_output + j)] = std::move(outputs[static_cast<size_t>(j)]);
}

void LoopProgram::run_with_conds(const Graph& g, std::vector<Tensor>& slots, std::vector<char>& dead,
                                 const RunOptions& options) const {
  std::vector<Tensor> inputs, outputs;
  auto is_dead = [&](int v) { return dead[static_cast<size_t>(v)] != 0; };
  for (const Step& s : steps_) {
    if (s.loop >= 0) {  // build() saw to it that a loop reads no value that may be dead
      run_loop(g, loops_[static_cast<size_t>(s.loop)], slots, options);
      continue;
    }
    const bool skip = s.skipped(is_dead);
    auto set = [&](int j, bool d) {
      dead[static_cast<size_t>(s.first_output + j)] = d;
      if (d) slots[static_cast<size_t>(s.first_output + j)] = Tensor();
    };
    for (int j = 0; j < std::max(s.num_outputs, 1); ++j) set(j, skip);
    if (skip) continue;
    if (s.kind == Step::Kind::kSwitch) {
      const bool pred = slots[static_cast<size_t>(s.inputs[1])].as_double(0) != 0.0;
      slots[static_cast<size_t>(s.first_output + (pred ? 1 : 0))] = slots[static_cast<size_t>(s.inputs[0])];
      set(pred ? 0 : 1, true);
    } else if (s.kind == Step::Kind::kMerge) {
      for (size_t i = 0; i < s.inputs.size(); ++i) {
        if (is_dead(s.inputs[i])) continue;
        slots[static_cast<size_t>(s.first_output)] = slots[static_cast<size_t>(s.inputs[i])];
        slots[static_cast<size_t>(s.first_output + 1)] = Tensor::scalar<int32_t>(static_cast<int32_t>(i));
        break;
      }
    } else {
      run_kernel_step(g, s, slots, inputs, outputs, options);
    }
  }
}

void LoopProgram::run_loop(const Graph& g, const Loop& loop, std::vector<Tensor>& slots,
                           const RunOptions& options) const {
  auto at = [&](int v) -> Tensor& { return slots[static_cast<size_t>(v)]; };
  for (const auto& [outer, inner] : loop.enter) at(inner) = at(outer);
  const size_t vars = loop.merge.size();
  for (size_t v = 0; v < vars; ++v) at(loop.merge[v]) = at(loop.initial[v]);
  std::vector<Tensor> next(vars);
  for (int64_t iteration = 0;; ++iteration) {
    if (iteration > kMaxIterations)
      throw Error("while loop '" + loop.name + "' ran more than " + std::to_string(kMaxIterations) + " iterations");
    run_steps(g, loop.cond, slots, options);
    const Tensor& pred = at(loop.predicate);
    if (!pred.valid() || pred.num_elements() != 1)
      throw Error("while loop '" + loop.name + "': its condition is not a scalar");
    if (pred.as_double(0) == 0.0) break;
    if (iteration == 0) run_steps(g, loop.hoisted, slots, options);
    for (size_t v = 0; v < vars; ++v) {
      const std::vector<int>& to = loop.switch_true[v];
      for (size_t k = 0; k < to.size(); ++k)
        at(to[k]) = loop.merge_moves[v] && k + 1 == to.size() ? std::move(at(loop.merge[v])) : at(loop.merge[v]);
    }
    run_steps(g, loop.body, slots, options);
    for (size_t v = 0; v < vars; ++v) next[v] = loop.next_moves[v] ? std::move(at(loop.next[v])) : at(loop.next[v]);
    for (size_t v = 0; v < vars; ++v) at(loop.merge[v]) = std::move(next[v]);
  }
  for (size_t v = 0; v < vars; ++v)
    for (const int e : loop.exits[v]) at(e) = at(loop.merge[v]);
}

std::vector<Tensor> LoopProgram::run(const Graph& g, const FeedMap& feeds, const RunOptions& options) const {
  std::vector<Tensor> slots(static_cast<size_t>(num_slots_));
  size_t i = 0;
  for (const auto& [id, value] : feeds) {
    check_feed(g, id, value);
    slots[static_cast<size_t>(feed_slots_.at(i++))] = value;
  }
  std::vector<char> dead;
  if (has_conds_) {
    dead.assign(slots.size(), 0);
    run_with_conds(g, slots, dead, options);
  } else {
    run_steps(g, steps_, slots, options);
  }
  std::vector<Tensor> results;
  for (size_t f = 0; f < fetches_.size(); ++f) {
    const int v = fetches_[f];
    if (has_conds_ && dead[static_cast<size_t>(v)])
      throw Error("fetch '" + fetch_names_[f] + "' is on an untaken branch of a conditional");
    const Tensor& t = slots[static_cast<size_t>(v)];
    if (!t.valid()) throw Error("a fetch was never computed");
    results.push_back(t);
  }
  return results;
}

}  // namespace frost
