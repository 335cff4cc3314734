// The optimised single-precision GEMM as templates over the xsimd architecture
// and the register tile. Included only by the per-ISA translation units
// gemm_f32_<MR>x<NR>_<isa>.cc, each compiled with its own -m flags; everything
// here has internal linkage so that code compiled for a wider ISA is never
// merged with (and called from) code that runs on a CPU without it.
//
// The algorithm is the classic one of Goto & van de Geijn ("Anatomy of
// high-performance matrix multiplication", ACM TOMS 2008) as used by BLIS:
//
//   for jc in N step NC            B block (KC×NC) lives in L3
//     for pc in K step KC          pack B block into NR-wide panels (unless prepacked)
//       for ic in M step MC        pack A block into MR-high panels (lives in L2)
//         for jr in NC step NR     one B panel (KC×NR) lives in L1
//           for ir in MC step MR   micro-kernel: MR×NR accumulators in registers
//
// Layouts (all row-major, strides in elements):
//  - packed A panel: kc groups of MR floats, A[i0+r, p] at [p·MR + r], rows past m are 0;
//  - packed B panel: kc rows of NR floats, op(B)[p, j0+c] at [p·NR + c], columns past n are 0.
//    A prepacked B (gemm_pack_b) is all panels of the full K one after another:
//    panel q starts at q·K·NR, so any KC block of it is a pointer offset.
#pragma once

#include <omp.h>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "kernels/gemm.h"
#include "kernels/simd/epilogue_impl.h"
#include "kernels/simd/gemm_kernel_table.h"

#define FROST_GEMM_INLINE inline __attribute__((always_inline))

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose, see the file comment

constexpr int64_t div_up(int64_t a, int64_t b) { return (a + b - 1) / b; }
constexpr int64_t round_up(int64_t a, int64_t b) { return div_up(a, b) * b; }
constexpr int64_t min_i64(int64_t a, int64_t b) { return a < b ? a : b; }
constexpr int64_t max_i64(int64_t a, int64_t b) { return a > b ? a : b; }

// Scratch pieces start on a cache line.
constexpr int64_t kAlignFloats = 16;
inline float* align_up(float* p) {
  const auto v = reinterpret_cast<uintptr_t>(p);
  return reinterpret_cast<float*>((v + 63) & ~uintptr_t{63});
}

// Tile and cache-block sizes of one micro-kernel. MC and NC are rounded down
// to whole tiles. KC·NR·4 bytes (one B panel) should sit in L1 next to an A
// micro-panel; MC·KC·4 bytes (the packed A block) in L2.
template <class ArchT, int kMR, int kNV, int kKC, int kMC, int kNC>
struct GemmTraits {
  using Arch = ArchT;
  using V = xsimd::batch<float, Arch>;
  static constexpr int W = static_cast<int>(V::size);
  static constexpr int MR = kMR;
  static constexpr int NV = kNV;  // vectors per row of the tile
  static constexpr int NR = kNV * W;
  static constexpr int64_t KC = kKC;
  static constexpr int64_t MC = (kMC / kMR) * kMR;
  static constexpr int64_t NC = (kNC / NR) * NR;
  // Independent accumulator chains the small-M kernel keeps in flight to hide
  // the FMA latency (latency × FMA ports, rounded up).
  static constexpr int kChains = 8;
};

// ---------------------------------------------------------------------------
// Operand views

// A as the micro-kernels read it: element (i, p) of op(A) at a[i·rs + p·ks].
struct AView {
  const float* a;
  int64_t rs, ks;
};

inline AView a_view(const GemmShape& s, const float* a) {
  return s.trans_a ? AView{a, 1, s.lda} : AView{a, s.lda, 1};
}

// ---------------------------------------------------------------------------
// Micro-kernel: C[0:MR, 0:NR] (row stride ldc) = (accumulate ? C : 0) + A·B
// over kc steps. B is one packed panel. A is either a packed panel
// (kPackedA) or read in place through row pointers `ar` (rows past the
// valid ones point at a valid row; their results are discarded by the caller).

