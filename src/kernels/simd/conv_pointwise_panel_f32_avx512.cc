// conv_pointwise_panel_f32_avx512 (conv_pointwise_panel.h). Loop nest of
// one thread's share (pixel tiles [t0, t1) × filter panels [q0, q1)):
//
//   for a block of the reduction (kc rows of a panel: kPanelBlockBytes)
//     for a run of pixel tiles (their input block: kRunBlockBytes, in L2)
//       for each panel q
//         panel_tiles: for each tile of the run (row stride in a register)
//           MR × NV accumulators = first block ? bias : the partial sums
//           += Σ over the block: broadcast(input) · panel row (the panel
//              block is reused by every tile of the run: in L1 where it fits)
//           last block: residual, clamp; store (masked past out_c)
//
// The last tile of a layer whose pixels are not whole tiles has its own
// instantiation per pixel count: it reads, multiplies and stores only its
// pixels (as MR it spent up to 11/12 of its FMAs on nothing: a 12-pixel
// tile on 7² pixels computes 60 rows for 49).
// Built with -mavx512f; called only after a CPU + OS check.
#include <immintrin.h>

#include <array>
#include <cstdint>
#include <limits>
#include <utility>

#include "kernels/simd/conv_pointwise_panel.h"
#include "kernels/simd/grid_split.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {
namespace {

constexpr int kLanes = 16;
// A panel's block of the reduction, kc × NR floats: within half of L2, as
// the direct kernel's (kChunkFloats). Blocks that fit L1 (16–64 KiB) ran
// no faster: the extra passes of the partial sums through the output cost
// more than the panel's reads from L2 (bench_conv, Zen 5 VM, AVX-512, 1
// thread, 3 interleaved rounds, min µs, 16 / 32 / 64 KiB / unblocked:
// 1×1 7²×960→160 66.7 / 67.2 / 64.5 / 63.2; 7²×320→1280 178 / 176 / 172 /
// 167; 14²×336→56 36.0 / 34.8 / 35.9 / 33.7).
constexpr int64_t kPanelBlockBytes = 256 * 1024;
// A run's input block (its pixels × kc floats), read once per panel from
// L2 while the panel stays in L1 (same bench, min µs, 24 KiB / 96 KiB /
// 256 KiB runs: 1×1 56²×64→256 465 / 441 / 441; 56²×24→144 103 / 100 /
// 99; 112²×16→96 188 / 187 / 184; 7²×2048→512 461 / 452 / 466; one tile
// per run, panels inner as in the direct kernel: 112²×16→96 194).
constexpr int64_t kRunBlockBytes = 96 * 1024;

// Zeros for the accumulators' first value where the layer has no bias.
alignas(64) constexpr float kZeros[64] = {};

// What the store of a run's last block does.
enum class PanelEpilogue { kPartial, kClamp, kNone, kResidualClamp, kResidual };

// The pointers and constants a run's panel_tiles call shares.
struct PanelCall {
  const float* a;     // the first tile's first pixel, at the block's first input channel
  int64_t lda;        // floats between pixels' inputs
  const float* b;     // the panel's block: kc rows of NR floats
  int64_t kc;
  const float* bias;  // the accumulators' first value in the first block (bias or zeros), every pixel
  float* c;           // the first tile's output
  int64_t ldc;
  const float* res;  // residual at the first tile's pixel and panel's channel, or null
  int64_t ldr;
};

// `tiles` consecutive tiles of MR pixels × one panel; kFirst: the
// reduction's first block (the sums start at the bias), else they start
// at the partial sums stored in the output. kRows < MR: one tile of kRows
// pixels (the others are neither read from the output or res nor stored).
// Out of line: inlined into panel_share's loops (five epilogues), GCC kept
// a filter vector and the row offsets on the stack in the FMA loop (the
// clamped 7 × 48 ran at 60% of the speed of the unclamped one).
template <int MR, int NV, PanelEpilogue kEp, bool kFirst, int kRows = MR>
__attribute__((noinline)) void panel_tiles(PanelCall call, int64_t tiles, const __mmask16 (&masks)[NV],
                                           const float* bounds) {
  constexpr int NR = NV * kLanes;
  __mmask16 mask[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) mask[v] = masks[v];
  const int64_t lda = call.lda;
  for (int64_t t = 0; t < tiles; ++t) {
    // Opaque, so that the bias and the clamp's bounds are loaded per tile
    // (from L1) rather than held in NV + 2 registers across the tiles,
    // which left too few for the FMA loop (GCC then kept a filter vector on
    // the stack: the clamped 7 × 48 ran 25% slower than the unclamped one).
    const float* bias = call.bias;
    const float* bound = bounds;
    asm("" : "+r"(bias), "+r"(bound));
    __m512 acc[MR][NV];
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v)
        acc[r][v] = r >= kRows ? _mm512_setzero_ps()
                    : kFirst   ? _mm512_maskz_loadu_ps(mask[v], bias + v * kLanes)
                               : _mm512_maskz_loadu_ps(mask[v], call.c + r * call.ldc + v * kLanes);
    }
    const float* a = call.a;
    const float* b = call.b;
    // Unrolled by 4: 1–4% faster on the short reductions (16–64), where
    // the loop's own instructions and exit count most (bench_conv, Zen 5
    // VM, AVX-512, 1 thread, two runs of 4 interleaved rounds, min µs, off /
    // on: 1×1 56²×24→144 98.9 / 94.7 and 95.1 / 94.0; 14²×64→384 40.3 /
    // 39.8 and 39.6 / 38.7; deep layers equal).
#pragma GCC unroll 4
    for (int64_t k = 0; k < call.kc; ++k) {
      __m512 bv[NV];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) bv[v] = _mm512_loadu_ps(b + v * kLanes);
#pragma GCC unroll 16
      for (int r = 0; r < kRows; ++r) {
        const __m512 av = _mm512_set1_ps(a[r * lda]);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
      }
      ++a;
      b += NR;
    }
    const __m512 lo = _mm512_set1_ps(bound[0]), hi = _mm512_set1_ps(bound[1]);
