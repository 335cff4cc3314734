// Front end of the direct convolution (kernels/conv_direct.h): the tile plan,
// the filter packing, threads and scratch; the per-ISA loops are in
// conv_direct_impl.h behind a DirectConvKernelTable.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "kernels/activation_elementwise.h"
#include "kernels/conv_direct.h"
#include "kernels/fma_rate.h"
#include "kernels/simd/conv_direct_kernel_table.h"
#include "kernels/simd/conv_pointwise_across.h"
#include "kernels/simd/conv_pointwise_panel.h"
#include "kernels/simd/conv_resident.h"
#include "kernels/simd/conv_taps.h"
#include "kernels/simd/conv_util.h"
#include "kernels/simd/direct_padding_taps.h"
#include "kernels/simd/direct_conv_rate.h"
#include "kernels/simd/small_layer_chain.h"

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

// The pixel rows the plain mode computes: whole tiles, then the last
// pixels as a tile of their exact count (accumulate_part in
// conv_direct_impl.h), which costs about one row more than its pixels (its
// filter vectors loaded for fewer FMAs, the sums passed through memory), so
// that an exact fit still wins a tie (ResNet's 7² ... 56² pixels on 7 × 64).
int64_t plain_rows(int64_t pixels, int64_t mr) {
  const int64_t rest = pixels % mr;
  return pixels - rest + (rest > 0 ? rest + 1 : 0);
}

// The pixels a stem tile computes per output row of `width` (a layer that
// is not pointwise, whose input step is then at most 8): whole tiles, then
// a tail tile of the last pixels rounded up to kDirectStemTailStep, charged
// one more step and a pixel for its window copy and its sums' pass through
// memory. Rows of 28 ran 5–15% slower as 24 + 4 than as 16 + 16 (bench_conv,
// AVX-512, 1 thread, chrt, 3×3 28²×1→28: 9.2–10.3 µs vs 8.9–9.1), rows of
// 40 13% faster as 24 + 16 than as 24 + 24 (20×8 98×40×1→64: 786–797 µs vs
// 906–918).
int64_t stem_row_pixels(int64_t width, int64_t mr) {
  const int64_t rest = width % mr;
  if (rest == 0) return width;
  const int64_t tail = simd::round_up(rest, simd::kDirectStemTailStep) + simd::kDirectStemTailStep + 1;
  return width - rest + (tail < mr ? tail : mr);
}

// Where the pixels-across-lanes kernel runs a layer (ConvDirectPlan::across).
bool across_fits(const Conv2DParams& p) {
  return p.groups == 1 && simd::direct_pointwise(p) && p.out_c >= 1 && p.out_c <= simd::kAcrossMaxOutC &&
         p.in_c >= 1;
}

// Where the filter-resident kernel may run a layer with a panel of nr
// channels (ConvDirectPlan::resident): more than 8 outputs (at most 8 take
// the paired variant or the pixels-across kernel), a pointwise layer with
// at most 8 inputs or a few-channel layer (in_c · stride_w ≤ 8) with K ≤ 24,
// and a panel that fits the registers.
bool resident_fits(const Conv2DParams& p, int64_t nr) {
  const int64_t k = p.filter_h * p.filter_w * p.in_c;
  const bool shape = simd::direct_pointwise(p) ? p.in_c <= 8 : p.in_c * p.stride_w <= 8;
  return p.groups == 1 && p.out_c > 8 && p.in_c >= 1 && shape && simd::resident_panel_fits(k, nr);
}

// The panel width the taps kernel runs p with: its outputs rounded up to
// whole vectors, at most 64 (more in several panels).
int64_t taps_nr(const Conv2DParams& p) { return std::min<int64_t>(64, simd::round_up(p.out_c, 16)); }

// Where the taps kernel (simd/conv_taps.h) runs a layer on Zen 5 AVX-512,
// two separate rules (conv2d_direct_plan has the numbers):
//  - one or two input channels, a window of more than one tap, more than 8
//    outputs, not in registers (resident_fits): the stem tiles' runs are
//    a filter row of fw·in_c ≤ 16 steps, and their rows' tails;
//  - 8 input channels, stride 1, 9 to 16 outputs (one vector): the stem
//    tiles' window copies and 16-pixel tiles.
bool taps_fits(const Conv2DParams& p) {
  if (!simd::conv_taps_fits(p, taps_nr(p)) || p.out_c <= 8) return false;
  const bool one_or_two = p.in_c <= 2 && p.filter_h * p.filter_w > 1 && !resident_fits(p, taps_nr(p));
  const bool eight_to_one_vector = p.in_c == 8 && p.stride_w == 1 && p.out_c <= 16;
  return one_or_two || eight_to_one_vector;
}

