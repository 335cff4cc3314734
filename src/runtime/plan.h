// A compiled plan for running a straight-line graph (no TF1 control flow)
// many times with feeds of one set of names, dtypes and shapes:
//  - the schedule: a flat list of steps, each with its kernel and the indices
//    of the values it reads and writes (no maps or names on the hot path);
//  - an arena: one 64-byte aligned block holding every intermediate value a
//    kernel allocates with OpContext::allocate_output, each at an offset
//    chosen by a greedy best-fit over the values' lifetimes, so values that
//    are never alive at once share memory;
//  - in place: an op whose OpDef lists inplace_inputs writes its output over
//    an input that dies at that node.
//  - branches: independent stretches of steps (an Inception module's
//    towers) that run on two threads at once, a tower per thread
//    (plan_branches.h), where that beats splitting each layer;
//  - constants: Const nodes and whatever depends only on constants and on
//    the feeds' shapes (plan_constants.h) are computed once when the plan is
//    built and bound before each run, with no kernel call per run.
// The plan is learned from one traced run of the dataflow executor (the
// first run with these shapes), which tells the order, every value's dtype,
// shape and size, and which outputs share storage with an input (Identity,
// Reshape, ... forward their input's buffer: such a view keeps what it views
// alive until the view's own last use).
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kernels/simd/team_share.h"
#include "runtime/executor.h"
#include "runtime/plan_branches.h"

namespace frost {

struct PlanStats {
  std::size_t steps = 0;
  std::size_t arena_bytes = 0;         // peak memory of planned activations: the arena's size
  std::size_t intermediate_bytes = 0;  // sum of the sizes of all values placed in the arena
  std::size_t planned_values = 0;      // values placed in the arena
  std::size_t inplace_ops = 0;         // nodes writing their output over a dying input
  std::size_t branch_groups = 0;        // stretches whose independent branches run a branch per thread
  std::size_t branch_steps = 0;         // the steps in them
  std::size_t constant_nodes = 0;      // nodes computed when the plan was built (Consts, shape arithmetic)
  std::size_t constant_bytes = 0;      // what the plan holds for them beyond the graph's Consts
  bool arena_given_up = false;         // a kernel broke the plan's assumptions: runs use the heap
  int64_t team_runs = 0;               // runs so far that could use the worker team (2+ threads, a layer split)
  int64_t solo_runs = 0;               // of them, held to one thread by the busy-core back-off or a comparison
};

class Plan {
 public:
  // The plan for the run `trace` recorded (made with these feeds and
  // fetches); nullptr when the graph is not straight-line (Switch, Merge,
  // Enter, Exit, NextIteration), which keeps the dataflow executor.
  static std::unique_ptr<Plan> build(const FeedMap& feeds, const std::vector<TensorId>& fetches,
                                     const std::vector<NodeTrace>& trace);

  // Runs the steps. `feeds` has the names, dtypes and shapes the plan was
  // built with (values derived from the shapes are bound; other shapes throw
  // frost::Error). Fetched tensors never point into the arena or at the
  // plan's constants. With options.on_node the arena is not used (the
  // callback may keep values); it sees the constant nodes first.
  std::vector<Tensor> run(const Graph& g, const FeedMap& feeds, const RunOptions& options) const;

  PlanStats stats() const {
    PlanStats s = stats_;
    s.arena_given_up = arena_broken_;
    const kernels::simd::TeamShare::Counts counts = team_share_.counts();
    s.team_runs = counts.runs;
    s.solo_runs = counts.solo;
    return s;
  }

 private:
  struct Step {
    const Node* node = nullptr;
    KernelFn kernel;
    std::vector<int> inputs;   // value index per data input
    // The inputs are consecutive values of numeric dtypes (most often: one
    // input), so the kernel reads them where they are instead of copies.
    // Not for resource/variant values: their kernels may count references.
    bool reads_values = false;
    int first_output = 0;      // outputs are values first_output, first_output + 1, ...
    int num_outputs = 0;
    std::vector<int> release;  // values last used here (dropped after the step)
  };
  struct Value {
    DType dtype = DType::Invalid;
    Shape shape;
    bool in_arena = false;     // its storage is planned at `offset`
    bool allocates = false;    // a kernel allocates it (else it views another value)
    bool constant = false;     // computed when the plan was built
    std::size_t offset = 0;    // bytes from the arena's start
  };
  // The tensor slots a run works in. Kept with an arena between runs, the
  // slots holding arena views or constants keep their shapes' storage, so a
  // steady-state run copies tensors into them without a heap allocation
  // (a Shape copied into an empty Tensor allocates); slots holding heap
  // tensors are emptied as soon as the run is done with them.
  struct Slots {
    std::vector<Tensor> values;   // per value
    std::vector<Tensor> inputs;   // the current step's inputs (the first step.inputs.size())
    std::vector<Tensor> outputs;  // the current step's outputs
    // The same for the worker running a branch group's sets beside the caller.
    std::vector<Tensor> worker_inputs, worker_outputs;
  };
  // An arena block, the views of it each allocating value gets, and the
  // slots of the runs using it (one at a time).
  struct Arena {
    std::shared_ptr<void> block;
    std::vector<Tensor> views;  // per value; invalid where none
    Slots slots;
  };

