// How far float32 rounding alone moves a graph's outputs, measured on the
// graph itself: the yardstick `frost optimize` judges its rewrites against.
//
// A correct rewrite (BatchNorm folded into weights, bias and activation fused,
// constants folded) still changes results in the last bits: folded weights are
// rounded once more, sums are taken in another order. Through a deep network
// those last-bit changes grow by however much the network amplifies them, which
// depends on its weights and depth, not on a fixed number. Monte Carlo
// arithmetic (D. Stott Parker, "Monte Carlo Arithmetic: exploiting randomness
// in floating-point arithmetic", UCLA CSD-970002, 1997) measures that
// amplification directly: run the graph again with every float32 value it
// computes (weights included) perturbed by a random relative amount of at most
// one float32 epsilon (2^-23, i.e. one extra rounding of either direction), and
// see how far the outputs move from the unperturbed run.
#pragma once

#include <cstdint>
#include <vector>

#include "graph/graph.h"
#include "runtime/executor.h"

namespace frost {

struct RoundingNoise {
  double relative = 0;  // max over samples and outputs of max|perturbed - exact| / max|exact|
  int samples = 0;
};

// Runs `g` with the reference kernels `samples` times, each time with every
// float32 output of every node multiplied by (1 + d), d uniform in
// [-2^-23, 2^-23] (drawn from `seed`, the sample and the node's name), and
// compares `outputs` with `exact` (the unperturbed run's values, in order).
// Throws what the reference executor throws.
RoundingNoise float32_rounding_noise(const Graph& g, const FeedMap& feeds, const std::vector<TensorId>& outputs,
                                     const std::vector<Tensor>& exact, uint64_t seed, int samples = 2);

}  // namespace frost
