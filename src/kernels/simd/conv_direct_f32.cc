// Front end of the direct convolution (kernels/conv_direct.h): the tile plan,
// the filter packing, threads and scratch; the per-ISA loops are in
// conv_direct_impl.h behind a DirectConvKernelTable.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "kernels/conv_direct.h"
#include "kernels/simd/conv_direct_kernel_table.h"
#include "kernels/simd/conv_util.h"

namespace frost::kernels {
namespace {

GemmIsa resolve(GemmIsa isa) { return isa == GemmIsa::kAuto ? gemm_best_isa() : isa; }

const simd::DirectConvKernelTable* table_for(GemmIsa isa) {
  switch (resolve(isa)) {
    case GemmIsa::kAvx512: return &simd::conv_direct_table_avx512();
    case GemmIsa::kAvx2: return &simd::conv_direct_table_avx2();
    default: return nullptr;
  }
}

}  // namespace

bool conv2d_direct_isa_supported(GemmIsa isa) {
  isa = resolve(isa);
  return (isa == GemmIsa::kAvx512 || isa == GemmIsa::kAvx2) && gemm_isa_available(isa);
}

ConvDirectPlan conv2d_direct_plan(const Conv2DParams& p, GemmIsa isa) {
  ConvDirectPlan plan;
  if (p.groups != 1 || p.out_c <= 0 || p.in_c <= 0 || !conv2d_direct_isa_supported(isa)) return plan;
  const simd::DirectConvKernelTable& t = *table_for(isa);
  const int64_t pixels = p.batch * p.out_h * p.out_w;
  // Cost = padded work (whole MR × NR blocks) × (1 + 0.25 / NV): each input
  // value is broadcast once per NV filter vectors, and those broadcasts cost
  // about that much (bench_conv, AVX-512, 3×3 56²×64→64: NR = 16, 32, 64 ran
  // at 1.20 : 1.11 : 1 of the time).
  double best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < t.num_tiles; ++i) {
    const auto& tile = t.tiles[i];
    const double cols = static_cast<double>(simd::round_up(p.out_c, tile.nr));
    const double rows = pixels > 0 ? static_cast<double>(simd::round_up(pixels, tile.mr)) : 1.0;
    const double nv = static_cast<double>(tile.nr / t.lanes);
    const double cost = cols * rows * (1.0 + 0.25 / nv);
    if (cost < best) {
      best = cost;
      plan = {resolve(isa), i, tile.mr, tile.nr};
    }
  }
  return plan;
}

int conv2d_direct_tile_count(GemmIsa isa) {
  return conv2d_direct_isa_supported(isa) ? table_for(isa)->num_tiles : 0;
}

ConvDirectPlan conv2d_direct_tile(int tile, GemmIsa isa) {
  if (tile < 0 || tile >= conv2d_direct_tile_count(isa)) return {};
  const auto& t = table_for(isa)->tiles[tile];
  return {resolve(isa), tile, t.mr, t.nr};
}

const char* conv2d_direct_kernel_name(const ConvDirectPlan& plan) {
  const simd::DirectConvKernelTable* t = plan.valid() ? table_for(plan.isa) : nullptr;
  return t != nullptr ? t->tiles[plan.tile].name : "none";
}

size_t conv2d_direct_packed_filter_floats(const ConvDirectPlan& plan, const Conv2DParams& p) {
  if (!plan.valid()) return 0;
  const int64_t k = p.filter_h * p.filter_w * p.in_c;
  return static_cast<size_t>(simd::round_up(p.out_c, plan.nr) * k);
}

void conv2d_direct_pack_filter(const ConvDirectPlan& plan, const Conv2DParams& p, const float* filter,
                               float* packed_filter) {
  if (!plan.valid()) return;
  const int64_t k = p.filter_h * p.filter_w * p.in_c, nr = plan.nr;
  for (int64_t j0 = 0; j0 < p.out_c; j0 += nr) {
    const int64_t cols = std::min(nr, p.out_c - j0);
    for (int64_t kk = 0; kk < k; ++kk, packed_filter += nr) {
      const float* row = filter + kk * p.out_c + j0;
      for (int64_t c = 0; c < nr; ++c) packed_filter[c] = c < cols ? row[c] : 0.0f;
    }
  }
}

size_t conv2d_direct_scratch_floats(const ConvDirectPlan& plan, const Conv2DParams& p, int threads) {
  const simd::DirectConvKernelTable* t = plan.valid() ? table_for(plan.isa) : nullptr;
  return t != nullptr ? t->scratch_floats(plan.tile, p, simd::resolve_threads(threads)) : 0;
}

void conv2d_direct_f32(const ConvDirectPlan& plan, const Conv2DParams& p, const float* input,
                       const float* packed_filter, float* output, const GemmEpilogue& ep, const GemmRun& run) {
  const simd::DirectConvKernelTable* t = plan.valid() ? table_for(plan.isa) : nullptr;
  if (t == nullptr || p.batch * p.out_h * p.out_w <= 0 || p.out_c <= 0) return;
  const double flops = 2.0 * static_cast<double>(p.batch * p.out_h * p.out_w * p.out_c) *
                       static_cast<double>(p.filter_h * p.filter_w * p.in_c);
  const int threads = simd::threads_for_flops(flops, run.threads, run.force_threads);
  float* scratch = run.scratch != nullptr ? run.scratch
                                          : simd::own_scratch(t->scratch_floats(plan.tile, p, threads));
  t->run(p, input, packed_filter, output, ep, simd::DirectConvRun{plan.tile, threads, scratch});
}

}  // namespace frost::kernels
