// The machine's measured fp32 peak: an FMA loop with many independent
// accumulators in the widest vectors this binary is compiled for. Benchmarks
// report "% of peak" against it, measured in the same process.
#pragma once

namespace frost::bench {

// Name of the vector ISA the loop uses (xsimd's default architecture).
const char* peak_fma_isa();

// Runs `iterations` rounds of the FMA loop on the calling thread; returns the
// floating-point operations done (2 per FMA lane).
double peak_fma_run(long iterations);

// Best of a few short runs, in GFLOP/s, with `threads` OpenMP threads each
// running the loop (threads share nothing).
double measure_peak_gflops(int threads);

}  // namespace frost::bench
