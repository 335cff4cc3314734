// A planned run repeated after a run on other inputs: the arena then holds
// the other run's activations where the first planned run found fresh zero
// pages, so a kernel that leaves part of its output unwritten (trusting it
// to be zero) or accumulates into it gives a different answer.
#pragma once

#include <cstddef>
#include <cstring>
#include <vector>

#include "runtime/session.h"

namespace frost::testing {

// The feeds with each numeric input's elements in reverse order: other
// activations from the same values, so token ids and probabilities stay
// valid (a scalar, a string or a one-element input stays as it is).
inline FeedMap other_inputs(const FeedMap& feeds) {
  FeedMap other;
  for (const auto& [id, value] : feeds) {
    if (value.dtype() == DType::String || value.num_elements() < 2) {
      other[id] = value;
      continue;
    }
    Tensor reversed = value.clone();
    const auto* from = static_cast<const std::byte*>(value.raw_data());
    auto* to = static_cast<std::byte*>(reversed.raw_data());
    const int64_t n = value.num_elements();
    const auto size = static_cast<int64_t>(value.byte_size()) / n;
    for (int64_t i = 0; i < n; ++i) std::memcpy(to + (n - 1 - i) * size, from + i * size, static_cast<size_t>(size));
    other[id] = reversed;
  }
  return other;
}

// Runs `feeds` after one run on other_inputs(feeds), on the CPU backend.
inline std::vector<Tensor> rerun_after_other_input(const Session& model, const FeedMap& feeds,
                                                   const std::vector<TensorId>& fetches) {
  model.run(other_inputs(feeds), fetches, Backend::Cpu);
  return model.run(feeds, fetches, Backend::Cpu);
}

}  // namespace frost::testing
