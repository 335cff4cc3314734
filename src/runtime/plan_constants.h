// Plan-time evaluation: the values of a planned run that are the same in
// every run with feeds of the planned shapes, computed once when the plan is
// built and bound as constants (no kernel call per run).
//
// A plan is built for concrete feed shapes, so more is constant there than in
// the graph: Keras freezes `Shape -> StridedSlice -> Pack -> Fill` for zero
// initial states sized by the batch, and `Shape -> ... -> Reshape` targets,
// which the freeze passes cannot fold while the batch is unknown. A node's
// outputs are constant when
//  - it is a Const (bound to its value, sharing its storage);
//  - it reads only shapes (Shape, ShapeN, Size, Rank) of values whose shapes
//    are static: a feed, a constant, or an output whose op's shape function
//    gives the full traced shape from static input shapes and constant input
//    values alone (a Where or a Reshape to a computed shape is not static);
//  - or every data input is constant and the op does not vary between runs
//    (graph/value_flow.h: no placeholders, random ops, state, side effects),
//    its outputs are numeric and they fit the byte budget (only Consts are
//    exempt, as they share the graph's storage): a big constant-derived
//    tensor stays a per-run step rather than being held twice.
// Values are computed with the kernels the run would use, so a folded value
// is bit-identical to the one a run would compute.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "runtime/executor.h"

namespace frost {

class PlanConstants {
 public:
  // Bytes of non-Const values one plan may hold (a zero state of batch 256 x
  // 1024 units is 1 MiB).
  static constexpr std::size_t kDefaultBudgetBytes = std::size_t{1} << 20;

  explicit PlanConstants(std::size_t budget_bytes = kDefaultBudgetBytes) : budget_(budget_bytes) {}

  // Values are numbered as the planner numbers them: the feeds first, then
  // each traced node's outputs in order.
  void add_feed(const NodeTrace::Value& fed);
  // Adds node `t`'s outputs, reading values `inputs`. Returns their values
  // when they are constant (computed now), else nullopt.
  std::optional<std::vector<Tensor>> add_node(const NodeTrace& t, const std::vector<int>& inputs);

  // The value's constant, or nullptr.
  const Tensor* constant(int v) const;
  std::size_t bytes_held() const { return held_; }

 private:
  std::optional<std::vector<Tensor>> evaluate(const NodeTrace& t, const std::vector<int>& inputs, bool shapes_only);
  void add_static_shapes(const NodeTrace& t, const std::vector<int>& inputs, std::size_t first);

  std::size_t budget_, held_ = 0;
  std::vector<Tensor> constants_;        // per value; invalid where not constant
  std::vector<std::optional<Shape>> shapes_;  // per value: its shape where static
};

}  // namespace frost
