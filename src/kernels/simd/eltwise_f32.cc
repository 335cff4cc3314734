// Front end of the float32 element-wise kernels (pooling, broadcast binary
// ops, unary math, activations, softmax, reductions): picks the per-ISA table
// (eltwise_f32_<isa>.cc) and splits the work over OpenMP threads when there is
// enough of it. These ops move a few bytes per flop, so a thread needs a
// sizeable slice (kMinWorkPerThread) to pay for the split.
#include <algorithm>
#include <cstdint>

#include "kernels/activation_elementwise.h"
#include "kernels/elementwise.h"
#include "kernels/pool.h"
#include "kernels/reduce.h"
#include "kernels/simd/eltwise_kernel_table.h"
#include "kernels/simd/eltwise_work.h"
#include "kernels/simd/thread_policy.h"
#include "kernels/softmax.h"

namespace frost::kernels {

namespace {

// Work units: one cheap operation on one element (≈ 0.1-0.3 ns when the
// data is in cache); exp/tanh count kTranscendental. A thread gets ≥ 64K
// units (≈ 20 µs; a region costs 1-2 µs while the workers spin, and
// choose_threads adds what regions cost beyond that). Not much more: the
// op's input was mostly written by a split layer, half of it by the other
// core, and one thread then fetches that half across (21-25 GB/s on the
// 2-core Zen 4 VM against 58 locally), while two threads cut in order
// (parallel_for) each mostly read what they wrote. At 512K units
// (2 threads only from 1M elements) the pools and the large
// normalisations of the corpus CNNs stayed on one thread and ran slower at
// 2 threads than at 1 (chrt, AVX-512, per-node profiles: opencv_face's
// 38²×512 l2_normalize Square 0.021 → 0.162 ms, sbd_yolo's 92×160×16
// MaxPool 0.107 → 0.406 ms). Small graphs keep their ops on one thread
// (efficientnet_block, mobilenet_v2, unet_small 2T unchanged at 64K and
// 32K).
constexpr int64_t kMinWorkPerThread = 1 << 16;
constexpr int64_t kTranscendental = 8;
// Units per second on one core; with the measured cost of a parallel region
// this keeps work on one thread when the machine is busy
// (kernels/simd/thread_policy.h).
constexpr simd::WorkRate kWorkRate{3e9, static_cast<double>(kMinWorkPerThread)};
// Element ranges start at multiples of this (the widest vector), so that
// every element is computed by the same vector code whatever the split.
constexpr int64_t kElementQuantum = 16;

const simd::EltwiseKernelTable& table(GemmIsa isa) {
  if (isa == GemmIsa::kAuto) isa = gemm_best_isa();
  switch (isa) {
    case GemmIsa::kAvx512: return simd::eltwise_table_avx512();
    case GemmIsa::kAvx2: return simd::eltwise_table_avx2();
    default: return simd::eltwise_table_sse2();
  }
}

int threads_for(int64_t work, int64_t items, const GemmRun& run) {
  int threads = simd::resolve_threads(run.threads);
  if (!run.force_threads) threads = simd::choose_threads(static_cast<double>(work), threads, kWorkRate);
  return static_cast<int>(std::clamp<int64_t>(threads, 1, std::max<int64_t>(items, 1)));
}

// Calls f(begin, end) for consecutive slices of [0, items) that start at
// multiples of `quantum`, shared by `threads` threads.
template <class F>
void split(int64_t items, int threads, int64_t quantum, F f) {
  const int64_t units = (items + quantum - 1) / quantum;
  const int64_t chunks = simd::chunk_count(units, threads);
  simd::parallel_for(threads, chunks, [&](int64_t c, int) {
    const simd::ChunkRange r = simd::chunk_range(units, chunks, c);
    f(std::min(items, r.begin * quantum), std::min(items, r.end * quantum));
  });
}

void pool(bool max, const Pool2DParams& p, const float* input, float* output, const GemmRun& run) {
  const auto k = max ? table(run.isa).max_pool : table(run.isa).avg_pool;
  const int64_t rows = p.batch * p.out_h;
  const int64_t work = rows * p.out_w * p.channels * p.window_h * p.window_w;
  split(rows, threads_for(work, rows, run), 1, [&](int64_t r0, int64_t r1) { k(p, input, output, r0, r1); });
}

void softmax_any(const SoftmaxParams& p, const float* x, float* y, bool log, const GemmRun& run) {
  const auto k = table(run.isa).softmax;
  split(p.outer, threads_for(p.outer * p.depth * kTranscendental, p.outer, run), 1, [&](int64_t r0, int64_t r1) {
    SoftmaxParams slice = p;
    slice.outer = r1 - r0;
    k(slice, x + r0 * p.depth, y + r0 * p.depth, log);
  });
}

}  // namespace

const char* eltwise_kernel_name(GemmIsa isa) { return table(isa).name; }

void max_pool2d_f32(const Pool2DParams& p, const float* input, float* output, const GemmRun& run) {
  pool(true, p, input, output, run);
}

void avg_pool2d_f32(const Pool2DParams& p, const float* input, float* output, const GemmRun& run) {
  pool(false, p, input, output, run);
}

bool binary_f32_supported(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add:
    case BinaryOp::Sub:
    case BinaryOp::Mul:
    case BinaryOp::Div:
    case BinaryOp::Maximum:
    case BinaryOp::Minimum:
    case BinaryOp::SquaredDifference: return true;
    default: return false;
  }
}

