// Front end of the fused element-wise chain: picks the ISA's kernel, lays
// the per-channel operands over a row, splits rows over threads.
#include <algorithm>
#include <cstdint>

#include "kernels/elementwise_chain.h"
#include "kernels/simd/chain_kernel_table.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels {

namespace {

simd::ChainRangeFn kernel(GemmIsa isa) {
  if (isa == GemmIsa::kAuto) isa = gemm_best_isa();
  switch (isa) {
    case GemmIsa::kAvx512: return simd::chain_f32_range_avx512();
    case GemmIsa::kAvx2: return simd::chain_f32_range_avx2();
    default: return simd::chain_f32_range_sse2();
  }
}

// Rows shorter than this with per-channel operands are widened to a whole
// number of channel groups, so that the vectors stay full.
constexpr int64_t kMinRow = 256;
// Rows when no step reads per-channel values: any length splits the work.
constexpr int64_t kFreeRow = 4096;
// Work units as in eltwise_f32.cc: one cheap op on one element ≈ 0.1 ns;
// exp/tanh count 8. A thread gets ≥ 64K units, for the reason given there
// (sbd_yolo's 92×160×32 Add + BatchNorm chain, 2 threads: 0.11 ms on one
// thread reading a split conv's output, 0.06 ms on both).
constexpr simd::WorkRate kWorkRate{1e9, static_cast<double>(1 << 16)};

}  // namespace

void elementwise_chain_f32(const ChainParams& p, const float* x, float* y, const GemmRun& run) {
  if (p.n <= 0) return;
  bool per_channel = false;
  int64_t work = 0;
  for (int s = 0; s < p.num_steps; ++s) {
    const ChainStep& st = p.steps[s];
    per_channel = per_channel || (st.kind == ChainStep::Kind::kBinary && st.operand == ChainOperand::kChannel);
    const bool heavy = (st.kind == ChainStep::Kind::kActivation && is_transcendental(st.activation)) ||
                       (st.kind == ChainStep::Kind::kUnary && st.unary == UnaryOp::Exp);
    work += p.n * (heavy ? 8 : 1);
  }
  int64_t row = kFreeRow;
  // Per-channel operands tiled over a row of `repeat` channel groups.
  int64_t repeat = 1;
  if (per_channel) {
    repeat = p.channels < kMinRow ? (kMinRow + p.channels - 1) / p.channels : 1;
    row = p.channels * repeat;
  }
  alignas(64) float tiled[kMaxChainSteps][2 * kMinRow];  // row <= 2·kMinRow when repeat > 1
  const float* channel[kMaxChainSteps] = {};
  for (int s = 0; s < p.num_steps && s < kMaxChainSteps; ++s) {
    const ChainStep& st = p.steps[s];
    if (st.kind != ChainStep::Kind::kBinary || st.operand != ChainOperand::kChannel) continue;
    if (repeat == 1) {
      channel[s] = st.data;
      continue;
    }
    for (int64_t i = 0; i < row; ++i) tiled[s][i] = st.data[i % p.channels];
    channel[s] = tiled[s];
  }
  const int64_t rows = (p.n + row - 1) / row;
  int threads = simd::resolve_threads(run.threads);
  if (!run.force_threads) threads = simd::choose_threads(static_cast<double>(work), threads, kWorkRate);
  threads = static_cast<int>(std::clamp<int64_t>(threads, 1, rows));
  const simd::ChainRangeFn k = kernel(run.isa);
  // Chunks of whole rows taken in turn (parallel_for): a worker that has
  // not started when they run out is not waited for (with fixed shares the
  // caller waited for it, a scheduler's time slice when another program
  // held its core).
  const int64_t chunks = simd::chunk_count(rows, threads);
  simd::parallel_for(threads, chunks, [&](int64_t c, int) {
    const simd::ChunkRange r = simd::chunk_range(rows, chunks, c);
    k(p, channel, row, x, y, std::min(p.n, r.begin * row), std::min(p.n, r.end * row));
  });
}

}  // namespace frost::kernels
