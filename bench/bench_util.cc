#include "bench_util.h"

#include <omp.h>

#include <string>

#include "kernels/gemm.h"
#include "peak_fma.h"

#if FROST_BENCH_HAVE_EIGEN
#include <Eigen/Core>
#endif
#if FROST_BENCH_HAVE_OPENBLAS
#include <cblas.h>
#endif

namespace frost::bench {
namespace {

double g_peak_gflops[3] = {0, 0, 0};  // by thread count

void bm_peak(benchmark::State& st, int threads) {
  double flops = 0.0;
  for (auto _ : st) {
    double f = 0.0;
#pragma omp parallel num_threads(threads) reduction(+ : f)
    f += peak_fma_run(10'000'000);
    flops = f;
  }
  add_flop_counters(st, flops * 1e-9, threads);
}

}  // namespace

void set_threads(int threads) {
  omp_set_num_threads(threads);
#if FROST_BENCH_HAVE_OPENBLAS
  openblas_set_num_threads(threads);
#endif
#if FROST_BENCH_HAVE_EIGEN
  Eigen::setNbThreads(threads);
#endif
}

double peak_gflops(int threads) { return threads >= 1 && threads <= 2 ? g_peak_gflops[threads] : 0.0; }

void add_flop_counters(benchmark::State& st, double gflop, int threads) {
  st.counters["GFLOP/s"] = benchmark::Counter(gflop, benchmark::Counter::kIsIterationInvariantRate);
  const double peak = peak_gflops(threads);
  if (peak > 0)
    st.counters["pct_peak"] = benchmark::Counter(gflop * 100.0 / peak, benchmark::Counter::kIsIterationInvariantRate);
}

int run_benchmarks(int argc, char** argv, Peak peak, void (*register_all)()) {
  benchmark::Initialize(&argc, argv);
  if (peak == Peak::kMeasure) {
    for (int t : {1, 2}) {
      g_peak_gflops[t] = measure_peak_gflops(t);
      benchmark::AddCustomContext("peak_gflops_" + std::to_string(t) + "t", std::to_string(g_peak_gflops[t]));
      benchmark::RegisterBenchmark(("peak/fma/threads:" + std::to_string(t)).c_str(), bm_peak, t)->UseRealTime();
    }
    benchmark::AddCustomContext("peak_isa", peak_fma_isa());
  }
  benchmark::AddCustomContext("frost_kernel", kernels::gemm_kernel_name(kernels::GemmIsa::kAuto));
#if FROST_BENCH_HAVE_OPENBLAS
  benchmark::AddCustomContext("openblas_core", openblas_get_corename());
#endif
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace frost::bench