// kRows ≤ MR rows are computed (the M tail uses fewer); a packed A panel
// keeps its MR stride.
template <class T, bool kPackedA, int kRows = T::MR>
FROST_GEMM_INLINE void micro_kernel(int64_t kc, const float* a, const float* const* ar, int64_t a_ks,
                                    const float* b, float* c, int64_t ldc, bool accumulate) {
  using V = typename T::V;
  constexpr int MR = kRows, NV = T::NV, W = T::W, NR = T::NR, kPanelStride = T::MR;
  // Accumulators start at zero and the old C is added after the k loop, so a
  // cache miss on C never delays the FMA chains; the prefetch hides it.
  V acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[r][v] = V(0.0f);
#pragma GCC unroll 8
    for (int l = 0; l < NR; l += 16) __builtin_prefetch(c + r * ldc + l, 1);
  }
  if constexpr (kPackedA) {
    for (int64_t p = 0; p < kc; ++p) {
      V bv[NV];
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) bv[v] = V::load_unaligned(b + v * W);
#pragma GCC unroll 16
      for (int r = 0; r < MR; ++r) {
        const V av(a[r]);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(av, bv[v], acc[r][v]);
      }
      a += kPanelStride;
      b += NR;
    }
  } else {
    const float* rows[MR];
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) rows[r] = ar[r];
    int64_t off = 0;
    for (int64_t p = 0; p < kc; ++p, off += a_ks) {
      V bv[NV];
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) bv[v] = V::load_unaligned(b + v * W);
#pragma GCC unroll 16
      for (int r = 0; r < MR; ++r) {
        const V av(rows[r][off]);
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(av, bv[v], acc[r][v]);
      }
      b += NR;
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      float* cp = c + r * ldc + v * W;
      if (accumulate) acc[r][v] += V::load_unaligned(cp);
      acc[r][v].store_unaligned(cp);
    }
  }
}

template <class T, bool kPackedA, int kRows>
void micro_kernel_fn(int64_t kc, const float* a, const float* const* ar, int64_t a_ks, const float* b, float* c,
                     int64_t ldc, bool accumulate) {
  micro_kernel<T, kPackedA, kRows>(kc, a, ar, a_ks, b, c, ldc, accumulate);
}

// ---------------------------------------------------------------------------
// Packing

// rows×kc block of op(A) starting at `a` → ceil(rows/MR) panels of kc·MR floats.
template <class T>
void pack_a_block(AView av, int64_t rows, int64_t kc, float* dst) {
  constexpr int MR = T::MR;
  for (int64_t i = 0; i < rows; i += MR) {
    const int64_t h = min_i64(MR, rows - i);
    const float* src = av.a + i * av.rs;
    if (h == MR && av.rs == 1) {
      // op(A) rows are contiguous per k (A stored transposed): copy MR at a time.
      for (int64_t p = 0; p < kc; ++p) {
#pragma GCC unroll 16
        for (int r = 0; r < MR; ++r) dst[p * MR + r] = src[p * av.ks + r];
      }
    } else if (h == MR) {
      for (int r = 0; r < MR; ++r) {
        const float* row = src + r * av.rs;
        for (int64_t p = 0; p < kc; ++p) dst[p * MR + r] = row[p * av.ks];
      }
    } else {
      for (int64_t p = 0; p < kc; ++p) {
        for (int r = 0; r < MR; ++r) dst[p * MR + r] = r < h ? src[r * av.rs + p * av.ks] : 0.0f;
      }
    }
    dst += kc * MR;
  }
}

