// Setup shared by the Google Benchmark binaries in bench/: one thread count
// for every library, the FMA peak that GFLOP/s counters are judged against,
// and a main() that records the machine context beside the results.
#pragma once

#include <benchmark/benchmark.h>

namespace frost::bench {

// OpenMP (Frost, oneDNN), OpenBLAS and Eigen all use `threads`.
void set_threads(int threads);

// The FMA peak measured by run_benchmarks (0 when it was not measured).
double peak_gflops(int threads);

// GFLOP/s and pct_peak (of peak_gflops(threads)) for `gflop` per iteration.
void add_flop_counters(benchmark::State& st, double gflop, int threads);

enum class Peak { kMeasure, kSkip };

// Initialises Google Benchmark; with Peak::kMeasure measures the 1- and
// 2-thread FMA peaks, registers peak/fma/threads:N and records the peaks as
// context; records the GEMM kernel and OpenBLAS core; calls `register_all`
// (which registers the binary's own benchmarks and context) and runs them.
int run_benchmarks(int argc, char** argv, Peak peak, void (*register_all)());

}  // namespace frost::bench
