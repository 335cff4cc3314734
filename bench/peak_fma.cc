#include "peak_fma.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <xsimd/xsimd.hpp>

namespace frost::bench {
namespace {

using V = xsimd::batch<float>;  // default (widest compiled) architecture
// Enough independent chains for 2 FMA ports × 5 cycles latency, and few
// enough to stay in 16 registers with the two constants.
constexpr int kChains = 12;

volatile float g_sink;

}  // namespace

const char* peak_fma_isa() { return xsimd::default_arch::name(); }

double peak_fma_run(long iterations) {
  V acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = V(static_cast<float>(c) * 1e-3f);
  // x·0.999999 + 1e-6 converges instead of overflowing or going subnormal.
  const V mul(0.999999f), add(1e-6f);
  for (long i = 0; i < iterations; ++i) {
#pragma GCC unroll 16
    for (int c = 0; c < kChains; ++c) acc[c] = xsimd::fma(acc[c], mul, add);
  }
  V sum(0.0f);
  for (int c = 0; c < kChains; ++c) sum += acc[c];
  g_sink = xsimd::hadd(sum);
  return 2.0 * static_cast<double>(iterations) * kChains * V::size;
}

double measure_peak_gflops(int threads) {
  double best = 0.0;
  for (int rep = 0; rep < 5; ++rep) {
    const long iters = 4'000'000;
    const auto t0 = std::chrono::steady_clock::now();
    double flops = 0.0;
#pragma omp parallel num_threads(threads) reduction(+ : flops)
    flops += peak_fma_run(iters);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, flops / s * 1e-9);
  }
  return best;
}

}  // namespace frost::bench