// One panel: kc rows × `cols` (≤ NR) columns of op(B), where op(B)[p, c] is
// b[p·ks + c·cs], into kc rows of NR floats (zero padded).
template <class T>
void pack_b_panel(const float* b, int64_t ks, int64_t cs, int64_t cols, int64_t kc, float* dst) {
  constexpr int NR = T::NR;
  if (cols == NR && cs == 1) {
    for (int64_t p = 0; p < kc; ++p) {
#pragma GCC unroll 8
      for (int v = 0; v < T::NV; ++v) {
        T::V::load_unaligned(b + p * ks + v * T::W).store_unaligned(dst + p * NR + v * T::W);
      }
    }
    return;
  }
  // Stored B rows are op(B) columns when transposed: read each sequentially.
  for (int64_t c = 0; c < NR; ++c) {
    if (c < cols) {
      const float* col = b + c * cs;
      for (int64_t p = 0; p < kc; ++p) dst[p * NR + c] = col[p * ks];
    } else {
      for (int64_t p = 0; p < kc; ++p) dst[p * NR + c] = 0.0f;
    }
  }
}

struct BView {
  const float* b;
  int64_t ks, cs;  // op(B)[p, j] at b[p·ks + j·cs]
};

inline BView b_view(const GemmShape& s, const float* b) {
  return s.trans_b ? BView{b, 1, s.ldb} : BView{b, s.ldb, 1};
}

template <class T>
size_t packed_b_floats(int64_t n, int64_t k) {
  if (n <= 0 || k <= 0) return 0;
  return static_cast<size_t>(div_up(n, T::NR) * k * T::NR);
}

template <class T>
void pack_b(const GemmShape& s, const float* b, float* packed) {
  if (s.n <= 0 || s.k <= 0) return;
  const BView bv = b_view(s, b);
  const int64_t panels = div_up(s.n, T::NR);
  for (int64_t q = 0; q < panels; ++q) {
    const int64_t j = q * T::NR;
    pack_b_panel<T>(bv.b + j * bv.cs, bv.ks, bv.cs, min_i64(T::NR, s.n - j), s.k, packed + q * s.k * T::NR);
  }
}

// ---------------------------------------------------------------------------
// Small M (m < MR): batch-1/few-row fully-connected layers. Bandwidth-bound:
// B is streamed once, A rows are read in place, nothing is packed unless B is
// stored transposed or the last panel is partial. Independent accumulators
// along k (U chains) hide the FMA latency when there are few rows.

// P adjacent panels (panel q's row p at b + q·b_ps + p·b_ks) into C columns
// [0, P·NR). Several panels stream at once and U chains split k, so that
// MS·NV·P·U accumulators are in flight (T::kChains at least).
template <class T, int MS>
constexpr int small_m_panels_at_once() {
  return static_cast<int>(max_i64(1, min_i64(4, T::kChains / (MS * T::NV))));
}

template <class T, int MS, int P>
FROST_GEMM_INLINE void small_m_panels(int64_t k, const float* const* ar, int64_t a_ks, const float* b,
                                      int64_t b_ks, int64_t b_ps, float* c, int64_t ldc, bool accumulate) {
  using V = typename T::V;
  constexpr int NV = T::NV, W = T::W, NR = T::NR;
  constexpr int U = static_cast<int>(max_i64(1, div_up(T::kChains, MS * NV * P)));
  V acc[U][MS][P][NV];
#pragma GCC unroll 16
  for (int u = 0; u < U; ++u)
#pragma GCC unroll 16
    for (int r = 0; r < MS; ++r)
#pragma GCC unroll 8
      for (int q = 0; q < P; ++q)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[u][r][q][v] = V(0.0f);
  int64_t p = 0, off = 0;
  for (; p + U <= k; p += U) {
#pragma GCC unroll 16
    for (int u = 0; u < U; ++u, off += a_ks, b += b_ks) {
      V a_r[MS];
#pragma GCC unroll 16
      for (int r = 0; r < MS; ++r) a_r[r] = V(ar[r][off]);
#pragma GCC unroll 8
      for (int q = 0; q < P; ++q)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) {
          const V bv = V::load_unaligned(b + q * b_ps + v * W);
#pragma GCC unroll 16
          for (int r = 0; r < MS; ++r) acc[u][r][q][v] = xsimd::fma(a_r[r], bv, acc[u][r][q][v]);
        }
    }
  }
  for (; p < k; ++p, off += a_ks, b += b_ks) {
#pragma GCC unroll 8
    for (int q = 0; q < P; ++q)
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) {
        const V bv = V::load_unaligned(b + q * b_ps + v * W);
#pragma GCC unroll 16
        for (int r = 0; r < MS; ++r) acc[0][r][q][v] = xsimd::fma(V(ar[r][off]), bv, acc[0][r][q][v]);
      }
  }
