#include "runtime/plan.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <map>
#include <new>
#include <optional>

#include "graph/control_flow.h"
#include "graph/text_append.h"
#include "kernels/simd/thread_policy.h"
#include "kernels/simd/worker_team.h"
#include "runtime/plan_constants.h"
#include "runtime/thread_count.h"
#include "runtime/weight_memory.h"

namespace frost {

namespace {

constexpr std::size_t kAlignment = 64;  // as Tensor's own buffers: SIMD kernels rely on it

std::size_t round_up(std::size_t bytes) { return (bytes + kAlignment - 1) / kAlignment * kAlignment; }

uintptr_t address(const void* p) { return reinterpret_cast<uintptr_t>(p); }

// Whether `inner`'s bytes lie inside `outer`'s: an output viewing an input.
// Sound because both are alive while the node runs, so distinct buffers
// cannot share addresses.
bool within(const NodeTrace::Value& inner, const NodeTrace::Value& outer) {
  if (!inner.data || !outer.data || inner.bytes == 0) return false;
  return address(inner.data) >= address(outer.data) &&
         address(inner.data) + inner.bytes <= address(outer.data) + outer.bytes;
}

bool numeric(DType t) { return t != DType::String && t != DType::Resource && t != DType::Variant; }

}  // namespace

std::unique_ptr<Plan> Plan::build(const FeedMap& feeds, const std::vector<TensorId>& fetches,
                                  const std::vector<NodeTrace>& trace) {
  for (const NodeTrace& t : trace)
    if (!t.kernel || is_control_flow(t.node->op)) return nullptr;
  auto plan = std::make_unique<Plan>();
  std::vector<Value>& values = plan->values_;

  // Per value: its traced storage, the value owning that storage (`root`,
  // itself unless it views an input) and where in the root it starts, the
  // step defining it (-1 for feeds) and the last step reading it.
  std::vector<NodeTrace::Value> traced;
  std::vector<int> root, first_def, last_use;
  std::vector<std::size_t> offset_in_root;
  std::map<TensorId, int> value_of;
  auto add_value = [&](const NodeTrace::Value& t, int step, int view_of, std::size_t delta) {
    const int v = static_cast<int>(values.size());
    values.push_back({t.dtype, t.shape});
    traced.push_back(t);
    root.push_back(view_of < 0 ? v : root[static_cast<size_t>(view_of)]);
    offset_in_root.push_back(view_of < 0 ? 0 : offset_in_root[static_cast<size_t>(view_of)] + delta);
    first_def.push_back(step);
    last_use.push_back(step);
    return v;
  };
  PlanConstants constants;
  std::vector<std::pair<int, Tensor>> constant_values;
  for (const auto& [id, value] : feeds) {
    const NodeTrace::Value fed{value.dtype(), value.shape(), value.valid() ? value.raw_data() : nullptr,
                               value.byte_size()};
    value_of[id] = add_value(fed, -1, -1, 0);
    constants.add_feed(fed);
  }
  const int num_feeds = static_cast<int>(values.size());
  std::vector<BranchStep> branch_steps;  // per step: what it waits on and weighs

  for (const NodeTrace& t : trace) {
    const int s = static_cast<int>(plan->steps_.size());
    Step step;
    step.node = t.node;
    step.kernel = t.kernel;
    for (const std::string& in : t.node->inputs) {
      const TensorId id = TensorId::parse(in);
      if (id.control) continue;  // ordering only: the traced order already respects it
      const auto it = value_of.find(id);
      if (it == value_of.end()) return nullptr;  // not seen before its consumer: not a straight-line run
      step.inputs.push_back(it->second);
    }
    if (step.inputs.size() != t.inputs.size()) return nullptr;
    if (std::optional<std::vector<Tensor>> outputs = constants.add_node(t, step.inputs)) {
      // Computed now: its outputs are constant values, no step reads its inputs.
      for (size_t j = 0; j < outputs->size(); ++j) {
        const int v = add_value(t.outputs[j], -1, -1, 0);
        values[static_cast<size_t>(v)].constant = true;
        value_of[TensorId{t.node->name, static_cast<int>(j), false}] = v;
        constant_values.emplace_back(v, (*outputs)[j]);
      }
      plan->constant_nodes_.emplace_back(t.node, std::move(*outputs));
      continue;
    }
    BranchStep branch{{}, step_cost(t), branch_eligible(t.node->op)};
    for (const int v : step.inputs) {
      last_use[static_cast<size_t>(v)] = s;
      if (first_def[static_cast<size_t>(v)] >= 0) branch.deps.push_back(first_def[static_cast<size_t>(v)]);
      branch.eligible = branch.eligible && numeric(values[static_cast<size_t>(v)].dtype);
    }
    for (const NodeTrace::Value& out : t.outputs) branch.eligible = branch.eligible && numeric(out.dtype);
    branch_steps.push_back(std::move(branch));
    step.reads_values = !step.inputs.empty();
    for (size_t k = 0; k < step.inputs.size(); ++k)
      if (step.inputs[k] != step.inputs[0] + static_cast<int>(k) ||
          !numeric(values[static_cast<size_t>(step.inputs[k])].dtype))
        step.reads_values = false;
    step.first_output = static_cast<int>(values.size());
    step.num_outputs = static_cast<int>(t.outputs.size());
    for (size_t j = 0; j < t.outputs.size(); ++j) {
      const NodeTrace::Value& out = t.outputs[j];
      int view_of = -1;
      std::size_t delta = 0;
      for (size_t k = 0; k < t.inputs.size() && view_of < 0; ++k) {
        if (!within(out, t.inputs[k])) continue;
        view_of = step.inputs[k];
        delta = address(out.data) - address(t.inputs[k].data);
      }
      const int v = add_value(out, s, view_of, delta);
      value_of[TensorId{t.node->name, static_cast<int>(j), false}] = v;
      values[static_cast<size_t>(v)].allocates =
          view_of < 0 && j < 64 && ((t.allocated >> j) & 1) && out.bytes > 0 && numeric(out.dtype);
    }
    plan->steps_.push_back(std::move(step));
  }

  // The steps of a branch group run in any order between its first and last
  // step (two threads), so every value a group's step reads or writes is
  // alive through the whole group: the arena does not reuse its storage
  // inside the group, and no step there writes over an input in place.
  plan->groups_ = find_branch_groups(branch_steps);
  plan->group_at_.assign(plan->steps_.size(), -1);
  plan->group_choice_ = std::make_unique<GroupChoice[]>(plan->groups_.size());
  std::vector<char> in_group(plan->steps_.size(), 0);
  for (size_t gi = 0; gi < plan->groups_.size(); ++gi) {
    const BranchGroup& group = plan->groups_[gi];
    plan->group_at_[static_cast<size_t>(group.first)] = static_cast<int>(gi);
    ++plan->stats_.branch_groups;
    plan->stats_.branch_steps += static_cast<size_t>(group.last - group.first + 1);
    for (int s = group.first; s <= group.last; ++s) {
      const Step& step = plan->steps_[static_cast<size_t>(s)];
      in_group[static_cast<size_t>(s)] = 1;
      for (const int v : step.inputs)
        last_use[static_cast<size_t>(v)] = std::max(last_use[static_cast<size_t>(v)], group.last);
      for (int v = step.first_output; v < step.first_output + step.num_outputs; ++v) {
        first_def[static_cast<size_t>(v)] = group.first;
        last_use[static_cast<size_t>(v)] = std::max(last_use[static_cast<size_t>(v)], group.last);
      }
    }
  }

  // A fetched value leaves the run, so its storage (and what it views) stays on the heap.
  std::vector<char> fetched(values.size(), 0), keep_on_heap(values.size(), 0);
  for (const TensorId& f : fetches) {
    const auto it = value_of.find(TensorId{f.node, f.index, false});
    if (it == value_of.end()) return nullptr;
    plan->fetches_.push_back(it->second);
    fetched[static_cast<size_t>(it->second)] = 1;
    keep_on_heap[static_cast<size_t>(root[static_cast<size_t>(it->second)])] = 1;
  }
  auto planned = [&](int r) {
    const auto k = static_cast<size_t>(r);
    return r >= num_feeds && root[k] == r && values[k].allocates && !keep_on_heap[k];
  };
  // A root's storage lives until the last use of anything viewing it.
  std::vector<int> group_end(values.size(), -1);
  for (size_t v = 0; v < values.size(); ++v)
    group_end[static_cast<size_t>(root[v])] = std::max(group_end[static_cast<size_t>(root[v])], last_use[v]);

  // In place: output 0 takes the storage of an input whose storage dies here.
  for (size_t s = 0; s < plan->steps_.size(); ++s) {
    const Step& step = plan->steps_[s];
    const OpDef* def = OpRegistry::global().find(step.node->op);
    const int o = step.first_output;
    if (!def || step.num_outputs < 1 || !planned(o) || in_group[s]) continue;
    for (const int k : def->inplace_inputs) {
      if (k >= static_cast<int>(step.inputs.size())) continue;
      const int in = step.inputs[static_cast<size_t>(k)];
      const int r = root[static_cast<size_t>(in)];
      const auto i = static_cast<size_t>(in), ou = static_cast<size_t>(o);
      if (!planned(r) || offset_in_root[i] != 0 || traced[i].dtype != traced[ou].dtype ||
          traced[i].bytes != traced[ou].bytes || group_end[static_cast<size_t>(r)] != static_cast<int>(s))
        continue;
      bool shared = false;  // another input in the same storage would be read after being overwritten
      for (size_t j = 0; j < step.inputs.size(); ++j)
        if (static_cast<int>(j) != k && root[static_cast<size_t>(step.inputs[j])] == r) shared = true;
      if (shared) continue;
      for (size_t v = ou; v < values.size(); ++v)
        if (root[v] == o) root[v] = r;
      group_end[static_cast<size_t>(r)] = group_end[ou];
      ++plan->stats_.inplace_ops;
      break;
    }
  }

  std::vector<int> roots;
  std::vector<std::size_t> bytes(values.size(), 0);
  for (size_t v = 0; v < values.size(); ++v) {
    if (planned(static_cast<int>(v))) roots.push_back(static_cast<int>(v));
    bytes[v] = round_up(traced[v].bytes);
    if (values[v].allocates && planned(root[v])) {
      plan->stats_.intermediate_bytes += traced[v].bytes;
      ++plan->stats_.planned_values;
    }
  }
  plan->place_in_arena(roots, bytes, first_def, group_end);
  for (size_t v = 0; v < values.size(); ++v) {
    const auto r = static_cast<size_t>(root[v]);
    if (!planned(root[v])) {
      values[v].allocates = false;  // a heap value: no arena view
      continue;
    }
    values[v].in_arena = true;
    values[v].offset = values[r].offset + offset_in_root[v];
  }

  // Values are dropped after their last use (fetched ones are kept to
  // return); constants are bound where a step reads them or a fetch returns them.
  std::vector<char> read(values.size(), 0);
  for (const Step& step : plan->steps_)
    for (const int v : step.inputs) read[static_cast<size_t>(v)] = 1;
  for (auto& [v, value] : constant_values)
    if (read[static_cast<size_t>(v)] || fetched[static_cast<size_t>(v)]) plan->bound_.emplace_back(v, std::move(value));
  for (size_t v = static_cast<size_t>(num_feeds); v < values.size(); ++v)
    if (!fetched[v] && !values[v].constant)
      plan->steps_[static_cast<size_t>(last_use[v])].release.push_back(static_cast<int>(v));
  plan->stats_.steps = plan->steps_.size();
  plan->stats_.constant_nodes = plan->constant_nodes_.size();
  plan->stats_.constant_bytes = constants.bytes_held();
  return plan;
}

// Greedy best-fit, largest first: each buffer goes into the smallest gap left
// by the buffers already placed whose lifetimes overlap its own.
void Plan::place_in_arena(const std::vector<int>& buffers, const std::vector<std::size_t>& bytes,
                          const std::vector<int>& first_def, const std::vector<int>& last_use) {
  std::vector<int> order = buffers;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return bytes[static_cast<size_t>(a)] > bytes[static_cast<size_t>(b)];
  });
  std::vector<int> placed;
  std::size_t arena = 0;
  for (const int v : order) {
    const auto i = static_cast<size_t>(v);
    std::vector<int> overlapping;
    for (const int p : placed) {
      const auto j = static_cast<size_t>(p);
      if (first_def[i] <= last_use[j] && first_def[j] <= last_use[i]) overlapping.push_back(p);
    }
    std::sort(overlapping.begin(), overlapping.end(), [&](int a, int b) {
      return values_[static_cast<size_t>(a)].offset < values_[static_cast<size_t>(b)].offset;
    });
    std::size_t end = 0, best = 0, best_gap = SIZE_MAX;
    for (const int p : overlapping) {
      const Value& q = values_[static_cast<size_t>(p)];
      if (q.offset >= end && q.offset - end >= bytes[i] && q.offset - end < best_gap) {
        best = end;
        best_gap = q.offset - end;
      }
      end = std::max(end, q.offset + bytes[static_cast<size_t>(p)]);
    }
    values_[i].offset = best_gap == SIZE_MAX ? end : best;
    arena = std::max(arena, values_[i].offset + bytes[i]);
    placed.push_back(v);
  }
  stats_.arena_bytes = arena;
}

