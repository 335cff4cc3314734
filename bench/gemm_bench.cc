// GEMM throughput of Frost's kernel beside Eigen, OpenBLAS (cblas_sgemm) and
// oneDNN (dnnl_sgemm), single precision, row-major, C = A·B, 1 and 2 threads.
//
// Each benchmark is named gemm/<shape>/<library>/threads:<t> and reports
//   GFLOP/s   = 2·M·N·K per second (wall time),
//   pct_peak  = that as a percentage of the FMA peak measured by this binary
//               for the same thread count (peak/fma/threads:<t>).
// "frost" multiplies by B prepacked once (constant weights, as the runtime
// plans them); "frost_unpacked" packs B inside every call like the others.
// tools/bench_report.py runs this binary and writes docs/bench/gemm.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/gemm.h"
#include "bench_util.h"

#if FROST_BENCH_HAVE_EIGEN
#include <Eigen/Core>
#endif
#if FROST_BENCH_HAVE_OPENBLAS
#include <cblas.h>
#endif
#if FROST_BENCH_HAVE_ONEDNN
#include <dnnl.h>
#endif

namespace {

using frost::kernels::GemmShape;

struct GemmCase {
  std::string label;
  int64_t m, n, k;
};

// The shapes of issue 8: squares, the im2col GEMMs of ResNet-style 3×3
// convolutions (M = output pixels, N = output channels, K = 9·input channels)
// plus a 3-channel stem, and a batch-1 fully-connected layer.
std::vector<GemmCase> cases() {
  std::vector<GemmCase> out;
  for (int64_t s : {64, 128, 256, 512, 1024, 2048}) out.push_back({"square_" + std::to_string(s), s, s, s});
  const int64_t im2col[][3] = {{3136, 64, 576}, {784, 128, 1152}, {196, 256, 2304}, {49, 512, 4608}, {12544, 32, 27}};
  for (const auto& d : im2col) {
    out.push_back({"im2col_" + std::to_string(d[0]) + "x" + std::to_string(d[1]) + "x" + std::to_string(d[2]),
                   d[0], d[1], d[2]});
  }
  out.push_back({"fc_1x1000x2048", 1, 1000, 2048});
  // A batch-100 MNIST MLP's first layer (corpus chaow94_mnist: 784 -> 128):
  // M = 100 is not a multiple of the 12-row AVX-512 tile.
  out.push_back({"mlp_100x128x784", 100, 128, 784});
  // Recurrent cells' steps, [x | h] 256 wide × 4 gates of 128: batch 10
  // (charrnn_lstm_receipts; m < MR of the 12-row AVX-512 tile, compute-bound)
  // and batch 2 (dga_lstm; bound by streaming the weights from L2).
  out.push_back({"rnn_10x512x256", 10, 512, 256});
  out.push_back({"rnn_2x512x256", 2, 512, 256});
  return out;
}

struct Operands {
  std::vector<float> a, b, c;
  explicit Operands(const GemmCase& g) {
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    a.resize(static_cast<size_t>(g.m * g.k));
    b.resize(static_cast<size_t>(g.k * g.n));
    c.resize(static_cast<size_t>(g.m * g.n));
    for (float& x : a) x = d(rng);
    for (float& x : b) x = d(rng);
  }
};

void add_counters(benchmark::State& st, const GemmCase& g, int threads) {
  const double gflop = 2.0 * static_cast<double>(g.m) * static_cast<double>(g.n) * static_cast<double>(g.k) * 1e-9;
  frost::bench::add_flop_counters(st, gflop, threads);
}

void bm_frost(benchmark::State& st, const GemmCase& g, int threads, bool packed) {
  frost::bench::set_threads(threads);
  Operands op(g);
  const GemmShape s{g.m, g.n, g.k, false, false, g.k, g.n, g.n};
  std::vector<float> packed_b;
  if (packed) {
    packed_b.resize(frost::kernels::gemm_packed_b_floats(g.n, g.k));
    frost::kernels::gemm_pack_b(s, op.b.data(), packed_b.data());
  }
  std::vector<float> scratch(frost::kernels::gemm_scratch_floats(s, packed, threads));
  frost::kernels::GemmRun run;
  run.threads = threads;
  run.scratch = scratch.data();
  auto call = [&] {
    if (packed) {
      frost::kernels::gemm_f32_packed(s, op.a.data(), packed_b.data(), op.c.data(), {}, run);
    } else {
      frost::kernels::gemm_f32(s, op.a.data(), op.b.data(), op.c.data(), {}, run);
    }
  };
  call();  // warm-up, as for every library (first-call JIT, page faults)
  for (auto _ : st) {
    if (packed) {
      frost::kernels::gemm_f32_packed(s, op.a.data(), packed_b.data(), op.c.data(), {}, run);
    } else {
      frost::kernels::gemm_f32(s, op.a.data(), op.b.data(), op.c.data(), {}, run);
    }
    benchmark::ClobberMemory();
  }
  add_counters(st, g, threads);
}

#if FROST_BENCH_HAVE_EIGEN
void bm_eigen(benchmark::State& st, const GemmCase& g, int threads) {
  frost::bench::set_threads(threads);
  Operands op(g);
  using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const RowMajor> a(op.a.data(), g.m, g.k), b(op.b.data(), g.k, g.n);
  Eigen::Map<RowMajor> c(op.c.data(), g.m, g.n);
  c.noalias() = a * b;  // warm-up
  for (auto _ : st) {
    c.noalias() = a * b;
    benchmark::ClobberMemory();
  }
  add_counters(st, g, threads);
}
#endif

#if FROST_BENCH_HAVE_OPENBLAS
void bm_openblas(benchmark::State& st, const GemmCase& g, int threads) {
  frost::bench::set_threads(threads);
  Operands op(g);
  const auto m = static_cast<blasint>(g.m), n = static_cast<blasint>(g.n), k = static_cast<blasint>(g.k);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, op.a.data(), k, op.b.data(), n, 0.0f,
              op.c.data(), n);  // warm-up
  for (auto _ : st) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, op.a.data(), k, op.b.data(), n, 0.0f,
                op.c.data(), n);
    benchmark::ClobberMemory();
  }
  add_counters(st, g, threads);
}
#endif