// Where the panel kernel runs a layer of `plan` (ConvDirectPlan::panel):
// pointwise on AVX-512 with a tile it has.
bool panel_fits(const ConvDirectPlan& plan, const Conv2DParams& p) {
  return plan.isa == GemmIsa::kAvx512 && p.groups == 1 && simd::direct_pointwise(p) &&
         simd::conv_pointwise_panel_has_tile(plan.panel_rows(), plan.nr);
}

// A pointwise layer's panel tile (ConvDirectPlan::panel_mr) of least
// conv_pointwise_panel_cost, among the panel tiles on the panels of a
// direct tile of t that has one: plan takes that direct tile (its packing,
// and the direct modes where the panel kernel does not take the epilogue).
void pick_panel_tile(ConvDirectPlan& plan, const Conv2DParams& p, const simd::DirectConvKernelTable& t) {
  const int64_t pixels = p.batch * p.out_h * p.out_w;
  double best = std::numeric_limits<double>::infinity();
  for (const auto& panel : simd::kPanelTiles) {
    for (int i = 0; i < t.num_tiles; ++i) {
      const auto& tile = t.tiles[i];
      if (tile.nr != panel[1] || !simd::conv_pointwise_panel_has_tile(tile.mr, tile.nr)) continue;
      const double cost = simd::conv_pointwise_panel_cost(panel[0], panel[1], pixels, p.out_c);
      if (cost >= best) continue;
      best = cost;
      plan.tile = i;
      plan.mr = tile.mr;
      plan.nr = tile.nr;
      plan.stem = tile.stem_name != nullptr && conv2d_direct_stem_fits(p, tile.nr);
      plan.panel_mr = panel[0];
    }
  }
}

}  // namespace

bool conv2d_direct_isa_supported(GemmIsa isa) {
  isa = resolve(isa);
  return (isa == GemmIsa::kAvx512 || isa == GemmIsa::kAvx2) && gemm_isa_available(isa);
}

bool conv2d_direct_stem_fits(const Conv2DParams& p, int nr) {
  constexpr int64_t kMaxPanelFloats = int64_t{1} << 16;  // as conv_direct_stem_impl.h
  return p.groups == 1 && p.in_c > 0 && p.stride_w > 0 &&
         simd::direct_stem_step(p.in_c * p.stride_w, simd::direct_pointwise(p)) &&
         p.filter_h * p.filter_w * p.in_c * nr <= kMaxPanelFloats;
}