Plan::Arena Plan::make_arena(bool shared) const {
  Arena a;
  // The shared one from the huge-page slabs of the weights (weight_memory.h,
  // 64-byte aligned): each layer streams its input and output through the arena
  // as it streams its weights, and on 4 KiB pages the hardware prefetcher
  // stops at every page (MobileNetV2 224: a 5.7 MiB arena, its 112² layers
  // write 4.6 MiB each).
  const size_t bytes = std::max(stats_.arena_bytes, kAlignment);
  if (shared) {
    try {
      a.block = std::shared_ptr<void>(weight_memory_allocate(bytes), [bytes](void* q) { weight_memory_free(q, bytes); });
    } catch (const std::bad_alloc&) {  // a.block stays empty: reported below
    }
  } else if (void* p = std::aligned_alloc(kAlignment, (bytes + kAlignment - 1) / kAlignment * kAlignment)) {
    a.block = std::shared_ptr<void>(p, std::free);
  }
  if (!a.block) throw Error("out of memory allocating an arena of " + std::to_string(stats_.arena_bytes) + " bytes");
  auto* base = static_cast<std::byte*>(a.block.get());
  a.views.resize(values_.size());
  for (size_t v = 0; v < values_.size(); ++v) {
    const Value& val = values_[v];
    if (!val.in_arena || !val.allocates) continue;
    a.views[v] = Tensor::view(val.dtype, val.shape,
                              std::shared_ptr<void>(a.block, base + val.offset));
  }
  return a;
}

