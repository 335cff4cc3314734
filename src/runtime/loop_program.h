// A compiled program for graphs with TF1 while loops, so that a loop runs as
// a loop and not node by node through the dataflow executor's frames:
//  - the graph outside loops is a flat list of steps, as in a Plan (plan.h);
//  - each while loop (a frame: Enter -> Merge -> Switch(LoopCond) -> body ->
//    NextIteration -> Merge, Exit on the false side) is one step holding two
//    straight-line programs compiled once: the condition (what LoopCond reads)
//    and the body; it iterates them, moving each loop variable from its
//    NextIteration to its Merge between iterations, and hands the final
//    values to the Exits; body steps whose values are the same every
//    iteration (slices of constant weights, constants) run once per loop;
//  - values live in one table of slots, one per node output, addressed by
//    index (no names, no frames, no dead-value bookkeeping on the hot path).
// Only the shapes of control flow that plain while loops have are compiled:
// one level of loops (no nested frames), every Switch in a loop a loop's,
// every Merge in a loop a loop variable's, no value read across a frame
// without an Enter. A tf.cond outside the loops (Keras's Dropout on a fed
// learning phase, after a recurrent layer) is taken: top-level Switch and
// Merge steps and dead values as the dataflow executor has them, tracked only
// in programs that have such a cond, as long as no loop reads a value that
// may be dead. Any other graph (a cond in a loop body or feeding a loop,
// nested loops, fed loop tensors, fetched in-loop values) gets nullptr from
// build() and keeps the dataflow executor, whose semantics this reproduces
// for the graphs it accepts.
#pragma once

#include <algorithm>
#include <memory>
#include <vector>

#include "runtime/executor.h"

namespace frost {

class LoopProgram {
 public:
  // The program computing `fetches` from feeds with these names, with the
  // kernels `select` picks; nullptr when the graph has no while loop or one
  // of a shape the program does not take (see above).
  static std::unique_ptr<LoopProgram> build(const Graph& g, const FeedMap& feeds, const std::vector<TensorId>& fetches,
                                            const KernelSelector& select);

  // Runs it; `feeds` must have the names build() saw (any shapes).
  std::vector<Tensor> run(const Graph& g, const FeedMap& feeds, const RunOptions& options) const;

  size_t loops() const { return loops_.size(); }
  // Body steps run once per loop rather than per iteration (tests).
  size_t hoisted_steps() const {
    size_t n = 0;
    for (const Loop& l : loops_) n += l.hoisted.size();
    return n;
  }

 private:
  struct Step {
    const Node* node = nullptr;
    KernelFn kernel;
    std::vector<int> inputs;  // slot per data input
    uint64_t move = 0;        // bit i: input i is that slot's last read, moved out (see mark_last_reads)
    int first_output = 0;     // outputs are slots first_output, first_output + 1, ...
    int num_outputs = 0;
    int loop = -1;            // >= 0: this step runs loops_[loop] instead
    // Top level of a program with conds (has_conds_): Switch and Merge run as
    // the dataflow executor runs them, and a step whose data input or control
    // source is dead is skipped, its outputs dead.
    enum class Kind { kKernel, kSwitch, kMerge } kind = Kind::kKernel;
    std::vector<std::pair<int, int>> control;  // per control source: its slot (a node without outputs has
                                               // one of its own), and a Switch's second output, else -1

    // The dataflow executor's rule, given which slots are dead (at run
    // time) or may be (when building): a Merge is skipped when all its data
    // inputs are dead, any other step when one is, or when a control source
    // is (a Switch source when both its outputs are).
    template <class Dead>
    bool skipped(Dead dead) const {
      const bool data = kind == Kind::kMerge ? std::all_of(inputs.begin(), inputs.end(), dead)
                                             : std::any_of(inputs.begin(), inputs.end(), dead);
      return data || std::any_of(control.begin(), control.end(), [&](const std::pair<int, int>& c) {
               return dead(c.first) && (c.second < 0 || dead(c.second));
             });
    }
  };
  struct Loop {
    std::string name;                          // frame name, for errors
    std::vector<std::pair<int, int>> enter;    // (outer slot, Enter's slot), every Enter
    std::vector<int> merge;                    // per variable: the Merge's slot (the value this iteration)
    std::vector<int> initial;                  // per variable: its Enter's slot
    std::vector<int> next;                     // per variable: the slot its NextIteration reads
    std::vector<std::vector<int>> switch_true;  // per variable: slots of its Switches' output 1
    std::vector<std::vector<int>> exits;       // per variable: slots of its Exits
    std::vector<Step> cond, body;
    std::vector<Step> hoisted;                 // body steps of invariant values: run once, before the first body
    int predicate = -1;                        // the slot LoopCond reads
    std::vector<char> merge_moves;             // per variable: its last Switch takes the Merge's value (moved)
    std::vector<char> next_moves;              // per variable: the Merge takes the NextIteration's value (moved)
  };

  // Moves, rather than copies, each value whose slot is read for the last time
  // this run or iteration, so that a value held by no other slot reaches its
  // last reader as the only reference: a TensorList's SetItem then writes the
  // list in place instead of copying it every iteration (container_ops.cc).
  void mark_last_reads();

  void run_steps(const Graph& g, const std::vector<Step>& steps, std::vector<Tensor>& slots,
                 const RunOptions& options) const;
  void run_loop(const Graph& g, const Loop& loop, std::vector<Tensor>& slots, const RunOptions& options) const;
  // A kernel step: its inputs from their slots (moved at their last read), its outputs into theirs.
  static void run_kernel_step(const Graph& g, const Step& s, std::vector<Tensor>& slots, std::vector<Tensor>& inputs,
                              std::vector<Tensor>& outputs, const RunOptions& options);
  // The top-level steps when the program has conds: `dead` per slot.
  void run_with_conds(const Graph& g, std::vector<Tensor>& slots, std::vector<char>& dead,
                      const RunOptions& options) const;

  std::vector<Step> steps_;
  std::vector<Loop> loops_;
  std::vector<int> feed_slots_;  // per feed, in FeedMap order
  std::vector<int> fetches_;     // slot per fetch
  std::vector<std::string> fetch_names_;  // per fetch, for errors
  int num_slots_ = 0;
  bool has_conds_ = false;  // a Switch at the top level: run_with_conds
};

}  // namespace frost