#pragma GCC unroll 16
    for (int r = 0; r < kRows; ++r) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        __m512 x = acc[r][v];
        if constexpr (kEp == PanelEpilogue::kResidual || kEp == PanelEpilogue::kResidualClamp)
          x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(mask[v], call.res + r * call.ldr + v * kLanes));
        if constexpr (kEp == PanelEpilogue::kClamp || kEp == PanelEpilogue::kResidualClamp)
          x = _mm512_min_ps(hi, _mm512_max_ps(lo, x));
        _mm512_mask_storeu_ps(call.c + r * call.ldc + v * kLanes, mask[v], x);
      }
    }
    call.a += MR * lda;
    call.c += MR * call.ldc;
    if constexpr (kEp == PanelEpilogue::kResidual || kEp == PanelEpilogue::kResidualClamp) call.res += MR * call.ldr;
  }
}

template <int MR, int NV, PanelEpilogue kEp, bool kFirst>
using PanelTail = void (*)(PanelCall, int64_t, const __mmask16 (&)[NV], const float*);

// panel_tiles for one tile of `rows` pixels, 1 ≤ rows < MR.
template <int MR, int NV, PanelEpilogue kEp, bool kFirst>
PanelTail<MR, NV, kEp, kFirst> panel_tail_for(int64_t rows) {
  static constexpr auto table = []<size_t... I>(std::index_sequence<I...>) {
    return std::array<PanelTail<MR, NV, kEp, kFirst>, sizeof...(I)>{
        &panel_tiles<MR, NV, kEp, kFirst, static_cast<int>(I) + 1>...};
  }(std::make_index_sequence<MR - 1>{});
  return table[static_cast<size_t>(rows - 1)];
}

constexpr int64_t pw_div_up(int64_t a, int64_t b) { return (a + b - 1) / b; }
constexpr int64_t pw_min(int64_t a, int64_t b) { return a < b ? a : b; }

// The reduction in blocks of at most kPanelBlockBytes of a panel, of equal
// size.
inline int64_t panel_k_block(int64_t k, int nr) {
  const int64_t most = kPanelBlockBytes / (nr * static_cast<int64_t>(sizeof(float)));
  if (k <= most) return k;
  return pw_div_up(k, pw_div_up(k, most));
}

struct Share {
  int64_t t0, t1, q0, q1;
};