#if FROST_BENCH_HAVE_ONEDNN
void bm_onednn(benchmark::State& st, const GemmCase& g, int threads) {
  frost::bench::set_threads(threads);
  Operands op(g);
  dnnl_sgemm('N', 'N', g.m, g.n, g.k, 1.0f, op.a.data(), g.k, op.b.data(), g.n, 0.0f, op.c.data(),
             g.n);  // warm-up (first call generates code)
  for (auto _ : st) {
    const dnnl_status_t status = dnnl_sgemm('N', 'N', g.m, g.n, g.k, 1.0f, op.a.data(), g.k, op.b.data(), g.n, 0.0f,
                                            op.c.data(), g.n);
    if (status != dnnl_success) {
      st.SkipWithError("dnnl_sgemm failed");
      break;
    }
    benchmark::ClobberMemory();
  }
  add_counters(st, g, threads);
}
#endif

void register_all() {
  for (const GemmCase& g : cases()) {
    for (int t : {1, 2}) {
      const std::string base = "gemm/" + g.label + "/";
      const std::string tail = "/threads:" + std::to_string(t);
      auto reg = [&](const std::string& lib, auto fn, auto... args) {
        benchmark::RegisterBenchmark((base + lib + tail).c_str(), fn, g, t, args...)
            ->UseRealTime()
            ->Unit(benchmark::kMicrosecond);
      };
      reg("frost", bm_frost, true);
      reg("frost_unpacked", bm_frost, false);
#if FROST_BENCH_HAVE_ONEDNN
      reg("onednn", bm_onednn);
#endif
#if FROST_BENCH_HAVE_OPENBLAS
      reg("openblas", bm_openblas);
#endif
#if FROST_BENCH_HAVE_EIGEN
      reg("eigen", bm_eigen);
#endif
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  return frost::bench::run_benchmarks(argc, argv, frost::bench::Peak::kMeasure, register_all);
}