ConvDirectPlan conv2d_direct_plan(const Conv2DParams& p, GemmIsa isa) {
  ConvDirectPlan plan;
  if (p.groups != 1 || p.out_c <= 0 || p.in_c <= 0 || !conv2d_direct_isa_supported(isa)) return plan;
  // Eight output channels fill an AVX2 vector and half an AVX-512 one: the
  // AVX2 tiles then do the same useful FMAs per cycle with half the
  // vectors' work (bench_conv, Zen 4, 1 thread: 3×3 32²×3→8 7.5 µs vs 10.3).
  // Not below 8: AVX2's masked stores of a channel tail are microcoded on
  // AMD (1×1 32²×8→3: 8.5 µs vs 5.5 on AVX-512, whose masked stores are not).
  //
  // On Zen 5 (full-width 512-bit FMAs) a layer with at most 8 outputs takes
  // the stem mode's paired variant instead where it fits: two reduction
  // steps per 16-lane FMA (simd/conv_direct_stem_paired_impl.h), on the
  // one-vector tiles. Zen 5 VM, AVX-512, 1 thread, 3 interleaved rounds
  // against the AVX2 8 × 8 stem tile this replaced, medians (µs): 1×1
  // 112²×16→8 52.2 → 33.6, 56²×48→8 28.5 → 16.6; 3×3 32²×8→8 14.1 → 8.5,
  // 368×640×8→8 2951 → 1888.
  const bool paired = resolve(isa) == GemmIsa::kAvx512 && zmm_fma_full_rate() && !across_fits(p) &&
                      simd::direct_stem_paired_fits(p, 16) && conv2d_direct_stem_fits(p, 16);
  if (resolve(isa) == GemmIsa::kAvx512 && p.out_c == 8 && !paired && conv2d_direct_isa_supported(GemmIsa::kAvx2))
    isa = GemmIsa::kAvx2;
  const simd::DirectConvKernelTable& t = *table_for(isa);
  // Zen 5's AVX-512 (full-width 512-bit FMAs, fma_rate.h): where the rules
  // below were measured; Zen 4, Intel and AVX2 keep the general ones.
  const bool full_rate = resolve(isa) == GemmIsa::kAvx512 && zmm_fma_full_rate();
  const int64_t pixels = p.batch * p.out_h * p.out_w;
  // Cost = padded work (whole MR × NR blocks) × (1 + 0.25 / NV): each input
  // value is broadcast once per NV filter vectors, and those broadcasts cost
  // about that much (bench_conv, AVX-512, 3×3 56²×64→64: NR = 16, 32, 64 ran
  // at 1.20 : 1.11 : 1 of the time). In the stem mode a row's last tile
  // computes its pixels rounded up to 4 (stem_row_pixels; a pointwise layer
  // is one long row, rounded up to MR) and NR matters
  // little (its broadcasts are the FMAs' memory operands; same bench, 1
  // thread, AVX-512: 224²×3→32 stride 2 ran 16×16 259 µs, 12×32 269, 24×16
  // 298; 7×7 224²×3→64 stride 2 16×16 2132, 6×64 2201, 12×32 2285), a bit
  // more with fewer input channels (1×1 112²×8→48: 16×16 115 µs, 7×48 141):
  // 5% per vector beyond the first. The plain mode takes only the tiles with
  // at least 3/4 of the most accumulators (a narrower one loads its filter
  // vectors for fewer FMAs); 7×48 (21 of 24) fits 7×7, 14×14, ... pixels and
  // multiples of 48 channels whole (same bench, 3×3 7²×512→512: 6×64 2243
  // µs, 7×48 2122; 1×1 7²×320→1280: 391, 358). 7×64 (28 of 28) won the
  // same rule on ResNet's 7²..56² layers with multiples of 64 channels
  // while every tile took its broadcasts as memory operands (same bench,
  // load ~10, medians of 3 in two interleaved rounds: 3×3 7²×512→512 7×48
  // 2128–2303 µs, 7×64 2040–2219; 1×1 7²×2048→512 7×48 1002–1020, 7×64
  // 921–974). Since the tiles with a register to spare broadcast into it
  // (direct_register_broadcast), 7×64, which has none, is charged one
  // broadcast per FMA (NV = 1 in the factor), and 6×64 / 7×48 / 12×32 win:
  // Zen 5 VM, AVX-512, 1 thread, load ~10, 5-6 randomly interleaved
  // repetitions, min / median µs, 7×64 against the best of the others:
  // 1×1 7²×320→1280 389 / 413 vs 7×48 333 / 344; 7²×160→960 169 / 184 vs
  // 7×48 121 / 131; 14²×64→384 106 / 109 vs 6×64 84 / 91; 7²×2048→512
  // 994 / 1116 vs 6×64 842 / 863; 56²×64→256 1027 / 1059 vs 6×64 863 / 908;
  // 3×3 7²×512→512 2230 / 2417 vs 6×64 1766 / 1877; 56²×64→64 2438 / 2439
  // vs 6×64 1734 / 1902.
  //
  // A layer with few channels (in_c · stride_w ≤ 8, not pointwise) takes
  // only stem tiles where one fits: the plain mode splits a border pixel's
  // window into fh·fw runs of in_c floats and builds a pointer per run and
  // pixel, work the padded-work cost does not count. It picked the plain
  // 7×64 tile for speech_commands_conv's 20×8 layer on 98×40×1→64 (the stem
  // then rounded its rows of 40 up to 48), which ran slower (bench_conv, AVX-512,
  // 1 thread, chrt, load ~5: 953 µs vs 838 for stem 24×16, 845 for 16×16;
  // 3×3 28²×1→28: plain 7×64 19.2 µs, stem 16×16 7.8).
  //
  // A pointwise layer of more than 8 input channels in the stem mode (one
  // of direct_stem_step's MobileNet steps, 16–144) is charged for its
  // broadcasts as in the plain mode: with a reduction of 16 or more per
  // pixel the broadcast operands limit a one-vector tile there too. On the
  // Zen 5 VM (2 full-width FMAs a cycle) 16×16 lost to 12×32 and 7×48
  // (bench_conv, AVX-512, 1 thread, load ~10, 6 randomly interleaved
  // repetitions, min / median µs: 1×1 112²×16→96 16×16 443 / 525, 12×32
  // 398 / 431, 7×48 432 / 465; 56²×24→144 239 / 252, 232 / 250, 218 / 222;
  // 28²×32→192 105 / 108, 90 / 93, 91 / 92). With 8 channels or fewer
  // the 5% rule stays (1×1 112²×8→48 above).
  const bool broadcast_bound_stem = simd::direct_pointwise(p) && p.in_c > 8;
  // On Zen 5 (AVX-512) a few-channel stem with a reduction of 27 or more (RGB 3×3
  // and up), or a pointwise one (8 channels in or fewer), runs faster on
  // tiles of more vectors: charged 5% less per vector beyond the first, not
  // 5% more (Zen 5 VM, AVX-512, 1 thread, 5 interleaved rounds, medians
  // µs: 3×3 s2 224²×3→32 16×16 129, 12×32 118; 7×7 s2 224²×3→64 16×16
  // 1150, 12×32 1017, 6×64 1042; 20×8 98×40×1→64 24×16 404, 6×64 400;
  // 1×1 112²×8→48 16×16 69.2, 7×48 53.5; 56²×8→32 16×16 11.6, 12×32
  // 10.2; 56²×4→64 16×16 16.4, 6×64 13.2, 12×32 12.5). With a short
  // reduction on a window (3×3 28²×1→28, K = 9) the one-vector tiles stay
  // ahead (16×16 5.08, 12×32 5.54).
  const double stem_vector_charge = full_rate && (p.filter_h * p.filter_w * p.in_c >= 27 || simd::direct_pointwise(p))
                                        ? -0.05
                                        : 0.05;
  // On Zen 5 an RGB stem (3 input channels, a window of 3×3 or more) with
  // at most 16 outputs runs its reduction at the FMA pipes' rate on every
  // stem tile; what differs is the padded work (a row's tail tile) and the
  // work around each tile's reduction (zeroing, stores, the runs' loop),
  // shared by its accumulators: charged as half an accumulator's reduction
  // per tile, no 5% per vector. The 28 × 16 tile then takes rows of 112
  // whole (Zen 5 VM, AVX-512, 1 thread, 3 interleaved rounds, µs: 3×3 s2
  // 224²×3→16 16 × 16 61.3–64.0, 28 × 16 60.2–61.1). A 14 × 32 tile for 32
  // and 64 outputs won in bench_conv (3×3 s2 →32 108–113 → 100–103 µs) but
  // lost in MobileNetV2-224's first layer (0.126–0.135 → 0.137–0.144 ms),
  // so those stems keep the general rule.
  const bool rgb_stem = full_rate && p.in_c == 3 && p.out_c <= 16 && !simd::direct_pointwise(p) &&
                        p.filter_h * p.filter_w * p.in_c >= 27;
  int most = 0;
  bool stem_only = false;
  for (int i = 0; i < t.num_tiles; ++i) {
    if (t.tiles[i].full_rate_stem_only) continue;
    most = std::max(most, t.tiles[i].mr * t.tiles[i].nr);
    if (!simd::direct_pointwise(p) && t.tiles[i].stem_name != nullptr && conv2d_direct_stem_fits(p, t.tiles[i].nr))
      stem_only = true;
  }
  //
  // A pointwise layer with at most 4 outputs runs with pixels across the
  // lanes (simd/conv_pointwise_across.h) on the packing of a one-vector
  // tile, which stays the fallback for a run whose geometry is not pointwise.
  const bool across = resolve(isa) == GemmIsa::kAvx512 && across_fits(p);
  // On Zen 5 a plain tile is charged only the taps it multiplies
  // (direct_plain_tap_share): tiles of whole output rows skip the padding
  // at both ends of each row, and 7 × 48 then wins ResNet's 3×3 7²×512→512
  // layers (bench_conv, AVX-512, 1 thread, 3 interleaved rounds, min /
  // median µs: 6 × 64 844 / 849, 7 × 48 770 / 782, oneDNN 745 / 764).
  // Elsewhere the rule stays as tuned on Zen 4 (not measured there): the
  // tile loop applies it where full_rate.
  //
  // On Zen 5 a layer whose whole filter fits the registers as one panel
  // (resident_fits) keeps it there (simd/conv_resident.h). With more than
  // one panel each pixel's inputs are broadcast once per panel, and with
  // one vector a panel that is a load per FMA: 3×3 64²×2→32 (K = 18, two
  // 16-channel panels) ran 38.3 µs against 30.2 on the 12 × 32 stem tile
  // (bench_conv, AVX-512, 1 thread, medians of 3). One panel, Zen 5 VM,
  // AVX-512, 1 thread, 3 interleaved rounds, medians µs, stem tile ->
  // resident (oneDNN): 1×1 112²×8→48 7 × 48 62.8–71.2 -> 43.6–45.1
  // (50.9–58.0); 3×3 28²×1→28 16 × 16 5.48–5.74 -> 3.33–3.47 (4.56–5.01);
  // medians of 3 against every stem tile: 1×1 64²×8→16 24 × 16 7.61 ->
  // 5.74 (6.06); 3×3 28²×1→32 12 × 32 4.52 -> 2.99 (4.11).
  const bool resident = full_rate && resident_fits(p, simd::round_up(p.out_c, t.lanes));
  // On Zen 5 the few-channel layers of taps_fits run in the taps kernel
  // (simd/conv_taps.h) on the packing of a tile of its panel width.
  // bench_conv, Zen 5 VM, AVX-512, 1 thread, 3-5 interleaved rounds,
  // medians µs, stem tile -> taps (oneDNN): one or two channels: 20×8
  // 98×40×1→64 6 × 64 377-395 -> 303-324 (324-368); 3×3 64²×2→32 16 × 16
  // 24.6-26.1 -> 21.5-22.7 (23.2-27.5); 5×5 28²×1→32 8.18 -> 5.76
  // (6.83-7.42); 112²×1→64 99.5 -> 87.1 (85.5-88.7); s2 128²×2→32 28.9 ->
  // 22.9 (24.2-25.5). Eight channels to one vector: 184×320×8→16 16 × 16
  // 678 -> 643 (612-617); 56²×8→16 24 × 16 35.9 -> 34.8 (32.9-33.7);
  // 32²×8→12 13.1 -> 11.8 (11.9-12.5).
  const bool taps = full_rate && !resident && taps_fits(p);
  double best = std::numeric_limits<double>::infinity();
  for (int i = 0; i < t.num_tiles; ++i) {
    const auto& tile = t.tiles[i];
    const bool stem = tile.stem_name != nullptr && conv2d_direct_stem_fits(p, tile.nr);
    if (tile.full_rate_stem_only && (!stem || !rgb_stem)) continue;
    if (across && tile.nr != t.lanes) continue;
    if (taps && tile.nr != taps_nr(p)) continue;
    if (paired && (!stem || tile.paired_name == nullptr)) continue;
    if (resident && (tile.nr < p.out_c || !resident_fits(p, tile.nr))) continue;
    if (!stem && (stem_only || 4 * tile.mr * tile.nr < 3 * most)) continue;
    const double cols = static_cast<double>(simd::round_up(p.out_c, tile.nr));
    double rows = 1.0;
    if (pixels > 0)
      rows = static_cast<double>(!stem ? plain_rows(pixels, tile.mr)
                                 : !simd::direct_pointwise(p) ? p.batch * p.out_h * stem_row_pixels(p.out_w, tile.mr)
                                                              : simd::round_up(pixels, tile.mr));
    if (!stem && full_rate) rows *= simd::direct_plain_tap_share(p, tile.mr);
    const double nv = static_cast<double>(tile.nr / t.lanes);
    // Broadcasts per FMA in the plain mode: one per NV FMAs in a register,
    // one per FMA as a memory operand (direct_register_broadcast).
    const double shared = stem || simd::direct_register_broadcast(tile.mr, tile.nr / t.lanes, t.lanes) ? nv : 1.0;
    // The paired variant shares each pair of filter rows (two loads and a
    // permute) among the tile's MR pixels: the widest tile, 24 × 16, won
    // every measured layer (Zen 5 VM, AVX-512, 1 thread, 5 interleaved
    // rounds, medians µs, 24×16 vs 16×16: 1×1 112²×16→8 30.8 / 33.3,
    // 56²×48→8 15.3 / 16.5; 3×3 32²×8→8 9.4 / 9.6, 368×640×8→8 1821 / 1965).
    const double cost =
        paired     ? -static_cast<double>(tile.mr)
        : resident ? cols * (1.0 + 0.25 / nv)
        : stem && rgb_stem ? cols * rows * (1.0 + 0.5 / (tile.mr * nv))
               : cols * rows *
                     (stem && !broadcast_bound_stem ? 1.0 + stem_vector_charge * (nv - 1.0) : 1.0 + 0.25 / shared);
    if (cost < best) {
      best = cost;
      plan = {resolve(isa), i, tile.mr, tile.nr, stem};
    }
  }
  plan.across = across && plan.valid();
  plan.paired = paired && plan.valid();
  plan.resident = resident && plan.valid();
  plan.taps = taps && plan.valid();
  // On Zen 5 a pointwise layer's tile runs in the panel kernel where it has
  // one (conv_pointwise_panel.h; Zen 4 and Intel keep the direct modes, not
  // measured there), unless its whole filter stays in registers (resident);
  // the panel kernel's own cost then picks its tile (pick_panel_tile).
  plan.panel = plan.valid() && !plan.across && !plan.paired && !plan.resident && zmm_fma_full_rate() &&
               panel_fits(plan, p);
  if (plan.panel) pick_panel_tile(plan, p, t);
  return plan;
}