template <int MR, int NV>
void panel_share(int64_t pixels, int64_t in_c, int64_t out_c, const float* input, const float* packed,
                 float* output, const GemmEpilogue& ep, const Share& s) {
  constexpr int NR = NV * kLanes;
  const int64_t k = in_c;
  const int64_t kc = panel_k_block(k, NR);
  const int64_t run_tiles = pw_div_up(kRunBlockBytes, MR * kc * static_cast<int64_t>(sizeof(float)));
  const int64_t whole_tiles = pixels / MR, tail_rows = pixels - whole_tiles * MR;
  const bool clamp = ep.activation != Activation::kNone;
  const float inf = std::numeric_limits<float>::infinity();
  // The clamp's bounds (lo, hi), read per tile (see panel_tiles).
  const float bounds[2] = {clamp ? 0.0f : -inf, ep.activation == Activation::kRelu6 ? 6.0f : inf};
  const bool residual = ep.residual != nullptr;
  for (int64_t k0 = 0; k0 < k; k0 += kc) {
    const int64_t k1 = pw_min(k, k0 + kc), kb = k1 - k0;
    const bool first = k0 == 0, last = k1 == k;
    for (int64_t ta = s.t0; ta < s.t1; ta += run_tiles) {
      const int64_t tb = pw_min(s.t1, ta + run_tiles);
      const int64_t whole_end = pw_min(tb, whole_tiles);
      const bool tail = tb > whole_tiles && tail_rows > 0;
      for (int64_t q = s.q0; q < s.q1; ++q) {
        const int64_t j0 = q * NR, cols = pw_min(NR, out_c - j0);
        __mmask16 mask[NV];
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) {
          const int64_t n = cols - v * kLanes;
          mask[v] = n >= kLanes ? static_cast<__mmask16>(0xFFFF)
                                : static_cast<__mmask16>(n > 0 ? (1u << n) - 1u : 0u);
        }
        PanelCall call;
        call.a = input + ta * MR * in_c + k0;
        call.lda = in_c;
        call.b = packed + q * k * NR + k0 * NR;
        call.kc = kb;
        call.c = output + ta * MR * out_c + j0;
        call.ldc = out_c;
        call.bias = ep.bias != nullptr ? ep.bias + j0 : kZeros;
        call.res = residual ? ep.residual + ta * MR * ep.ldr + j0 : nullptr;
        call.ldr = ep.ldr;
        const int64_t n = whole_end - ta;
        PanelCall tail_call = call;
        tail_call.a = input + whole_tiles * MR * in_c + k0;
        tail_call.c = output + whole_tiles * MR * out_c + j0;
        if (residual) tail_call.res = ep.residual + whole_tiles * MR * ep.ldr + j0;
        auto run = [&](auto ep_tag) {
          constexpr PanelEpilogue kEp = decltype(ep_tag)::value;
          auto blocks = [&](auto first_tag) {
            constexpr bool kFirst = decltype(first_tag)::value;
            if (n > 0) panel_tiles<MR, NV, kEp, kFirst>(call, n, mask, bounds);
            if (tail) panel_tail_for<MR, NV, kEp, kFirst>(tail_rows)(tail_call, 1, mask, bounds);
          };
          first ? blocks(std::true_type{}) : blocks(std::false_type{});
        };
        using E = PanelEpilogue;
        if (!last)
          run(std::integral_constant<E, E::kPartial>{});
        else if (residual)
          clamp ? run(std::integral_constant<E, E::kResidualClamp>{}) : run(std::integral_constant<E, E::kResidual>{});
        else
          clamp ? run(std::integral_constant<E, E::kClamp>{}) : run(std::integral_constant<E, E::kNone>{});
      }
    }
  }
}

template <int MR, int NV>
void panel_run(int64_t pixels, int64_t in_c, int64_t out_c, const float* input, const float* packed, float* output,
               const GemmEpilogue& ep, int threads) {
  constexpr int NR = NV * kLanes;
  const int64_t tiles = pw_div_up(pixels, MR), panels = pw_div_up(out_c, NR);
  const double input_bytes = sizeof(float) * static_cast<double>(pixels * in_c);
  const double filter_bytes = sizeof(float) * static_cast<double>(in_c * panels * NR);
  const GridChunks grid = traffic_grid_chunks(tiles, panels, input_bytes, filter_bytes, threads);
  parallel_for(threads, grid.row_chunks * grid.col_chunks, [&](int64_t c, int) {
    const ChunkRange rows = chunk_range(tiles, grid.row_chunks, c / grid.col_chunks);
    const ChunkRange cols = chunk_range(panels, grid.col_chunks, c % grid.col_chunks);
    panel_share<MR, NV>(pixels, in_c, out_c, input, packed, output, ep,
                        Share{rows.begin, rows.end, cols.begin, cols.end});
  });
}

}  // namespace

void conv_pointwise_panel_f32_avx512(int mr, int nr, int64_t pixels, int64_t in_c, int64_t out_c, const float* input,
                                     const float* packed, float* output, const GemmEpilogue& ep, int threads) {
  if (pixels <= 0 || out_c <= 0 || in_c <= 0) return;
  if (mr == 12 && nr == 32) return panel_run<12, 2>(pixels, in_c, out_c, input, packed, output, ep, threads);
  if (mr == 7 && nr == 48) return panel_run<7, 3>(pixels, in_c, out_c, input, packed, output, ep, threads);
  if (mr == 6 && nr == 64) return panel_run<6, 4>(pixels, in_c, out_c, input, packed, output, ep, threads);
}

}  // namespace frost::kernels::simd