#pragma GCC unroll 16
  for (int r = 0; r < MS; ++r)
#pragma GCC unroll 8
    for (int q = 0; q < P; ++q)
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) {
        float* cp = c + r * ldc + q * NR + v * W;
        V x = accumulate ? V::load_unaligned(cp) : V(0.0f);
#pragma GCC unroll 16
        for (int u = 0; u < U; ++u) x += acc[u][r][q][v];
        x.store_unaligned(cp);
      }
}

// Scratch of the small-M path: one packed panel of the full K per thread.
template <class T>
int64_t small_m_scratch_floats(const GemmShape& s, int threads) {
  return threads * (s.k * T::NR * 4 + kAlignFloats);  // up to 4 panels at once
}

// Small M with B as stored, not transposed: walking B by columns would touch
// a new page every k, so instead stream whole rows of B, KU at a time, and
// accumulate into C itself (MS rows of C stay in L1/L2 across a k step).
// One k step over the columns [j, j + NBV·W) of this thread.
template <class T, int MS, int KU, int NBV>
FROST_GEMM_INLINE void rows_step(const float (&av)[MS][KU], const float* b, int64_t ldb, float* c, int64_t ldc,
                                 bool first) {
  using V = typename T::V;
  constexpr int W = T::W;
  V acc[MS][NBV];
#pragma GCC unroll 16
  for (int r = 0; r < MS; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < NBV; ++v) acc[r][v] = first ? V(0.0f) : V::load_unaligned(c + r * ldc + v * W);
  }
