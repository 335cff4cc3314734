// The optimised single-precision GEMM as templates over the xsimd architecture
// and the register tile. Included only by the per-ISA translation units
// gemm_f32_<MR>x<NR>_<isa>.cc, each compiled with its own -m flags; everything
// here has internal linkage so that code compiled for a wider ISA is never
// merged with (and called from) code that runs on a CPU without it.
// The parts: gemm_microkernel_impl.h (register tile), gemm_pack_impl.h,
// gemm_small_m_impl.h (m < MR); this file has the cache-blocked, threaded
// general path and the entry points of a GemmKernelTable.
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
#include "kernels/simd/gemm_microkernel_impl.h"
#include "kernels/simd/gemm_pack_impl.h"
#include "kernels/simd/gemm_small_m_impl.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose, see the file comment

// ---------------------------------------------------------------------------
// General path

// How the threads share C: a tm × tn grid of rectangles, each thread owning
// whole MR×NR tiles. Chosen to balance tile counts; rows first on ties
// because then B is shared and each thread packs only its own A.
struct ThreadGrid {
  int tm = 1, tn = 1;
};

inline ThreadGrid choose_grid(int64_t mtiles, int64_t ntiles, int nth) {
  // Splitting N costs more than its tile balance shows: every thread reads
  // all of A, and threads writing neighbouring columns of one C row share
  // its cache lines (measured: 12544×32×27 ran at half speed split by N).
  constexpr double kSplitNPenalty = 0.95;
  ThreadGrid best;
  double best_eff = -1.0;
  for (int tm = nth; tm >= 1; --tm) {
    if (nth % tm != 0) continue;
    const int tn = nth / tm;
    const double em = static_cast<double>(mtiles) / static_cast<double>(tm * div_up(mtiles, tm));
    const double en = static_cast<double>(ntiles) / static_cast<double>(tn * div_up(ntiles, tn));
    const double eff = em * en * (tn > 1 ? kSplitNPenalty : 1.0);
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

// Any tile smaller than MR × NR: micro_kernel with kRows = rows and kVecs =
// the vectors that cols needs, picked from a table of all of them.
template <class T, bool kPackedA, std::size_t... I>
void edge_tile(int64_t rows, int64_t cols, int64_t kc, const float* a, int64_t a_rs, int64_t a_ks, const float* bp,
               float* c, int64_t ldc, bool accumulate, std::index_sequence<I...>) {
  using Fn = void (*)(int64_t, const float*, int64_t, int64_t, const float*, float*, int64_t, bool, int64_t);
  // Entry I is kRows = I % MR + 1, kVecs = I / MR + 1.
  static constexpr Fn table[] = {
      &micro_kernel_fn<T, kPackedA, static_cast<int>(I % T::MR) + 1, static_cast<int>(I / T::MR) + 1>...};
  const int64_t vecs = div_up(cols, T::W);
  table[(vecs - 1) * T::MR + rows - 1](kc, a, a_rs, a_ks, bp, c, ldc, accumulate, cols);
}

// One tile of rows × cols (at most MR × NR), stored straight to C. a is the
// packed A panel (kPackedA) or the tile's first row of A (a_rs, a_ks as in
// micro_kernel). Edge tiles compute only their rows and vectors: a 49-row M
// would otherwise spend 5/6 of its last tile on padding.
template <class T, bool kPackedA>
FROST_SIMD_INLINE void tile(int64_t kc, const float* a, int64_t a_rs, int64_t a_ks, const float* bp, float* c,
                            int64_t ldc, int64_t rows, int64_t cols, bool accumulate) {
  if (rows == T::MR && cols == T::NR) {
    micro_kernel<T, kPackedA>(kc, a, a_rs, a_ks, bp, c, ldc, accumulate);
    return;
  }
  edge_tile<T, kPackedA>(rows, cols, kc, a, a_rs, a_ks, bp, c, ldc, accumulate,
                         std::make_index_sequence<static_cast<std::size_t>(T::MR * T::NV)>{});
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
        if (nth > 1) team_barrier();
        bp = bbuf;
        panel_stride = kc * NR;
      }
      const bool accumulate = !first || ep.accumulate;
      const bool pack_a = q1 - q0 >= kPackAMinPanels;
      for (int64_t ic = m0; ic < m1; ic += mc_step) {
        const int64_t mc = min_i64(mc_step, m1 - ic), mtiles_block = div_up(mc, MR);
        const float* a_block = av.a + ic * av.rs + pc * av.ks;
        if (pack_a) pack_a_block<T>(AView{a_block, av.rs, av.ks}, mc, mtiles_block, kc, abuf);
        for (int64_t q = q0; q < q1; ++q) {
          const int64_t j = jc + q * NR, cols = min_i64(NR, n - j);
          const float* bpanel = bp + q * panel_stride;
          for (int64_t t = 0; t < mtiles_block; ++t) {
            const auto [ir, rows] = row_tile(mc, mtiles_block, t);
            float* ct = c + (ic + ir) * s.ldc + j;
            if (pack_a) {
              tile<T, true>(kc, abuf + t * MR * kc, 0, 0, bpanel, ct, s.ldc, rows, cols, accumulate);
            } else {
              tile<T, false>(kc, a_block + ir * av.rs, av.rs, av.ks, bpanel, ct, s.ldc, rows, cols, accumulate);
            }
            if (last) apply_epilogue<T>(c, s.ldc, ic + ir, j, rows, cols, ep);
          }
        }
      }
      // The shared B block is repacked next round: wait until everyone is done with it.
      if (!b_packed && nth > 1) team_barrier();
    }
  }
}