std::vector<Tensor> Plan::run(const Graph& g, const FeedMap& feeds, const RunOptions& options) const {
  // On several threads, the workers spin through the whole run instead of
  // going to sleep between parallel layers that are far apart, and sleeping
  // workers start waking while the first op runs, not when the first
  // parallel layer needs them (kernels/simd/worker_team.h: hold). Not for a
  // plan whose last run had no parallel region (every layer too small to
  // split): waking the workers would be wasted there. And not while the
  // team lacks a core (another program keeps one busy): then the whole run
  // is on one thread (kernels/simd/team_share_policy.h), which the runs'
  // measured windows decide.
  kernels::simd::WorkerTeam& team = kernels::simd::worker_team();
  const uint32_t regions = team.regions();
  // Only runs expected to use the team are measured: a plan whose layers
  // all stay on one thread would otherwise open a window (system calls)
  // every run.
  const int threads = kernels::simd::resolve_threads(0);
  const bool team_expected = threads > 1 && used_team_.load(std::memory_order_relaxed);
  const kernels::simd::TeamShare::Run share = team_share_.begin(team_expected ? threads : 1);
  const ThreadCountScope one_thread(share.solo ? 1 : 0);
  const kernels::simd::TeamHold hold(!share.solo && team_expected);
  struct NoteUse {
    const Plan& plan;
    const kernels::simd::WorkerTeam& team;
    uint32_t regions;
    const kernels::simd::TeamShare::Run& share;
    ~NoteUse() {
      const bool used = team.regions() != regions;
      // A run held to one thread says nothing about whether the plan splits its layers.
      if (!share.solo) plan.used_team_.store(used, std::memory_order_relaxed);
      plan.team_share_.end(share, used);  // a solo run's end ignores `used`
    }
  } note{*this, team, regions, share};
  if (!options.on_node && stats_.arena_bytes > 0 && !arena_broken_) {
    std::unique_lock<std::mutex> lock(arena_mutex_, std::try_to_lock);
    std::optional<std::vector<Tensor>> out;
    if (lock.owns_lock()) {
      if (!arena_) arena_ = std::make_unique<Arena>(make_arena(/*shared=*/true));
      out = execute(g, feeds, options, arena_.get());
    } else {
      Arena own = make_arena(/*shared=*/false);
      out = execute(g, feeds, options, &own);
    }
    if (out) return *out;
  }
  return *execute(g, feeds, options, nullptr);
}