#pragma GCC unroll 8
  for (int u = 0; u < KU; ++u) {
#pragma GCC unroll 8
    for (int v = 0; v < NBV; ++v) {
      const V bv = V::load_unaligned(b + u * ldb + v * W);
#pragma GCC unroll 16
      for (int r = 0; r < MS; ++r) acc[r][v] = xsimd::fma(V(av[r][u]), bv, acc[r][v]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < MS; ++r) {
#pragma GCC unroll 8
    for (int v = 0; v < NBV; ++v) acc[r][v].store_unaligned(c + r * ldc + v * W);
  }
}

// k rows [kb, kb + KU) of B into C columns [j0, j1); j1 − j0 is a multiple of
// W except for the thread that owns the last columns (scalar tail).
template <class T, int MS, int KU>
void rows_chunk(AView av, int64_t kb, const float* b, int64_t ldb, float* c, int64_t ldc, int64_t j0, int64_t j1,
                bool first) {
  constexpr int W = T::W;
  constexpr int NBV = MS == 1 ? 4 : MS <= 4 ? 2 : 1;
  float a_vals[MS][KU];
  for (int r = 0; r < MS; ++r)
    for (int u = 0; u < KU; ++u) a_vals[r][u] = av.a[r * av.rs + (kb + u) * av.ks];
  const float* bk = b + kb * ldb;
  int64_t j = j0;
  for (; j + NBV * W <= j1; j += NBV * W) rows_step<T, MS, KU, NBV>(a_vals, bk + j, ldb, c + j, ldc, first);
  for (; j + W <= j1; j += W) rows_step<T, MS, KU, 1>(a_vals, bk + j, ldb, c + j, ldc, first);
  for (; j < j1; ++j) {
    for (int r = 0; r < MS; ++r) {
      float x = first ? 0.0f : c[r * ldc + j];
      for (int u = 0; u < KU; ++u) x += a_vals[r][u] * bk[u * ldb + j];
      c[r * ldc + j] = x;
    }
  }
}

template <class T, int MS>
void small_m_rows(const GemmShape& s, const float* a, const float* b, float* c, const GemmEpilogue& ep, int tid,
                  int nth) {
  constexpr int W = T::W, KU = 4;
  const AView av = a_view(s, a);
  const int64_t vecs = s.n / W;
  const int64_t j0 = vecs * tid / nth * W;
  const int64_t j1 = tid == nth - 1 ? s.n : vecs * (tid + 1) / nth * W;
  if (j0 >= j1) return;
  int64_t kb = 0;
  for (; kb + KU <= s.k; kb += KU) {
    rows_chunk<T, MS, KU>(av, kb, b, s.ldb, c, s.ldc, j0, j1, kb == 0 && !ep.accumulate);
  }
  for (; kb < s.k; ++kb) rows_chunk<T, MS, 1>(av, kb, b, s.ldb, c, s.ldc, j0, j1, kb == 0 && !ep.accumulate);
  apply_epilogue<T>(c, s.ldc, 0, j0, MS, j1 - j0, ep);
}

template <class T, int MS>
void small_m(const GemmShape& s, const float* a, const float* b, bool b_packed, float* c,
             const GemmEpilogue& ep, int tid, int nth, float* scratch) {
  constexpr int NR = T::NR, P = small_m_panels_at_once<T, MS>();
  if (!b_packed && !s.trans_b) return small_m_rows<T, MS>(s, a, b, c, ep, tid, nth);
  const int64_t n = s.n, k = s.k;
  const AView av = a_view(s, a);
  const float* ar[MS];
  for (int r = 0; r < MS; ++r) ar[r] = av.a + r * av.rs;
  const BView bv = b_view(s, b);
  float* panel_buf = align_up(scratch + tid * (k * NR * 4 + kAlignFloats));

  // Panels [q0, q1) of this thread; the last panel of C may be partial.
  const int64_t panels = div_up(n, NR);
  const int64_t q0 = panels * tid / nth, q1 = panels * (tid + 1) / nth;
  const int64_t full_end = min_i64(q1, n / NR);
  // Where panels [q, q + count) are in panel layout (prepacked, or packed now).
  auto panels_at = [&](int64_t q, int64_t count) -> const float* {
    if (b_packed) return b + q * k * NR;
    for (int64_t t = 0; t < count; ++t) {
      const int64_t j = (q + t) * NR;
      pack_b_panel<T>(bv.b + j * bv.cs, bv.ks, bv.cs, min_i64(NR, n - j), k, panel_buf + t * k * NR);
    }
    return panel_buf;
  };
  int64_t q = q0;
  for (; q + P <= full_end; q += P) {
    small_m_panels<T, MS, P>(k, ar, av.ks, panels_at(q, P), NR, k * NR, c + q * NR, s.ldc, ep.accumulate);
    apply_epilogue<T>(c, s.ldc, 0, q * NR, MS, P * NR, ep);
  }
  for (; q < q1; ++q) {
    const int64_t j = q * NR, cols = min_i64(NR, n - j);
    const float* bp = panels_at(q, 1);
    if (cols == NR) {
      small_m_panels<T, MS, 1>(k, ar, av.ks, bp, NR, 0, c + j, s.ldc, ep.accumulate);
    } else {
      alignas(64) float tmp[MS * NR] = {};
      if (ep.accumulate) {
        for (int r = 0; r < MS; ++r)
          for (int64_t t = 0; t < cols; ++t) tmp[r * NR + t] = c[r * s.ldc + j + t];
      }
      small_m_panels<T, MS, 1>(k, ar, av.ks, bp, NR, 0, tmp, NR, ep.accumulate);
      for (int r = 0; r < MS; ++r)
        for (int64_t t = 0; t < cols; ++t) c[r * s.ldc + j + t] = tmp[r * NR + t];
    }
    apply_epilogue<T>(c, s.ldc, 0, j, MS, cols, ep);
  }
}

template <class T, std::size_t... I>
void small_m_dispatch(int64_t m, const GemmShape& s, const float* a, const float* b, bool b_packed, float* c,
                      const GemmEpilogue& ep, int tid, int nth, float* scratch, std::index_sequence<I...>) {
  using Fn = void (*)(const GemmShape&, const float*, const float*, bool, float*, const GemmEpilogue&, int,
                      int, float*);
  static constexpr Fn table[] = {&small_m<T, static_cast<int>(I) + 1>...};
  table[m - 1](s, a, b, b_packed, c, ep, tid, nth, scratch);
}

// ---------------------------------------------------------------------------
// General path

// How the threads share C: a tm × tn grid of rectangles, each thread owning
// whole MR×NR tiles. Chosen to balance tile counts; rows first on ties
// because then B is shared and each thread packs only its own A.
struct ThreadGrid {
  int tm = 1, tn = 1;
};

inline ThreadGrid choose_grid(int64_t mtiles, int64_t ntiles, int nth) {
  ThreadGrid best;
  double best_eff = -1.0;
  for (int tm = nth; tm >= 1; --tm) {
    if (nth % tm != 0) continue;
    const int tn = nth / tm;
    const double em = static_cast<double>(mtiles) / static_cast<double>(tm * div_up(mtiles, tm));
    const double en = static_cast<double>(ntiles) / static_cast<double>(tn * div_up(ntiles, tn));
    const double eff = em * en;
    if (eff > best_eff + 1e-9) {
      best_eff = eff;
      best = {tm, tn};
    }
  }
  return best;
}

// A is packed when a packed block is reused by enough B panels to pay for the
// copy; otherwise the micro-kernel reads A in place through row pointers
// (measured on the im2col shapes: N = 64 and 128 are faster unpacked).
constexpr int64_t kPackAMinPanels = 16;

// K blocks of equal depth (at most KC): 576 = 2×288 rather than 256+256+64,
// so no block is too shallow to amortise loading and storing the C tile.
template <class T>
int64_t kc_step_for(int64_t k) {
  const int64_t blocks = div_up(k, T::KC);
  return round_up(div_up(k, blocks), 4);
}

template <class T>
int64_t general_scratch_floats(const GemmShape& s, bool b_packed, int threads) {
  const int64_t kc = kc_step_for<T>(s.k);
  const int64_t nc = min_i64(T::NC, round_up(s.n, T::NR));
  const int64_t mc = min_i64(T::MC, round_up(s.m, T::MR));
  const int64_t b_floats = b_packed ? 0 : kc * nc + kAlignFloats;
  return b_floats + threads * (mc * kc + kAlignFloats);
}

template <class T>
size_t scratch_floats(const GemmShape& s, bool b_packed, int threads) {
  if (s.m <= 0 || s.n <= 0 || s.k <= 0) return 0;
  threads = static_cast<int>(max_i64(1, threads));
  if (s.m < T::MR) return static_cast<size_t>(small_m_scratch_floats<T>(s, threads));
  return static_cast<size_t>(general_scratch_floats<T>(s, b_packed, threads));
}

template <class T, bool kPackedA, std::size_t... I>
void tail_rows(int64_t rows, int64_t kc, const float* ap, const float* const* ar, int64_t a_ks, const float* bp,
               float* c, int64_t ldc, bool accumulate, std::index_sequence<I...>) {
  using Fn = void (*)(int64_t, const float*, const float* const*, int64_t, const float*, float*, int64_t, bool);
  static constexpr Fn table[] = {&micro_kernel_fn<T, kPackedA, static_cast<int>(I) + 1>...};
  table[rows - 1](kc, ap, ar, a_ks, bp, c, ldc, accumulate);
}

// One MR×NR tile: full tiles go straight to C, edge tiles through a buffer.
template <class T, bool kPackedA>
FROST_GEMM_INLINE void tile(int64_t kc, const float* ap, const float* const* ar, int64_t a_ks, const float* bp,
                            float* c, int64_t ldc, int64_t rows, int64_t cols, bool accumulate) {
  constexpr int MR = T::MR, NR = T::NR;
  if (rows == MR && cols == NR) {
    micro_kernel<T, kPackedA>(kc, ap, ar, a_ks, bp, c, ldc, accumulate);
    return;
  }
  alignas(64) float tmp[MR * NR];
  if (accumulate) {
    for (int r = 0; r < MR; ++r)
      for (int t = 0; t < NR; ++t) tmp[r * NR + t] = (r < rows && t < cols) ? c[r * ldc + t] : 0.0f;
  }
  if (rows < MR) {
    // Only the valid rows: a 49-row M would otherwise spend 5/6 of its last tile on padding.
    tail_rows<T, kPackedA>(rows, kc, ap, ar, a_ks, bp, tmp, NR, accumulate,
                           std::make_index_sequence<static_cast<std::size_t>(MR - 1)>{});
  } else {
    micro_kernel<T, kPackedA>(kc, ap, ar, a_ks, bp, tmp, NR, accumulate);
  }
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t t = 0; t < cols; ++t) c[r * ldc + t] = tmp[r * NR + t];
}

