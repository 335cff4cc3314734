// Front end of the Winograd convolution (kernels/conv_winograd.h): the
// filter transform and packing, the cost rule, the blocking of tiles, the
// threads and the 36 GEMMs per block. ISA-neutral: the transforms and the
// GEMM are reached through the per-ISA tables.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/conv_direct.h"
#include "kernels/conv_winograd.h"
#include "kernels/fma_rate.h"
#include "kernels/simd/conv_util.h"
#include "kernels/simd/winograd_blocks.h"
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

// A transformed filter larger than this (the 2-core Zen 4's 32 MiB L3) is
// read from memory on every call; below kStreamedFilterPixels output pixels
// the direct kernel is then faster (conv2d_winograd_pays).
constexpr double kStreamedFilterBytes = 32.0 * (1 << 20);
constexpr int64_t kStreamedFilterPixels = 64;

// V and M of a block together take about this many bytes, so that with one
// U[ξ] they stay in a 1 MiB L2 while the 36 GEMMs stream the filter.
constexpr int64_t kBlockBytes = int64_t{512} << 10;

// The 36 matrices of V (and of M) start this many floats further apart than
// their size: a transform touches all 36 at once, and with sizes of a
// multiple of 4 KiB (or 2 KiB) its stores would alias the loads that follow
// them in the 4 KiB-indexed store buffer.
constexpr int64_t kXiSkew = 16;

// How a call is cut into work: `blocks` blocks of tiles, each for the output
// channels of one of `parts` column ranges of part_n channels (a whole
// number of GEMM panels); a chunk is one (block, part), and the threads take
// chunks in turn (parallel_for). Several parts only when there are too few
// tiles to give every thread two blocks; each part then transforms the
// block's input again, which costs little next to its GEMMs. Parts are the
// last resort because a thread's part is a slice of every pixel's
// channels, which the next layer, cut by pixels, then mostly fetches from
// the other core, and each GEMM is narrower: ResNet-50's conv3 layers
// (28²×128→128: 4 blocks of 12 tiles), in the model at 2 threads (chrt,
// AVX-512), took 0.52-0.57 ms cut into 2 parts × 4 blocks (the rule was
// "fewer blocks than kChunksPerThread per thread") and 0.38-0.43 ms as 4
// whole blocks.
//
// Blocks are whole units of MR tiles (the GEMM's row tile), the last one
// also taking the tiles left over: so no block is shorter than MR unless all
// the tiles are, and a GEMM that short would take the small-M path, which
// sums in another order. Every output is then computed the same way whatever
// the thread count.
struct Plan {
  int64_t tiles_h = 0, tiles_w = 0, tiles = 0;
  int64_t mr = 0, units = 0, blocks = 0, max_block_tiles = 0;
  int64_t parts = 1, part_n = 0;
  int64_t ldv = 0, ldm = 0;             // row strides of V and M
  int64_t v_floats = 0, m_floats = 0;   // per thread
  int64_t gemm_floats = 0;              // GEMM scratch per thread
  int64_t per_thread() const { return v_floats + m_floats + gemm_floats + 3 * kAlignFloats; }
  // Tiles [begin, end) of block b.
  int64_t block_begin(int64_t b) const { return b >= blocks ? tiles : units * b / blocks * mr; }
  int64_t block_end(int64_t b) const { return b + 1 >= blocks ? tiles : block_begin(b + 1); }
};

