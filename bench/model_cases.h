// The models bench_model (Frost) and bench_model_opencv (OpenCV's DNN module)
// time: the first stanza of every models/<name>/reference.txt and, when the
// folder exists, models/large/<name>/reference.txt. Two binaries because
// OpenCV's DNN module and Frost's graph loader both register a
// "types.proto" with protobuf, which aborts a process that links both; the
// report (tools/bench_model_report.py) puts their numbers side by side.
#pragma once

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "graph/tensor.h"
#include "io/reference_file.h"

namespace frost::bench {

struct ModelCase {
  std::string name;  // folder name; "large/<name>" for models/large
  ReferenceStanza stanza;
};

// Cases from $FROST_BENCH_MODELS (a models/ folder) or the source tree's models/.
std::vector<ModelCase> model_cases();

// The stanza's .npy files, in its order.
std::vector<Tensor> reference_inputs(const ReferenceStanza& s);
std::vector<Tensor> expected_outputs(const ReferenceStanza& s);

// max |got - expected| / max |expected| over the outputs (infinite for a NaN
// on one side only); throws std::runtime_error for a shape mismatch.
double max_relative_error(const std::vector<Tensor>& got, const std::vector<Tensor>& expected);

using ModelBenchmark = void (*)(benchmark::State&, const ModelCase&, int threads);

// Registers model/<name>/<engine>/threads:<1|2> for every case: wall time in
// milliseconds. `fn` reports a failure with SkipWithError (so one model that
// cannot run does not stop the others) and sets the max_rel_err counter.
void register_model_benchmarks(const std::string& engine, ModelBenchmark fn);

}  // namespace frost::bench