template <class T>
void general(const GemmShape& s, const float* a, const float* b, bool b_packed, float* c, const GemmEpilogue& ep,
             int tid, int nth, float* scratch) {
  constexpr int MR = T::MR, NR = T::NR;
  const int64_t m = s.m, n = s.n, k = s.k;
  const AView av = a_view(s, a);
  const BView bv = b_view(s, b);

  const int64_t kc_max = kc_step_for<T>(k);
  const int64_t kc_step = kc_max;
  const int64_t nc_max = min_i64(T::NC, round_up(n, NR));
  const int64_t mc_max = min_i64(T::MC, round_up(m, MR));
  float* bbuf = align_up(scratch);
  float* abuf = align_up(scratch + (b_packed ? 0 : kc_max * nc_max + kAlignFloats) + tid * (mc_max * kc_max + kAlignFloats));

  // This thread's rectangle of C, in whole tiles.
  const int64_t mtiles = div_up(m, MR);
  const ThreadGrid grid = choose_grid(mtiles, div_up(n, NR), nth);
  const int ti = tid / grid.tn, tj = tid % grid.tn;
  const int64_t m0 = min_i64(m, mtiles * ti / grid.tm * MR), m1 = min_i64(m, mtiles * (ti + 1) / grid.tm * MR);
  // Equal-sized row blocks of at most MC rows.
  const int64_t my_rows = m1 - m0;
  const int64_t mblocks = my_rows > 0 ? div_up(my_rows, T::MC) : 0;
  const int64_t mc_step = mblocks > 0 ? round_up(div_up(my_rows, mblocks), MR) : MR;

  for (int64_t jc = 0; jc < n; jc += T::NC) {
    const int64_t nc = min_i64(T::NC, n - jc);
    const int64_t panels = div_up(nc, NR);
    const int64_t q0 = panels * tj / grid.tn, q1 = panels * (tj + 1) / grid.tn;
    for (int64_t pc = 0; pc < k; pc += kc_step) {
      const int64_t kc = min_i64(kc_step, k - pc);
      const bool first = pc == 0, last = pc + kc == k;
      const float* bp;
      int64_t panel_stride;
      if (b_packed) {
        bp = b + (jc / NR) * k * NR + pc * NR;
        panel_stride = k * NR;
      } else {
        // All threads pack the shared B block together, then wait for it.
        const int64_t p0 = panels * tid / nth, p1 = panels * (tid + 1) / nth;
        for (int64_t q = p0; q < p1; ++q) {
          const int64_t j = jc + q * NR;
          pack_b_panel<T>(bv.b + pc * bv.ks + j * bv.cs, bv.ks, bv.cs, min_i64(NR, n - j), kc, bbuf + q * kc * NR);
        }
        if (nth > 1) {
#pragma omp barrier
        }
        bp = bbuf;
        panel_stride = kc * NR;
      }
      const bool accumulate = !first || ep.accumulate;
      const bool pack_a = q1 - q0 >= kPackAMinPanels;
      for (int64_t ic = m0; ic < m1; ic += mc_step) {
        const int64_t mc = min_i64(mc_step, m1 - ic);
        const float* a_block = av.a + ic * av.rs + pc * av.ks;
        if (pack_a) pack_a_block<T>(AView{a_block, av.rs, av.ks}, mc, kc, abuf);
        for (int64_t q = q0; q < q1; ++q) {
          const int64_t j = jc + q * NR, cols = min_i64(NR, n - j);
          const float* bpanel = bp + q * panel_stride;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            const int64_t rows = min_i64(MR, mc - ir);
            float* ct = c + (ic + ir) * s.ldc + j;
            if (pack_a) {
              tile<T, true>(kc, abuf + ir * kc, nullptr, 0, bpanel, ct, s.ldc, rows, cols, accumulate);
            } else {
              const float* ar[MR];
              for (int r = 0; r < MR; ++r) ar[r] = a_block + (ir + (r < rows ? r : rows - 1)) * av.rs;
              tile<T, false>(kc, nullptr, ar, av.ks, bpanel, ct, s.ldc, rows, cols, accumulate);
            }
            if (last) apply_epilogue<T>(c, s.ldc, ic + ir, j, rows, cols, ep);
          }
        }
      }
      if (!b_packed && nth > 1) {
        // The shared B block is repacked next round: wait until everyone is done with it.
#pragma omp barrier
      }
    }
  }
}