  // The plan's shared arena (from the weights' huge-page slabs), or one for
  // a single run beside a concurrent one (freed after it: from the heap,
  // since a slab's space is reused only once all of it is free).
  Arena make_arena(bool shared) const;
  // nullopt when a kernel put an output in the arena where the plan did not expect it.
  std::optional<std::vector<Tensor>> execute(const Graph& g, const FeedMap& feeds, const RunOptions& options,
                                             Arena* arena) const;
  bool in_arena(const Arena* arena, const Tensor& t) const;
  bool kept(const Arena* arena, const Tensor& t, int v) const;
  // Empties slot v of `values` unless kept (a heap tensor the run is done with).
  void release(const Arena* arena, std::vector<Tensor>& values, int v) const;
  // Runs one step with `inputs`/`outputs` as its scratch (the value slots
  // it reads are not released here); false when an output landed in the
  // arena where the plan did not expect it.
  bool run_step(const Graph& g, const Step& s, const RunOptions& options, Arena* arena, std::vector<Tensor>& values,
                std::vector<Tensor>& inputs, std::vector<Tensor>& outputs) const;
  // Runs branch group `index` the way its GroupChoice says (both ways while
  // it calibrates); false as run_step. Releases nothing, as the two below.
  bool run_group_as_chosen(const Graph& g, size_t index, const RunOptions& options, Arena* arena,
                           Slots& slots) const;
  // A branch group's sets on two threads (on this one when the team is busy).
  bool run_group(const Graph& g, const BranchGroup& group, const RunOptions& options, Arena* arena,
                 Slots& slots) const;
  // A branch group's steps in order, each layer on the run's threads.
  bool run_layers(const Graph& g, const BranchGroup& group, const RunOptions& options, Arena* arena,
                  Slots& slots) const;
  // Sets the offsets of `buffers` (values owning storage) and stats_.arena_bytes.
  void place_in_arena(const std::vector<int>& buffers, const std::vector<std::size_t>& bytes,
                      const std::vector<int>& first_def, const std::vector<int>& last_use);

  std::vector<Step> steps_;
  std::vector<Value> values_;  // the feeds first (FeedMap order), then each step's outputs
  std::vector<int> fetches_;   // value index per fetch
  std::vector<BranchGroup> groups_;  // in schedule order
  std::vector<int> group_at_;        // per step: the group starting there, or -1
  mutable std::unique_ptr<GroupChoice[]> group_choice_;  // per group
  // Nodes computed when the plan was built, with their outputs (for on_node),
  // and the constants run steps read or fetches return, bound before each run.
  std::vector<std::pair<const Node*, std::vector<Tensor>>> constant_nodes_;
  std::vector<std::pair<int, Tensor>> bound_;
  PlanStats stats_;
  // The arena kept between runs; a run finding it busy (another thread) uses
  // a block of its own.
  mutable std::mutex arena_mutex_;
  mutable std::unique_ptr<Arena> arena_;
  // Set when a kernel's output landed in the arena where the plan did not
  // expect it: later runs do without the arena.
  mutable std::atomic<bool> arena_broken_{false};
  // Whether the last run used the kernels' worker team (a parallel region):
  // the next run on several threads then holds the team (plan.cc).
  mutable std::atomic<bool> used_team_{true};
  // Whether runs on several threads run on one for now: the team lacked a
  // core in the last measured runs (kernels/simd/team_share.h).
  mutable kernels::simd::TeamShare team_share_;
};

// The key a plan is cached under: feed names, dtypes and shapes, and fetches.
std::string plan_key(const FeedMap& feeds, const std::vector<TensorId>& fetches);

// The few most recently used plans of a model (a plan of nullptr records a
// graph that is not straight-line). Thread-safe.
class PlanCache {
 public:
  explicit PlanCache(std::size_t capacity = 8) : capacity_(capacity) {}

  // Whether `key` is cached; `plan` is then its plan (maybe nullptr).
  bool find(const std::string& key, std::shared_ptr<const Plan>& plan);
  void insert(const std::string& key, std::shared_ptr<const Plan> plan);
  std::size_t size() const;

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::list<std::pair<std::string, std::shared_ptr<const Plan>>> entries_;  // most recent first
};

}  // namespace frost
