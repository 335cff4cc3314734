// What the rules that fold a zero Pad into the op reading it
// (fold_pad_into_conv, fold_pad_into_max_pool) share: finding such a Pad,
// and making the reader take the Pad's input with explicit paddings.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "freeze/pass.h"
#include "graph/graph.h"

namespace frost {

// A Pad, or a PadV2 whose pad value is a constant 0, with constant paddings
// of a rank-4 tensor (4×2 amounts, TensorFlow's order: before and after per
// dimension).
struct ZeroPad {
  Node* pad;
  std::vector<int64_t> amounts;
};

// The zero Pad that `reader`'s input 0 reads (its output 0), when nothing
// else uses it (single_use); nullopt otherwise.
std::optional<ZeroPad> zero_pad_read_only_by(Graph& g, const PassContext& ctx, const Node& reader);

// `reader` reads the Pad's input instead, with padding=EXPLICIT and
// `explicit_paddings`, and takes over the Pad's control inputs; the caller
// removes the Pad.
void absorb_pad(Node& reader, const Node& pad, std::vector<int64_t> explicit_paddings);

}  // namespace frost
