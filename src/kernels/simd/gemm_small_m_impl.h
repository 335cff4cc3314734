// GEMM for m < MR rows (batch-1 and few-row fully-connected layers), which
// is bandwidth-bound rather than compute-bound. Part of gemm_impl.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "kernels/simd/epilogue_impl.h"
#include "kernels/simd/gemm_microkernel_impl.h"
#include "kernels/simd/gemm_pack_impl.h"
#include "kernels/simd/masked_impl.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose (see gemm_impl.h)

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
FROST_SIMD_INLINE void small_m_panels(int64_t k, const float* const* ar, int64_t a_ks, const float* b,
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
    // B streams from memory once: ask for each panel's data ~2 KiB ahead.
#pragma GCC unroll 8
    for (int q = 0; q < P; ++q) __builtin_prefetch(b + q * b_ps + 512);
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
FROST_SIMD_INLINE void rows_step(const float (&av)[MS][KU], const float* b, int64_t ldb, float* c, int64_t ldc,
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

// k rows [kb, kb + KU) of B into C columns [j0, j1), j1 − j0 a multiple of W.
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
}

// The last `count` < W columns from j: accumulated in registers over the
// whole of k, a masked load of B per row, and stored once. Through rows_chunk
// they went through C in scalar code every KU rows: a batch-1 classifier
// of 62720 inputs × 12 classes (speech_commands_conv) took 0.39 ms, as long
// as reading B 2.7 times over (its prepacked panels of NR = 32 columns).
template <class T, int MS>
void rows_tail(AView av, int64_t k, const float* b, int64_t ldb, float* c, int64_t ldc, int64_t j, int64_t count,
               bool accumulate) {
  using V = typename T::V;
  constexpr int U = 4;  // independent chains along k: FMA latency
  V acc[U][MS];
#pragma GCC unroll 4
  for (int u = 0; u < U; ++u)
#pragma GCC unroll 16
    for (int r = 0; r < MS; ++r) acc[u][r] = V(0.0f);
  auto a_at = [&](int r, int64_t p) { return V(av.a[r * av.rs + p * av.ks]); };
  int64_t p = 0;
  for (; p + U <= k; p += U) {
#pragma GCC unroll 4
    for (int u = 0; u < U; ++u) {
      const V bv = load_first<V>(b + (p + u) * ldb + j, count);
#pragma GCC unroll 16
      for (int r = 0; r < MS; ++r) acc[u][r] = xsimd::fma(a_at(r, p + u), bv, acc[u][r]);
    }
  }
  for (; p < k; ++p) {
    const V bv = load_first<V>(b + p * ldb + j, count);
#pragma GCC unroll 16
    for (int r = 0; r < MS; ++r) acc[0][r] = xsimd::fma(a_at(r, p), bv, acc[0][r]);
  }
#pragma GCC unroll 16
  for (int r = 0; r < MS; ++r) {
    V x = (acc[0][r] + acc[1][r]) + (acc[2][r] + acc[3][r]);
    if (accumulate) x += load_first<V>(c + r * ldc + j, count);
    store_first(x, c + r * ldc + j, count);
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
  const int64_t jv = j0 + (j1 - j0) / W * W;  // whole vectors end here; the last thread's tail follows
  if (jv > j0) {
    int64_t kb = 0;
    for (; kb + KU <= s.k; kb += KU) rows_chunk<T, MS, KU>(av, kb, b, s.ldb, c, s.ldc, j0, jv, kb == 0 && !ep.accumulate);
    for (; kb < s.k; ++kb) rows_chunk<T, MS, 1>(av, kb, b, s.ldb, c, s.ldc, j0, jv, kb == 0 && !ep.accumulate);
  }
  if (jv < j1) rows_tail<T, MS>(av, s.k, b, s.ldb, c, s.ldc, jv, j1 - jv, ep.accumulate);
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

}  // namespace
}  // namespace frost::kernels::simd
