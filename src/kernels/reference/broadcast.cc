// Broadcast planning shared by every element-wise kernel (reference and SIMD).
#include "kernels/elementwise.h"

namespace frost::kernels {

bool plan_broadcast(std::span<const int64_t> out_dims, std::span<const std::span<const int64_t>> inputs,
                    Broadcast* plan) {
  if (inputs.size() > static_cast<size_t>(kMaxBroadcastInputs)) return false;
  Broadcast b;
  b.num_inputs = static_cast<int>(inputs.size());
  const int out_rank = static_cast<int>(out_dims.size());

  // Output dimensions of size 1 contribute nothing and are dropped. Each kept
  // dimension is either broadcast (input size 1) or walked by each input; runs
  // of adjacent dimensions with the same pattern merge into one.
  int64_t dims[kMaxBroadcastRank];
  bool pattern[kMaxBroadcastRank][kMaxBroadcastInputs];  // true: input k is broadcast there
  int rank = 0;
  b.num_elements = 1;
  for (int d = 0; d < out_rank; ++d) {
    const int64_t size = out_dims[static_cast<size_t>(d)];
    b.num_elements *= size;
    if (size == 1) continue;
    bool broadcast[kMaxBroadcastInputs] = {};
    for (int k = 0; k < b.num_inputs; ++k) {
      const auto& in = inputs[static_cast<size_t>(k)];
      const int in_d = d - (out_rank - static_cast<int>(in.size()));
      broadcast[k] = in_d < 0 || in[static_cast<size_t>(in_d)] == 1;
    }
    bool same_as_previous = rank > 0;
    for (int k = 0; k < b.num_inputs && same_as_previous; ++k)
      same_as_previous = pattern[rank - 1][k] == broadcast[k];
    if (same_as_previous) {
      dims[rank - 1] *= size;
      continue;
    }
    if (rank == kMaxBroadcastRank) return false;
    dims[rank] = size;
    for (int k = 0; k < b.num_inputs; ++k) pattern[rank][k] = broadcast[k];
    ++rank;
  }
  if (rank == 0) {  // every dimension is 1: one element
    dims[0] = 1;
    for (int k = 0; k < b.num_inputs; ++k) pattern[0][k] = true;
    rank = 1;
  }

  b.rank = rank;
  for (int d = 0; d < rank; ++d) b.out_dims[d] = dims[d];
  for (int k = 0; k < b.num_inputs; ++k) {
    int64_t running = 1;  // elements of input k inside one step of dimension d
    for (int d = rank - 1; d >= 0; --d) {
      b.strides[k][d] = pattern[d][k] ? 0 : running;
      if (!pattern[d][k]) running *= dims[d];
    }
  }
  *plan = b;
  return true;
}

}  // namespace frost::kernels