void binary_f32(BinaryOp op, const Broadcast& b, const float* x, const float* y, float* out, const GemmRun& run) {
  const auto k = table(run.isa).binary;
  const int64_t n = b.num_elements;
  split(n, threads_for(simd::binary_work(b), n, run), kElementQuantum,
        [&](int64_t e0, int64_t e1) { k(op, b, x, y, out, e0, e1); });
}

bool unary_f32_supported(UnaryOp op) {
  switch (op) {
    case UnaryOp::Abs:
    case UnaryOp::Neg:
    case UnaryOp::Square:
    case UnaryOp::Sqrt:
    case UnaryOp::Rsqrt:
    case UnaryOp::Reciprocal:
    case UnaryOp::Exp: return true;
    default: return false;
  }
}

void unary_f32(UnaryOp op, int64_t n, const float* x, float* out, const GemmRun& run) {
  const auto k = table(run.isa).unary;
  const int64_t work = n * (op == UnaryOp::Exp ? kTranscendental : 1);
  split(n, threads_for(work, n, run), kElementQuantum,
        [&](int64_t i0, int64_t i1) { k(op, i1 - i0, x + i0, out + i0); });
}

void activation_elementwise_f32(Activation act, float alpha, const float* x, float* y, int64_t n,
                                const GemmRun& run) {
  const auto k = table(run.isa).activation;
  const int64_t work = n * (is_transcendental(act) ? kTranscendental : 1);
  split(n, threads_for(work, n, run), kElementQuantum,
        [&](int64_t i0, int64_t i1) { k(act, alpha, x + i0, y + i0, i1 - i0); });
}

void selu_f32(const float* x, float* y, int64_t n, const GemmRun& run) {
  const auto k = table(run.isa).selu;
  split(n, threads_for(n * kTranscendental, n, run), kElementQuantum,
        [&](int64_t i0, int64_t i1) { k(x + i0, y + i0, i1 - i0); });
}

void softplus_f32(const float* x, float* y, int64_t n, const GemmRun& run) {
  const auto k = table(run.isa).softplus;
  split(n, threads_for(n * kTranscendental, n, run), kElementQuantum,
        [&](int64_t i0, int64_t i1) { k(x + i0, y + i0, i1 - i0); });
}

void softmax_f32(const SoftmaxParams& p, const float* x, float* y, const GemmRun& run) {
  softmax_any(p, x, y, false, run);
}

void log_softmax_f32(const SoftmaxParams& p, const float* x, float* y, const GemmRun& run) {
  softmax_any(p, x, y, true, run);
}

bool reduce_f32_supported(ReduceOp op) { return op != ReduceOp::Prod; }

void reduce_rows_f32(ReduceOp op, int64_t rows, int64_t depth, const float* in, float* out, const GemmRun& run) {
  const auto k = table(run.isa).reduce_rows;
  split(rows, threads_for(rows * depth, rows, run), 1,
        [&](int64_t r0, int64_t r1) { k(op, r1 - r0, depth, in + r0 * depth, out + r0); });
}

void reduce_columns_f32(ReduceOp op, int64_t rows, int64_t cols, const float* in, float* out, const GemmRun& run) {
  const auto k = table(run.isa).reduce_columns;
  split(cols, threads_for(rows * cols, cols, run), kElementQuantum,
        [&](int64_t c0, int64_t c1) { k(op, rows, cols, in, out, c0, c1); });
}

}  // namespace frost::kernels
