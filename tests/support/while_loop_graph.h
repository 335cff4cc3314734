// A TF1 while loop built by hand, as tf.while_loop lowers it (frame
// "while/while_context"), for the control-flow tests:
//   i = 0; acc = <init>; while i < n: acc = <body>; i += 1
// add_loop_head adds the fed int32 `n`, the counter and acc's
// Enter/Merge/Switch/Identity; the body reads "while/Identity_acc" and
// "while/Cast" (float(i)); add_loop_tail closes the loop on the body's result.
#pragma once

#include <string>

#include "graph_test_util.h"

namespace frost::testing {

inline Node enter(std::string name, std::string input, bool is_constant) {
  Node n = node(std::move(name), "Enter", {std::move(input)});
  n.attrs["frame_name"] = std::string("while/while_context");
  n.attrs["is_constant"] = is_constant;
  return n;
}

inline void add_loop_head(Graph& g, const std::string& acc_init) {
  g.add(placeholder("n", DType::Int32));
  g.add(constant("i0", Tensor::scalar<int32_t>(0)));
  g.add(enter("while/Enter_i", "i0", false));
  g.add(enter("while/Enter_acc", acc_init, false));
  g.add(enter("while/Enter_n", "n", true));
  g.add(node("while/Merge_i", "Merge", {"while/Enter_i", "while/NextIteration_i"}));
  g.add(node("while/Merge_acc", "Merge", {"while/Enter_acc", "while/NextIteration_acc"}));
  g.add(node("while/Less", "Less", {"while/Merge_i", "while/Enter_n"}));
  g.add(node("while/LoopCond", "LoopCond", {"while/Less"}));
  g.add(node("while/Switch_i", "Switch", {"while/Merge_i", "while/LoopCond"}));
  g.add(node("while/Switch_acc", "Switch", {"while/Merge_acc", "while/LoopCond"}));
  g.add(node("while/Identity_i", "Identity", {"while/Switch_i:1"}));
  g.add(node("while/Identity_acc", "Identity", {"while/Switch_acc:1"}));
  g.add(constant("while/one", Tensor::scalar<int32_t>(1), {"^while/Identity_i"}));
  g.add(node("while/add_i", "AddV2", {"while/Identity_i", "while/one"}));
  Node cast = node("while/Cast", "Cast", {"while/Identity_i"});
  cast.attrs["SrcT"] = DType::Int32;
  cast.attrs["DstT"] = DType::Float;
  g.add(cast);
}

inline void add_loop_tail(Graph& g, const std::string& next_acc) {
  g.add(node("while/NextIteration_i", "NextIteration", {"while/add_i"}));
  g.add(node("while/NextIteration_acc", "NextIteration", {next_acc}));
  g.add(node("while/Exit_i", "Exit", {"while/Switch_i"}));
  g.add(node("while/Exit_acc", "Exit", {"while/Switch_acc"}));
}

}  // namespace frost::testing