bool Plan::in_arena(const Arena* arena, const Tensor& t) const {
  if (!arena || t.byte_size() == 0) return false;
  const uintptr_t base = address(arena->block.get());
  return address(t.raw_data()) >= base && address(t.raw_data()) < base + stats_.arena_bytes;
}

// Whether slot `t`, holding value v, may keep its tensor after the step:
// arena views and constants are held by the plan anyway; heap tensors must
// be freed when the run no longer needs them.
bool Plan::kept(const Arena* arena, const Tensor& t, int v) const {
  return values_[static_cast<size_t>(v)].constant || in_arena(arena, t);
}

void Plan::release(const Arena* arena, std::vector<Tensor>& values, int v) const {
  Tensor& t = values[static_cast<size_t>(v)];
  if (!kept(arena, t, v)) t = Tensor();
}

bool Plan::run_step(const Graph& g, const Step& s, const RunOptions& options, Arena* arena,
                    std::vector<Tensor>& values, std::vector<Tensor>& inputs, std::vector<Tensor>& outputs) const {
  const size_t n = s.reads_values ? 0 : s.inputs.size();  // inputs copied to slots
  if (inputs.size() < n) inputs.resize(n);
  for (size_t k = 0; k < n; ++k) inputs[k] = values[static_cast<size_t>(s.inputs[k])];
  outputs.assign(static_cast<size_t>(s.num_outputs), Tensor());
  std::span<const Tensor> planned;
  if (arena) planned = {arena->views.data() + s.first_output, static_cast<size_t>(s.num_outputs)};
  const std::span<const Tensor> read =
      s.reads_values ? std::span<const Tensor>(&values[static_cast<size_t>(s.inputs[0])], s.inputs.size())
                     : std::span<const Tensor>(inputs.data(), n);
  OpContext ctx(*s.node, read, outputs, planned);
  run_node_kernel(g, *s.node, s.kernel, ctx, options);
  const uintptr_t base = arena ? address(arena->block.get()) : 0;
  for (int j = 0; j < s.num_outputs; ++j) {
    const auto v = static_cast<size_t>(s.first_output + j);
    Tensor& out = outputs[static_cast<size_t>(j)];
    // An output in the arena anywhere but its planned place would break the
    // lifetimes the offsets were chosen by: give up the arena for this plan.
    if (in_arena(arena, out) && (!values_[v].in_arena || address(out.raw_data()) != base + values_[v].offset))
      return false;
    values[v] = std::move(out);
  }
  for (size_t k = 0; k < n; ++k)
    if (!kept(arena, inputs[k], s.inputs[k])) inputs[k] = Tensor();
  return true;
}