// k == 0: the product is zero, only the epilogue remains.
template <class T>
void empty_product(const GemmShape& s, float* c, const GemmEpilogue& ep) {
  if (!ep.accumulate) {
    for (int64_t i = 0; i < s.m; ++i)
      for (int64_t j = 0; j < s.n; ++j) c[i * s.ldc + j] = 0.0f;
  }
  apply_epilogue<T>(c, s.ldc, 0, 0, s.m, s.n, ep);
}

template <class T>
void run(const GemmShape& s, const float* a, const float* b, bool b_packed, float* c, const GemmEpilogue& ep,
         int threads, float* scratch) {
  if (s.m <= 0 || s.n <= 0) return;
  if (s.k <= 0) return empty_product<T>(s, c, ep);
  auto body = [&](int tid, int nth) {
    if (s.m < T::MR) {
      small_m_dispatch<T>(s.m, s, a, b, b_packed, c, ep, tid, nth, scratch,
                          std::make_index_sequence<static_cast<std::size_t>(T::MR - 1)>{});
    } else {
      general<T>(s, a, b, b_packed, c, ep, tid, nth, scratch);
    }
  };
  if (threads <= 1) {
    body(0, 1);
    return;
  }
#pragma omp parallel num_threads(threads)
  body(omp_get_thread_num(), omp_get_num_threads());
}

template <class T>
const GemmKernelTable& make_table(const char* name) {
  static const GemmKernelTable table{name, T::MR, T::NR, &packed_b_floats<T>, &pack_b<T>, &scratch_floats<T>,
                                     &run<T>};
  return table;
}

}  // namespace
}  // namespace frost::kernels::simd
