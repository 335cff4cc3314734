// TensorFlow 1's control-flow primitives, one list for every layer: the
// executor's frames, the planner (which keeps such graphs on the dataflow
// executor), back edges in topological order, and the passes that must not
// fold or prune through them. Ref* variants are the same primitive on
// reference-typed values.
#pragma once

#include <string_view>

namespace frost {

enum class ControlFlow { kNone, kSwitch, kMerge, kEnter, kExit, kNextIteration };

constexpr ControlFlow control_flow_kind(std::string_view op) {
  if (op.starts_with("Ref")) op.remove_prefix(3);
  if (op == "Switch") return ControlFlow::kSwitch;
  if (op == "Merge") return ControlFlow::kMerge;
  if (op == "Enter") return ControlFlow::kEnter;
  if (op == "Exit") return ControlFlow::kExit;
  if (op == "NextIteration") return ControlFlow::kNextIteration;
  return ControlFlow::kNone;
}

// Switch, Merge, Enter, Exit, NextIteration (and Ref*): the ops that route
// values between frames and branches (LoopCond is an ordinary op on a bool).
constexpr bool is_control_flow(std::string_view op) { return control_flow_kind(op) != ControlFlow::kNone; }

}  // namespace frost