bool Plan::run_layers(const Graph& g, const BranchGroup& group, const RunOptions& options, Arena* arena,
                      Slots& slots) const {
  for (int s = group.first; s <= group.last; ++s)
    if (!run_step(g, steps_[static_cast<size_t>(s)], options, arena, slots.values, slots.inputs, slots.outputs))
      return false;
  return true;
}

bool Plan::run_group_as_chosen(const Graph& g, size_t index, const RunOptions& options, Arena* arena,
                               Slots& slots) const {
  const BranchGroup& group = groups_[index];
  GroupChoice& choice = group_choice_[index];
  switch (choice.next()) {
    case GroupChoice::Way::kBranches: return run_group(g, group, options, arena, slots);
    case GroupChoice::Way::kLayers: return run_layers(g, group, options, arena, slots);
    case GroupChoice::Way::kCalibrate: break;
  }
  // Both ways by turns, the same outputs each time (no step in a group runs
  // in place or is random); only the first pass counts in a profile.
  RunOptions unprofiled;
  int64_t best_ns[2] = {INT64_MAX, INT64_MAX};  // [layers, branches]
  for (int pass = 0; pass < GroupChoice::kCalibrationPasses; ++pass) {
    const bool branches = pass % 2 == 1;
    const RunOptions& o = pass == 0 ? options : unprofiled;
    const auto start = std::chrono::steady_clock::now();
    if (!(branches ? run_group(g, group, o, arena, slots) : run_layers(g, group, o, arena, slots))) return false;
    const int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
    if (pass > 0) best_ns[branches] = std::min(best_ns[branches], ns);
  }
  choice.decide(best_ns[1], best_ns[0]);
  return true;
}