Plan make_plan(const Conv2DParams& p, const WinogradKernelTable& t, int threads) {
  Plan pl;
  pl.tiles_h = div_up(p.out_h, simd::kWinogradTile);
  pl.tiles_w = div_up(p.out_w, simd::kWinogradTile);
  pl.tiles = p.batch * pl.tiles_h * pl.tiles_w;
  pl.mr = t.gemm.mr;
  pl.units = std::max<int64_t>(1, pl.tiles / pl.mr);
  const int64_t lanes = t.lanes;
  pl.ldv = round_up(p.in_c, lanes);
  const int64_t panels = div_up(p.out_c, t.gemm.nr);
  if (threads > 1 && pl.units < 2 * threads) pl.parts = std::min<int64_t>(panels, threads);
  pl.part_n = div_up(panels, pl.parts) * t.gemm.nr;
  pl.parts = div_up(p.out_c, pl.part_n);
  const int64_t n = std::min(pl.part_n, p.out_c);
  pl.ldm = round_up(n, lanes);
  const int64_t per_tile = kWinogradPoints * (pl.ldv + pl.ldm) * int64_t{sizeof(float)};
  // One block per part where the filter is the larger stream
  // (winograd_fit_units), unless the parts are uneven: the blocks then
  // even out the threads' shares (captcha_cnn's 129 channels in parts of
  // 96 and 33). Measured on Zen 5 only (zmm_fma_full_rate's CPUs): Zen 4
  // and Intel keep the budget's blocks.
  const int64_t budget_units = kBlockBytes / per_tile / pl.mr;
  const double filter_bytes = static_cast<double>(kWinogradPoints) * static_cast<double>(p.in_c * n) * sizeof(float);
  const bool even_parts = pl.parts == 1 || p.out_c % pl.part_n == 0;
  const bool whole_blocks_measured = zmm_fma_full_rate();
  const int64_t fit = even_parts && whole_blocks_measured
                          ? simd::winograd_fit_units(budget_units, pl.units, filter_bytes,
                                                     static_cast<double>(pl.tiles * per_tile))
                          : std::max<int64_t>(1, budget_units);
  pl.blocks = simd::winograd_block_count(pl.units, pl.mr, fit, pl.parts == 1 ? threads : 1);
  for (int64_t b = 0; b < pl.blocks; ++b) pl.max_block_tiles = std::max(pl.max_block_tiles, pl.block_end(b) - pl.block_begin(b));
  pl.v_floats = kWinogradPoints * (pl.max_block_tiles * pl.ldv + kXiSkew);
  pl.m_floats = kWinogradPoints * (pl.max_block_tiles * pl.ldm + kXiSkew);
  const GemmShape s{pl.max_block_tiles, n, p.in_c, false, false, pl.ldv, 0, pl.ldm};
  pl.gemm_floats = static_cast<int64_t>(t.gemm.scratch_floats(s, true, 1));
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

// Measured with the thread-CPU time of conv2d_f32 and conv2d_winograd_f32
// on one thread, SAME 3×3 layers, AVX-512 and AVX2 tables (2-core Zen 4):
//  - 16+ channels in and out: Winograd is 1.3-3.2× faster on images of 7×7
//    and up (56²×64: 2.8×, 28²×128: 3.1×, 14²×256: 2.0×, 7²×512: 1.3×);
//  - 8-15 input channels (half a zmm vector): 1.2-1.4× from about 32×32 up,
//    about even below; fewer than 8: slower (0.7-0.8× at 56×56);
//  - small images lose to the tiles' padding: the transform does 36·T
//    products per channel pair for 9·P direct ones (T tiles, P pixels), so
//    P / 16T (1 for whole tiles) below 1/2 loses (5×5: 0.39, measured
//    0.8×), and so does a single tile (3×3: 0.6-0.75×; the filter's 36
//    matrices are streamed for one row of the GEMM);
//  - a transformed filter too large for the cache (36·in_c·out_c floats, 4×
//    the HWIO one) still pays on few pixels: with the weights evicted before
//    each call, as in a model, 7²×512→512 runs 1.5× faster than im2col
//    (bench_conv's repeated calls keep im2col's 9.4 MB filter in L3 but not
//    Winograd's 37.7 MB, and show them even). But the direct kernel
//    (kernels/conv_direct.h), which reads the 9.4 MB HWIO filter, is even
//    at 1 thread and faster at 2: such a U is too large to stay in the
//    last-level cache between calls (kStreamedFilterBytes), so each call
//    streams all of it from memory, and each of its elements serves one
//    GEMM row per tile. On few pixels that read is the layer's time, and
//    two cores share the memory's bandwidth: ResNet-50's conv5 3×3 layers
//    (7²×512→512, AVX-512, in the model, chrt) took 2.0 ms at 1 thread
//    either way, and at 2 threads 1.40-1.43 ms by Winograd, 1.03-1.06 ms
//    direct. The direct kernel does 9·P products per channel pair against
//    U's 144 bytes read: with a core's ~1.1e11 FLOP/s against its half of
//    ~2.8e10 B/s at 2 threads, direct is faster below about 64 pixels
//    (batch × out_h × out_w), Winograd above (14²×256→256: U 9.4 MB, in
//    the cache; Winograd 1.1 vs 2.0 ms at 1 thread, 0.7 vs 1.0 at 2).
//  - 8 channels in and at most 8 out: the direct kernel's stem mode
//    (kernels/conv_direct.h) is faster where it runs (bench_conv, 1 thread,
//    Zen 4, against this kernel on AVX2 as the runtime picks it: 32²×8→8
//    17.7 vs 22.8 µs, 368×640×8→8 4.5 vs 6.6 ms; 64²×8→32 even, 177 vs 170).
//    With more outputs the stem runs AVX-512 tiles while this kernel runs
//    AVX2 (conv2d_winograd_isa): even on Zen 4, where both widths peak
//    alike. Where a zmm FMA does twice a ymm one's work (Zen 5) this kernel
//    runs AVX-512 too, but its GEMM tile is 32 columns wide, half empty on
//    16 outputs, where the stem's 16-wide tile is full: the stem is faster
//    up to 16 outputs, Winograd beyond (bench_conv, Zen 5, stem vs AVX-512
//    Winograd: 184×320×8→16 680 vs 977 µs at 1 thread, 452 vs 496 at 2;
//    64²×8→32 95 vs 76 and 49 vs 43; sbd_yolo_inzapp's 184×320×8→16 layer
//    in the model 0.71 vs 1.14 ms at 1 thread, 0.38 vs 0.54 at 2, against
//    the AVX2 kernel).
// Winograd's other wins hold on Zen 5 (its GEMM runs the same zmm FMAs):
// in the models at 1 thread it is 1.3-3.3× faster than the direct kernel on
// every layer it takes, and slower (1.07-1.4×) on every 3×3 layer it leaves
// to the direct kernel (ResNet-50's 7²×512→512, the 8→8 stems).
bool conv2d_winograd_pays(const Conv2DParams& p) { return conv2d_winograd_pays(p, winograd_this_machine()); }

WinogradMachine winograd_this_machine() {
  WinogradMachine m;
  m.direct = conv2d_direct_isa_supported();
  m.direct_avx512 = m.direct && gemm_best_isa() == GemmIsa::kAvx512;
  m.zmm_full_rate = zmm_fma_full_rate();
  return m;
}

bool conv2d_winograd_pays(const Conv2DParams& p, const WinogradMachine& m) {
  if (p.in_c < 8 || p.out_c < 4) return false;
  if (p.in_c == 8 && m.direct && (p.out_c <= 8 || (m.direct_avx512 && m.zmm_full_rate && p.out_c <= 16))) return false;
  if (p.out_h <= 0 || p.out_w <= 0) return p.in_c >= 16;  // size unknown: the channels decide
  const int64_t tiles = div_up(p.out_h, simd::kWinogradTile) * div_up(p.out_w, simd::kWinogradTile);
  const int64_t pixels = p.out_h * p.out_w, batch = std::max<int64_t>(p.batch, 1);
  if (batch * tiles < 2 || 2 * pixels < 16 * tiles) return false;
  const double u_bytes = double{kWinogradPoints} * sizeof(float) * static_cast<double>(p.in_c) * static_cast<double>(p.out_c);
  if (u_bytes > kStreamedFilterBytes && batch * pixels < kStreamedFilterPixels && m.direct)
    return false;
  return p.in_c >= 16 || pixels >= 1024;
}

GemmIsa conv2d_winograd_isa(const Conv2DParams& p) {
  const GemmIsa best = gemm_best_isa();
  return gemm_isa_available(GemmIsa::kAvx2) ? conv2d_winograd_isa(p, best, zmm_fma_full_rate()) : best;
}

GemmIsa conv2d_winograd_isa(const Conv2DParams& p, GemmIsa best, bool zmm_full_rate) {
  const bool narrow = zmm_full_rate ? p.out_c <= 8 : p.out_c <= 16 || p.in_c <= 8;
  return best == GemmIsa::kAvx512 && narrow ? GemmIsa::kAvx2 : best;
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
  float* scratch = run.scratch != nullptr
                       ? run.scratch
                       : simd::own_scratch(conv2d_winograd_scratch_floats(p, threads, run.isa));
  const size_t per_point = t.gemm.packed_b_floats(p.out_c, p.in_c);
  std::vector<int64_t> transformed(static_cast<size_t>(threads), -1);  // the block whose V a thread holds
  simd::parallel_for(threads, pl.blocks * pl.parts, [&](int64_t chunk, int tid) {
    float* v = align_up(scratch + tid * pl.per_thread());
    float* m = align_up(v + pl.v_floats);
    float* gemm_scratch = align_up(m + pl.m_floats);
    // Block-major: a thread that takes consecutive chunks keeps its V.
    const int64_t block = chunk / pl.parts, part = chunk % pl.parts;
    WinogradBlock b;
    b.tile0 = pl.block_begin(block);
    b.tiles = pl.block_end(block) - b.tile0;
    b.tiles_h = pl.tiles_h;
    b.tiles_w = pl.tiles_w;
    const int64_t xi_v = b.tiles * pl.ldv + kXiSkew, xi_m = b.tiles * pl.ldm + kXiSkew;
    if (transformed[static_cast<size_t>(tid)] != block) {
      t.input_transform(p, input, b, v, pl.ldv, xi_v);
      transformed[static_cast<size_t>(tid)] = block;
    }
    const int64_t c0 = part * pl.part_n, c1 = std::min(p.out_c, c0 + pl.part_n);
    // A packed B is panels of NR columns over the full K: the part's columns
    // start c0 / NR panels in.
    const int64_t b_offset = c0 / t.gemm.nr * p.in_c * t.gemm.nr;
    const GemmShape s{b.tiles, c1 - c0, p.in_c, false, false, pl.ldv, 0, pl.ldm};
    for (int xi = 0; xi < kWinogradPoints; ++xi) {
      t.gemm.run(s, v + xi * xi_v, packed_filter + static_cast<size_t>(xi) * per_point + b_offset, true,
                 m + xi * xi_m, GemmEpilogue{}, 1, gemm_scratch);
    }
    t.output_transform(p, m, pl.ldm, xi_m, b, c0, c1, output, ep);
  });
}

const char* conv2d_winograd_kernel_name(GemmIsa isa) {
  const WinogradKernelTable* t = table_for(isa);
  return t == nullptr ? nullptr : t->name;
}

}  // namespace frost::kernels
