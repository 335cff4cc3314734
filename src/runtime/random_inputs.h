// Seeded random inputs for a graph's placeholders, for `run --random-inputs`,
// optimisation checks and benchmarks. The same seed gives the same values.
#pragma once

#include <cstdint>
#include <string>

#include "graph/signature.h"
#include "graph/tensor.h"

namespace frost {

// A tensor for `input`: unknown dimensions become `unknown_dim`; floats are
// uniform in [0, 1), integers in [0, 10), bools fair coin flips. The stream
// depends on the seed and the input's name, not on the order of inputs.
Tensor random_input(const GraphInput& input, uint64_t seed, int64_t unknown_dim = 1);

}  // namespace frost
