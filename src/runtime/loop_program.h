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
// one level of loops (no nested frames), every Switch a loop's, every Merge a
// loop variable's, no value read across a frame without an Enter. Any other
// graph (tf.cond branches, nested loops, fed loop tensors, fetched in-loop
// values) gets nullptr from build() and keeps the dataflow executor, whose
// semantics this reproduces for the graphs it accepts.
#pragma once

#include <memory>
#include <vector>

#include "runtime/executor.h"
#include "runtime/run_threads.h"

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
  std::vector<Tensor> run_once(const Graph& g, const FeedMap& feeds, const RunOptions& options) const;

  std::vector<Step> steps_;
  std::vector<Loop> loops_;
  std::vector<int> feed_slots_;  // per feed, in FeedMap order
  std::vector<int> fetches_;     // slot per fetch
  int num_slots_ = 0;
  // Whether runs use all the threads they may or one (run_threads.h).
  mutable SharedRunThreads run_threads_;
};

}  // namespace frost