bool Plan::run_group(const Graph& g, const BranchGroup& group, const RunOptions& options, Arena* arena,
                     Slots& slots) const {
  // The worker times its kernels into a map of its own (a map is not shared
  // between threads), added to the run's profile after the join.
  std::map<std::string, NodeTime> worker_profile;
  RunOptions worker_options;
  worker_options.profile = options.profile ? &worker_profile : nullptr;
  std::exception_ptr failed[2];
  std::atomic<bool> broken{false};
  std::atomic<size_t> next_set{0};
  // Each thread takes the next set left (heaviest first) until none is: a
  // worker that is late (asleep, or its core busy) takes fewer or none.
  auto take_sets = [&](int t) {
    const RunOptions& own_options = t == 0 ? options : worker_options;
    std::vector<Tensor>& inputs = t == 0 ? slots.inputs : slots.worker_inputs;
    std::vector<Tensor>& outputs = t == 0 ? slots.outputs : slots.worker_outputs;
    try {
      for (size_t k = next_set++; k < group.sets.size() && !broken.load(std::memory_order_relaxed); k = next_set++)
        for (const int s : group.sets[k])
          if (!run_step(g, steps_[static_cast<size_t>(s)], own_options, arena, slots.values, inputs, outputs)) {
            broken = true;
            break;
          }
    } catch (...) {
      failed[t] = std::current_exception();
      broken = true;
    }
  };
  auto task = [](void* context, int t, int) { (*static_cast<decltype(take_sets)*>(context))(t); };
  using kernels::simd::WorkerTeam;
  if (!kernels::simd::worker_team().run(2, task, &take_sets, WorkerTeam::Join::kStartedWorkers))
    take_sets(0);  // another run holds the team: this thread takes every set
  if (options.profile)
    for (const auto& [name, time] : worker_profile) (*options.profile)[name].add(time.op, time.seconds, time.calls, time.team_calls);
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
  return !broken;
}