int conv2d_direct_tile_count(GemmIsa isa) {
  return conv2d_direct_isa_supported(isa) ? table_for(isa)->num_tiles : 0;
}

ConvDirectPlan conv2d_direct_tile(int tile, GemmIsa isa, bool stem) {
  if (tile < 0 || tile >= conv2d_direct_tile_count(isa)) return {};
  const auto& t = table_for(isa)->tiles[tile];
  return {resolve(isa), tile, t.mr, t.nr, stem};
}

const char* conv2d_direct_kernel_name(const ConvDirectPlan& plan) {
  const simd::DirectConvKernelTable* t = plan.valid() ? table_for(plan.isa) : nullptr;
  if (t == nullptr) return "none";
  if (plan.across) return "conv2d_pointwise_across_f32_16px_avx512";
  if (plan.resident) return "conv2d_resident_f32_avx512";
  if (plan.taps) return "conv2d_taps_f32_avx512";
  if (plan.panel && simd::conv_pointwise_panel_name(plan.panel_rows(), plan.nr) != nullptr)
    return simd::conv_pointwise_panel_name(plan.panel_rows(), plan.nr);
  const char* stem_name = t->tiles[plan.tile].stem_name;
  const char* paired_name = t->tiles[plan.tile].paired_name;
  if (plan.stem && plan.paired && paired_name != nullptr) return paired_name;
  return plan.stem && stem_name != nullptr ? stem_name : t->tiles[plan.tile].name;
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

namespace {
// The stem mode where the plan asks for it, its tile has one and the run's
// geometry fits it.
bool run_stem(const ConvDirectPlan& plan, const Conv2DParams& p) {
  return plan.stem && table_for(plan.isa)->tiles[plan.tile].stem_name != nullptr &&
         conv2d_direct_stem_fits(p, plan.nr);
}
}  // namespace

namespace {
// The filter-resident kernel where the plan asks for it and the run's
// geometry fits it.
bool run_resident(const ConvDirectPlan& plan, const Conv2DParams& p) {
  return plan.resident && plan.isa == GemmIsa::kAvx512 && resident_fits(p, plan.nr);
}

// The taps kernel where the plan asks for it and the run's geometry fits it.
bool run_taps(const ConvDirectPlan& plan, const Conv2DParams& p) {
  return plan.taps && plan.isa == GemmIsa::kAvx512 && simd::conv_taps_fits(p, plan.nr);
}
}  // namespace

size_t conv2d_direct_scratch_floats(const ConvDirectPlan& plan, const Conv2DParams& p, int threads) {
  const simd::DirectConvKernelTable* t = plan.valid() ? table_for(plan.isa) : nullptr;
  if (t == nullptr) return 0;
  threads = simd::resolve_threads(threads);
  const size_t tile = t->tiles[plan.tile].scratch_floats(p, threads, run_stem(plan, p));
  if (run_taps(plan, p)) return std::max(tile, simd::conv_taps_scratch_floats(p, threads));
  return run_resident(plan, p) ? std::max(tile, simd::conv_resident_scratch_floats(p, threads)) : tile;
}

namespace {
// Whether a transcendental activation (sigmoid, tanh, elu, swish) is applied
// after the convolution, over the whole contiguous output, instead of in the
// tiles' epilogue: with at most half a vector of output channels the
// epilogue evaluates it on one pixel's channels per vector (a 1×1 head with
// 3 sigmoid outputs on AVX-512 computes 16 lanes for 3), the pass after it
// on full vectors. Only where the activation is the epilogue's last step.
// unet_small's 1×1 32²×8→3 sigmoid head (AVX-512, 1 thread): 8 µs fused, 6 so.
bool activation_after(const Conv2DParams& p, const GemmEpilogue& ep, int lanes) {
  return is_transcendental(ep.activation) && 2 * p.out_c <= lanes && ep.post_scale == nullptr &&
         ep.post_shift == nullptr && !(ep.residual != nullptr && ep.residual_after_activation);
}
}  // namespace

void conv2d_direct_f32(const ConvDirectPlan& plan, const Conv2DParams& p, const float* input,
                       const float* packed_filter, float* output, const GemmEpilogue& ep, const GemmRun& run) {
  const simd::DirectConvKernelTable* t = plan.valid() ? table_for(plan.isa) : nullptr;
  if (t == nullptr || p.batch * p.out_h * p.out_w <= 0 || p.out_c <= 0) return;
  const double flops = 2.0 * static_cast<double>(p.batch * p.out_h * p.out_w * p.out_c) *
                       static_cast<double>(p.filter_h * p.filter_w * p.in_c);
  auto threads_at = [&](const simd::WorkRate& rate) {
    return simd::conv_layer_threads(p, flops, ep.activation, run.threads, run.force_threads, rate);
  };
  if (plan.across && plan.isa == GemmIsa::kAvx512 && across_fits(p)) {
    const int threads = threads_at(simd::kFlops);
    simd::conv_pointwise_across_f32_avx512(p.batch * p.out_h * p.out_w, p.in_c, p.out_c, input, packed_filter,
                                           plan.nr, output, ep, threads);
    return;
  }
  if (run_resident(plan, p)) {
    const int threads = threads_at(simd::kFlops);
    float* scratch = run.scratch != nullptr ? run.scratch
                                            : simd::own_scratch(simd::conv_resident_scratch_floats(p, threads));
    simd::conv_resident_f32_avx512(p, simd::direct_pointwise(p), input, packed_filter, plan.nr, output, ep, threads,
                                   scratch);
    return;
  }
  if (run_taps(plan, p)) {
    const int threads = threads_at(simd::kFlops);
    float* scratch =
        run.scratch != nullptr ? run.scratch : simd::own_scratch(simd::conv_taps_scratch_floats(p, threads));
    simd::conv_taps_f32_avx512(p, input, packed_filter, plan.nr, output, ep, threads, scratch);
    return;
  }
  // Small 1×1 layers split where they can by pixels (direct_conv_rate.h).
  const simd::WorkRate rate = simd::direct_conv_rate(simd::direct_pointwise(p), p.batch * p.out_h * p.out_w, plan.mr,
                                                     simd::resolve_threads(run.threads), t->lanes);
  const int threads = threads_at(rate);
  if (plan.panel && panel_fits(plan, p) && simd::conv_pointwise_panel_takes(ep)) {
    simd::conv_pointwise_panel_f32_avx512(plan.panel_rows(), plan.nr, p.batch * p.out_h * p.out_w, p.in_c, p.out_c, input,
                                          packed_filter, output, ep, threads);
    return;
  }
  const bool stem = run_stem(plan, p);
  float* scratch = run.scratch != nullptr ? run.scratch
                                          : simd::own_scratch(t->tiles[plan.tile].scratch_floats(p, threads, stem));
  if (activation_after(p, ep, t->lanes)) {
    GemmEpilogue before = ep;
    before.activation = Activation::kNone;
    t->tiles[plan.tile].run(p, input, packed_filter, output, before,
                            simd::DirectConvRun{threads, scratch, stem, plan.paired});
    GemmRun act_run = run;
    act_run.scratch = nullptr;
    activation_elementwise_f32(ep.activation, ep.alpha, output, output, p.batch * p.out_h * p.out_w * p.out_c,
                               act_run);
    return;
  }
  t->tiles[plan.tile].run(p, input, packed_filter, output, ep, simd::DirectConvRun{threads, scratch, stem, plan.paired});
}

}  // namespace frost::kernels