// Rows [m0, m1) × panels [q0, q1) of C with a prepacked B: one chunk of
// parallel_for. Each C element goes through the same K blocks in the same
// order as in general(), so the result does not depend on the chunking.
template <class T>
void packed_chunk(const GemmShape& s, const float* a, const float* b, float* c, const GemmEpilogue& ep, int64_t m0,
                  int64_t m1, int64_t q0, int64_t q1, float* abuf) {
  constexpr int MR = T::MR, NR = T::NR;
  const int64_t k = s.k;
  const AView av = a_view(s, a);
  const int64_t kc_step = kc_step_for<T>(k);
  const int64_t my_rows = m1 - m0;
  const int64_t mblocks = div_up(my_rows, T::MC);
  const int64_t mc_step = round_up(div_up(my_rows, mblocks), MR);
  const bool pack_a = q1 - q0 >= kPackAMinPanels;
  for (int64_t pc = 0; pc < k; pc += kc_step) {
    const int64_t kc = min_i64(kc_step, k - pc);
    const bool accumulate = pc != 0 || ep.accumulate, last = pc + kc == k;
    for (int64_t ic = m0; ic < m1; ic += mc_step) {
      const int64_t mc = min_i64(mc_step, m1 - ic), mtiles_block = div_up(mc, MR);
      const float* a_block = av.a + ic * av.rs + pc * av.ks;
      if (pack_a) pack_a_block<T>(AView{a_block, av.rs, av.ks}, mc, mtiles_block, kc, abuf);
      for (int64_t q = q0; q < q1; ++q) {
        const int64_t j = q * NR, cols = min_i64(NR, s.n - j);
        const float* bpanel = b + q * k * NR + pc * NR;
        for (int64_t t = 0; t < mtiles_block; ++t) {
          const auto [ir, rows] = row_tile(mc, mtiles_block, t);
          float* ct = c + (ic + ir) * s.ldc + j;
          if (pack_a) {
            tile<T, true>(kc, abuf + t * MR * kc, 0, 0, bpanel, ct, s.ldc, rows, cols, accumulate);
          } else {
            tile<T, false>(kc, a_block + ir * av.rs, av.rs, av.ks, bpanel, ct, s.ldc, rows, cols, accumulate);
          }
          if (last) apply_epilogue<T>(c, s.ldc, ic + ir, j, rows, cols, ep);
        }
      }
    }
  }
}

// A prepacked B on several threads: chunks of C taken in turn (parallel_for),
// rows first (grid_chunks), each thread packing A into its own buffer.
template <class T>
void packed_parallel(const GemmShape& s, const float* a, const float* b, float* c, const GemmEpilogue& ep,
                     int threads, float* scratch) {
  const int64_t mtiles = div_up(s.m, T::MR), panels = div_up(s.n, T::NR);
  const GridChunks g = grid_chunks(mtiles, panels, threads);
  const int64_t kc_max = kc_step_for<T>(s.k);
  const int64_t mc_max = min_i64(T::MC, round_up(s.m, T::MR));
  parallel_for(threads, g.row_chunks * g.col_chunks, [&](int64_t chunk, int tid) {
    const ChunkRange rows = chunk_range(mtiles, g.row_chunks, chunk / g.col_chunks);
    const ChunkRange cols = chunk_range(panels, g.col_chunks, chunk % g.col_chunks);
    float* abuf = align_up(scratch + tid * (mc_max * kc_max + kAlignFloats));
    packed_chunk<T>(s, a, b, c, ep, rows.begin * T::MR, min_i64(s.m, rows.end * T::MR), cols.begin, cols.end, abuf);
  });
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
  if (b_packed && s.m >= T::MR) return packed_parallel<T>(s, a, b, c, ep, threads, scratch);
  simd::parallel_run(threads, body);
}

template <class T>
const GemmKernelTable& make_table(const char* name) {
  static const GemmKernelTable table{name, T::MR, T::NR, &packed_b_floats<T>, &pack_b<T>, &scratch_floats<T>,
                                     &run<T>};
  return table;
}

}  // namespace
}  // namespace frost::kernels::simd