std::optional<std::vector<Tensor>> Plan::execute(const Graph& g, const FeedMap& feeds, const RunOptions& options,
                                                 Arena* arena) const {
  Slots own;
  Slots& slots = arena ? arena->slots : own;
  std::vector<Tensor>& values = slots.values;
  values.resize(values_.size());
  // Every slot holding a heap tensor is emptied on the way out, also when a
  // kernel throws or the arena is given up, so that the plan keeps nothing
  // alive between runs.
  struct Clear {
    const Plan& plan;
    Slots& slots;
    const Arena* arena;
    bool finished = false;
    ~Clear() {
      for (size_t v = 0; v < slots.values.size(); ++v) plan.release(arena, slots.values, static_cast<int>(v));
      if (finished) return;  // else a step was cut short: its input and output slots may hold anything
      for (std::vector<Tensor>* scratch : {&slots.inputs, &slots.outputs, &slots.worker_inputs, &slots.worker_outputs})
        scratch->clear();
    }
  } clear{*this, slots, arena};
  auto release_after = [&](const Step& s) {
    for (const int v : s.release) release(arena, values, v);
  };

  size_t f = 0;
  for (const auto& [id, value] : feeds) {
    if (f >= values_.size()) throw Error("the plan was built for fewer feeds");
    const Value& planned = values_[f];
    if (value.dtype() != planned.dtype || value.shape() != planned.shape)
      throw Error("feed '" + id.to_string() + "' is " + value.summary() + " but the plan was built for " +
                  dtype_name(planned.dtype) + " " + planned.shape.to_string());
    values[f++] = value;
  }
  for (const auto& [v, value] : bound_) values[static_cast<size_t>(v)] = value;
  if (options.on_node)
    for (const auto& [node, outputs] : constant_nodes_) options.on_node(*node, outputs);
  // Branch groups run on two threads when the run may use two (not on one
  // thread, not held to one by a busy core, not inside another team's
  // region) and no callback wants the nodes one by one.
  const bool branches = !groups_.empty() && !options.on_node && kernels::simd::resolve_threads(0) >= 2;
  for (size_t i = 0; i < steps_.size(); ++i) {
    const int gi = branches ? group_at_[i] : -1;
    if (gi >= 0) {
      const BranchGroup& group = groups_[static_cast<size_t>(gi)];
      if (!run_group_as_chosen(g, static_cast<size_t>(gi), options, arena, slots)) {
        arena_broken_ = true;
        return std::nullopt;
      }
      for (int s = group.first; s <= group.last; ++s) release_after(steps_[static_cast<size_t>(s)]);
      i = static_cast<size_t>(group.last);
      continue;
    }
    const Step& s = steps_[i];
    if (!run_step(g, s, options, arena, values, slots.inputs, slots.outputs)) {
      arena_broken_ = true;
      return std::nullopt;
    }
    if (options.on_node)
      options.on_node(*s.node, std::vector<Tensor>(values.begin() + s.first_output,
                                                   values.begin() + s.first_output + s.num_outputs));
    release_after(s);
  }
  std::vector<Tensor> results;
  results.reserve(fetches_.size());
  for (const int v : fetches_) {
    const Tensor& t = values[static_cast<size_t>(v)];
    // Never hand out storage the next run overwrites or the plan keeps.
    results.push_back(in_arena(arena, t) || values_[static_cast<size_t>(v)].constant ? t.clone() : t);
  }
  clear.finished = true;
  return results;
}

std::string plan_key(const FeedMap& feeds, const std::vector<TensorId>& fetches) {
  std::string key;
  key.reserve(128);
  for (const auto& [id, value] : feeds) {
    append_tensor_id(key, id);
    key += ' ';
    key += dtype_name(value.dtype());
    append_dims(key, value.shape().dims());
    key += ';';
  }
  key += "->";
  for (const TensorId& f : fetches) {
    append_tensor_id(key, f);
    key += ';';
  }
  return key;
}

bool PlanCache::find(const std::string& key, std::shared_ptr<const Plan>& plan) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first != key) continue;
    entries_.splice(entries_.begin(), entries_, it);
    plan = entries_.front().second;
    return true;
  }
  return false;
}

void PlanCache::insert(const std::string& key, std::shared_ptr<const Plan> plan) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it)
    if (it->first == key) {
      entries_.erase(it);
      break;
    }
  entries_.emplace_front(key, std::move(plan));
  while (entries_.size() > capacity_) entries_.pop_back();
}

std::size_t PlanCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

}  // namespace frost
