// Front end of the Winograd convolution (kernels/conv_winograd.h): the
// filter transform and packing, the cost rule, the blocking of tiles, the
// threads and the 36 GEMMs per block. ISA-neutral: the transforms and the
// GEMM are reached through the per-ISA tables.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/conv_winograd.h"
#include "kernels/simd/conv_util.h"
#include "kernels/simd/winograd_kernel_table.h"

namespace frost::kernels {
namespace {

using simd::align_up;
using simd::div_up;
using simd::kAlignFloats;
using simd::kWinogradPoints;
using simd::round_up;
using simd::WinogradBlock;
using simd::WinogradKernelTable;

GemmIsa resolve(GemmIsa isa) { return isa == GemmIsa::kAuto ? gemm_best_isa() : isa; }

const WinogradKernelTable* table_for(GemmIsa isa) {
  switch (resolve(isa)) {
    case GemmIsa::kAvx512: return &simd::winograd_table_avx512();
    case GemmIsa::kAvx2: return &simd::winograd_table_avx2();
    default: return nullptr;
  }
}

// G of F(4×4, 3×3) for the points of winograd_impl.h: row j is
// (1, a, a²) / Π_{l≠j}(a − a_l) for the finite point a = a_j, (0, 0, 1) for ∞.
// U = G g Gᵀ.
constexpr double kG[6][3] = {
    {1, 0, 0},
    {1.0 / 3, 1.0 / 3, 1.0 / 3},
    {-1.0 / 3, 1.0 / 3, -1.0 / 3},
    {-16.0 / 15, -8.0 / 15, -4.0 / 15},
    {1.0 / 15, -2.0 / 15, 4.0 / 15},
    {0, 0, 1},
};

// V and M of a block together take about this many bytes, so that with one
// U[ξ] they stay in a 1 MiB L2 while the 36 GEMMs stream the filter.
constexpr int64_t kBlockBytes = int64_t{512} << 10;
// Fewest tiles in a block: below this the GEMMs reload each B panel too often.
constexpr int64_t kMinBlockTiles = 12;

// How a call is cut into work: `blocks` blocks of `block_tiles` tiles, each
// for the output channels of one of `parts` column ranges of `part_n`
// channels (a whole number of GEMM panels). Several parts when there are too
// few blocks to share between the threads; each part then transforms the
// block's input again, which costs little next to its GEMMs.
struct Plan {
  int64_t tiles_h = 0, tiles_w = 0, tiles = 0;
  int64_t block_tiles = 0, blocks = 0;
  int64_t parts = 1, part_n = 0;
  int64_t ldv = 0, ldm = 0;             // row strides of V and M
  int64_t v_floats = 0, m_floats = 0;   // per thread
  int64_t gemm_floats = 0;              // GEMM scratch per thread
  int64_t per_thread() const { return v_floats + m_floats + gemm_floats + 3 * kAlignFloats; }
};

Plan make_plan(const Conv2DParams& p, const WinogradKernelTable& t, int threads) {
  Plan pl;
  pl.tiles_h = div_up(p.out_h, simd::kWinogradTile);
  pl.tiles_w = div_up(p.out_w, simd::kWinogradTile);
  pl.tiles = p.batch * pl.tiles_h * pl.tiles_w;
  const int64_t lanes = t.lanes;
  pl.ldv = round_up(p.in_c, lanes);
  const int64_t per_tile = kWinogradPoints * (pl.ldv + round_up(p.out_c, lanes)) * int64_t{sizeof(float)};
  const int64_t want = std::max(kMinBlockTiles, kBlockBytes / per_tile);
  pl.blocks = div_up(pl.tiles, want);
  const int64_t panels = div_up(p.out_c, t.gemm.nr);
  if (threads > 1 && pl.blocks < 4 * threads && panels >= threads) {
    pl.parts = threads;
  } else if (threads > 1) {
    pl.blocks = round_up(pl.blocks, threads);
  }
  pl.block_tiles = std::max<int64_t>(1, div_up(pl.tiles, pl.blocks));
  pl.blocks = div_up(pl.tiles, pl.block_tiles);
  pl.part_n = div_up(panels, pl.parts) * t.gemm.nr;
  pl.parts = div_up(p.out_c, pl.part_n);
  const int64_t n = std::min(pl.part_n, p.out_c);
  pl.ldm = round_up(n, lanes);
  pl.v_floats = kWinogradPoints * pl.block_tiles * pl.ldv;
  pl.m_floats = kWinogradPoints * pl.block_tiles * pl.ldm;
  // The last block may be shorter (the GEMM's scratch depends on m).
  const int64_t last = pl.tiles - (pl.blocks - 1) * pl.block_tiles;
  for (int64_t m : {pl.block_tiles, last}) {
    const GemmShape s{m, n, p.in_c, false, false, pl.ldv, 0, pl.ldm};
    pl.gemm_floats = std::max(pl.gemm_floats, static_cast<int64_t>(t.gemm.scratch_floats(s, true, 1)));
  }
  return pl;
}

int threads_for(const Conv2DParams& p, const GemmRun& run) {
  const double tiles = static_cast<double>(p.batch * div_up(p.out_h, 4) * div_up(p.out_w, 4));
  const double flops = 2.0 * kWinogradPoints * tiles * static_cast<double>(p.in_c) * static_cast<double>(p.out_c);
  return simd::threads_for_flops(flops, run.threads, run.force_threads);
}

}  // namespace

bool conv2d_winograd_supported(const Conv2DParams& p, GemmIsa isa) {
  return table_for(isa) != nullptr && gemm_isa_available(resolve(isa)) && p.filter_h == 3 && p.filter_w == 3 &&
         p.stride_h == 1 && p.stride_w == 1 && p.dilation_h == 1 && p.dilation_w == 1 && p.groups == 1 &&
         p.in_c > 0 && p.out_c > 0;
}

bool conv2d_winograd_pays(const Conv2DParams& p) {
  if (p.in_c < 16 || p.out_c < 16) return false;
  if (p.out_h <= 0 || p.out_w <= 0) return true;
  return p.out_h * p.out_w >= 64;
}

size_t conv2d_winograd_packed_filter_floats(const Conv2DParams& p, GemmIsa isa) {
  const WinogradKernelTable* t = table_for(isa);
  return t == nullptr ? 0 : kWinogradPoints * t->gemm.packed_b_floats(p.out_c, p.in_c);
}

void conv2d_winograd_pack_filter(const Conv2DParams& p, const float* filter, float* packed_filter, GemmIsa isa) {
  const WinogradKernelTable& t = *table_for(isa);
  const int64_t k = p.in_c, n = p.out_c, kn = k * n;
  const size_t per_point = t.gemm.packed_b_floats(n, k);
  // One row i of points at a time: h = G[i]·g (3 values per filter column
  // and channel pair), then U[6i + j] = h·G[j]ᵀ, in double.
  std::vector<float> u(static_cast<size_t>(6 * kn));
  std::vector<double> h(static_cast<size_t>(3 * n));
  for (int i = 0; i < 6; ++i) {
    for (int64_t ci = 0; ci < k; ++ci) {
      for (int l = 0; l < 3; ++l) {
        double* hl = h.data() + l * n;
        for (int64_t co = 0; co < n; ++co) hl[co] = 0;
        for (int a = 0; a < 3; ++a) {
          if (kG[i][a] == 0) continue;
          const float* g = filter + ((a * 3 + l) * k + ci) * n;
          for (int64_t co = 0; co < n; ++co) hl[co] += kG[i][a] * static_cast<double>(g[co]);
        }
      }
      for (int j = 0; j < 6; ++j) {
        float* uj = u.data() + j * kn + ci * n;
        for (int64_t co = 0; co < n; ++co) {
          uj[co] = static_cast<float>(kG[j][0] * h[static_cast<size_t>(co)] + kG[j][1] * h[static_cast<size_t>(n + co)] +
                                      kG[j][2] * h[static_cast<size_t>(2 * n + co)]);
        }
      }
    }
    for (int j = 0; j < 6; ++j) {
      const GemmShape s{0, n, k, false, false, 0, n, 0};
      t.gemm.pack_b(s, u.data() + j * kn, packed_filter + static_cast<size_t>(6 * i + j) * per_point);
    }
  }
}

size_t conv2d_winograd_scratch_floats(const Conv2DParams& p, int threads, GemmIsa isa) {
  const WinogradKernelTable* t = table_for(isa);
  if (t == nullptr) return 0;
  threads = simd::resolve_threads(threads);
  size_t most = 0;
  for (int th = 1; th <= threads; ++th) {
    most = std::max(most, static_cast<size_t>(th * make_plan(p, *t, th).per_thread() + kAlignFloats));
  }
  return most;
}

void conv2d_winograd_f32(const Conv2DParams& p, const float* input, const float* packed_filter, float* output,
                         const GemmEpilogue& ep, const GemmRun& run) {
  const WinogradKernelTable& t = *table_for(run.isa);
  if (p.batch * p.out_h * p.out_w <= 0) return;
  const int threads = threads_for(p, run);
  const Plan pl = make_plan(p, t, threads);
  float* scratch = run.scratch != nullptr ? run.scratch
                                          : simd::own_scratch(static_cast<size_t>(threads * pl.per_thread() + kAlignFloats));
  const size_t per_point = t.gemm.packed_b_floats(p.out_c, p.in_c);
  const int64_t items = pl.blocks * pl.parts;
  simd::parallel_run(threads, [&](int tid, int nth) {
    float* v = align_up(scratch + tid * pl.per_thread());
    float* m = align_up(v + pl.v_floats);
    float* gemm_scratch = align_up(m + pl.m_floats);
    int64_t transformed = -1;  // the block whose input V holds
    // Items in part-major order: a thread's consecutive items share a part,
    // and with one part, a thread's blocks are consecutive tiles.
    for (int64_t item = items * tid / nth; item < items * (tid + 1) / nth; ++item) {
      const int64_t part = item / pl.blocks, block = item % pl.blocks;
      WinogradBlock b;
      b.tile0 = block * pl.block_tiles;
      b.tiles = std::min(pl.block_tiles, pl.tiles - b.tile0);
      b.tiles_h = pl.tiles_h;
      b.tiles_w = pl.tiles_w;
      const int64_t xi_v = b.tiles * pl.ldv, xi_m = b.tiles * pl.ldm;
      if (block != transformed) {
        t.input_transform(p, input, b, v, pl.ldv, xi_v);
        transformed = block;
      }
      const int64_t c0 = part * pl.part_n, c1 = std::min(p.out_c, c0 + pl.part_n);
      const GemmShape s{b.tiles, c1 - c0, p.in_c, false, false, pl.ldv, 0, pl.ldm};
      // A packed B is panels of NR columns over the full K: the part's
      // columns start c0 / NR panels in.
      const int64_t b_offset = c0 / t.gemm.nr * p.in_c * t.gemm.nr;
      for (int xi = 0; xi < kWinogradPoints; ++xi) {
        t.gemm.run(s, v + xi * xi_v, packed_filter + static_cast<size_t>(xi) * per_point + b_offset, true,
                   m + xi * xi_m, GemmEpilogue{}, 1, gemm_scratch);
      }
      t.output_transform(p, m, pl.ldm, xi_m, b, c0, c1, output, ep);
    }
  });
}

const char* conv2d_winograd_kernel_name(GemmIsa isa) {
  const WinogradKernelTable* t = table_for(isa);
  return t == nullptr ? nullptr : t->name;
}

}  // namespace frost::kernels
