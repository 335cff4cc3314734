// The optimisation driver: runs the registered passes to a fixed point on a
// copy of a graph, never touching the fetched and fed names, and optionally
// proves the result: the reference executor runs the graph before and after
// on the same seeded random inputs and the largest error relative to
// max|expected| is reported against a tolerance.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "freeze/pass.h"
#include "graph/graph.h"

namespace frost {

struct OptimizeOptions {
  // Tensors the optimised graph must still compute ("softmax", "x:1").
  // Empty: the graph's detected outputs (graph/signature.h).
  std::vector<std::string> outputs;
  // Tensors the user will feed. Empty: the graph's placeholders (a
  // PlaceholderWithDefault not listed here is folded to its default).
  std::vector<std::string> inputs;
  // Placeholders fixed to a value for inference: keep_prob=1,
  // keras_learning_phase=false, is_training=false.
  std::map<std::string, Tensor> set;
  // Pass names to run, in registry order (empty: all). See registered_passes().
  std::vector<std::string> passes;
  // Pipeline components among the inputs (graph/input_pipeline.h) become
  // Placeholders (freeze/pipeline_placeholders.h), so the written graph can
  // be served; off to keep feeding them by their own names in memory.
  bool pipeline_placeholders = true;
  int max_iterations = 16;
  bool runtime_fusions = false;  // see PassContext
  bool cpu_fusions = true;       // see PassContext
  int64_t max_folded_bytes = int64_t{16} << 20;

  // Verification (off by default: it runs the graph twice).
  bool verify = false;
  uint64_t seed = 1;
  int64_t unknown_dim = 1;   // value for unknown input dims (batch)
  // On max|after - before| / max|before|. 0: derived from the graph's own
  // float32 rounding noise (see kDerivedTolerance* below); > 0: fixed.
  double tolerance = 0;
};

// The derived verification tolerance: max(floor, factor x noise), where noise
// is how far float32 rounding alone moves the original graph's outputs on the
// verification inputs (freeze/rounding_noise.h: every float value the graph
// computes, weights included, perturbed by up to one float32 epsilon, two
// samples). A correct rewrite changes each value by a few roundings (a folded
// weight is rounded once more, a fused sum is taken in another order), so its
// error is a small multiple of that noise; a wrong rewrite (a dropped bias, a
// misplaced epsilon, a wrong channel) is far above it. The noise is measured
// only when the error exceeds the floor (below it the floor decides).
inline constexpr double kDerivedToleranceFloor = 1e-5;
inline constexpr double kDerivedToleranceFactor = 4;

struct PassReport {
  std::string name;
  int runs = 0;             // times it ran (once per iteration)
  int64_t nodes_removed = 0;  // net, over all runs (negative: nodes added)
  PassStats stats;          // what it changed, summed over runs
};

struct Verification {
  bool ran = false;
  std::string skipped_reason;  // why it did not run (unsupported op, fed intermediate...)
  uint64_t seed = 0;
  double tolerance = 0;
  std::string tolerance_basis;  // how the tolerance was set, for the user
  double rounding_noise = -1;   // measured float32 noise (-1: not measured)
  double max_relative_error = 0;
  std::vector<std::pair<std::string, double>> per_output;  // output -> relative error
  bool passed = false;
};

struct OptimizeReport {
  int64_t nodes_before = 0, nodes_after = 0;
  int iterations = 0;
  bool reached_fixed_point = false;
  std::vector<std::string> outputs, inputs;  // the names that were kept
  // Pipeline components replaced by Placeholders: component -> placeholder.
  std::vector<std::pair<std::string, std::string>> pipeline_placeholders;
  std::vector<PassReport> passes;            // in run order
  Verification verification;

  // Total of one count over all passes ("bn_folded", "fusions", ...).
  int64_t total(const std::string& what) const;
  std::string to_string() const;  // a small table for `frost optimize --report`
};

struct OptimizeResult {
  Graph graph;
  OptimizeReport report;
};

// Every pass in the order the driver runs them.
const std::vector<Pass>& registered_passes();

// Optimises a copy of `g`. Throws frost::Error for an unknown pass or output
// name, a bad `set` value, or (when verify is on) a result whose outputs
// differ beyond the tolerance.
OptimizeResult optimize_graph(const Graph& g, const OptimizeOptions& options);

// The runtime's entry point: the optimised graph alone.
Graph optimize_for_inference(const Graph& g, const OptimizeOptions& options = {});

// Runs `before` and `after` with the reference executor on the same seeded
// random values for `inputs` (plus `extra_feeds` given to `before` only, e.g.
// the `set` values), fetching `outputs`, and compares against `tolerance`
// (<= 0: derived, see kDerivedToleranceFloor). `after` is fed input `in` as
// renamed_inputs[in] where listed (pipeline components made Placeholders).
// Never throws for a graph the
// reference backend cannot run: the reason goes in skipped_reason.
Verification verify_equivalence(const Graph& before, const Graph& after, const std::vector<TensorId>& inputs,
                                const std::vector<TensorId>& outputs, uint64_t seed, double tolerance,
                                const std::map<TensorId, Tensor>& extra_feeds = {}, int64_t unknown_dim = 1,
                                const std::map<TensorId, TensorId>& renamed_inputs = {});

}  // namespace frost
