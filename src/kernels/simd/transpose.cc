// Front end of the fast Transpose: simplifies the geometry, then runs row
// copies or cache-blocked 2-D tiles over the remaining outer dims, shared by
// the threads in blocks of kBlock source columns (or whole rows).
#include <algorithm>
#include <cstring>

#include "kernels/simd/thread_policy.h"
#include "kernels/transpose.h"

namespace frost::kernels {

namespace {

// The permutation after dropping size-1 dims and merging input dims that
// stay adjacent and in order in the output.
struct Geometry {
  int rank = 0;
  int64_t dims[kMaxTransposeRank];  // of src
  int64_t perm[kMaxTransposeRank];
};

Geometry simplify(const TransposeParams& p) {
  const int rank = static_cast<int>(p.dims.size());
  // Keep the dims of size > 1, renumbered.
  int64_t renumber[kMaxTransposeRank];
  int64_t dims[kMaxTransposeRank];
  int kept = 0;
  for (int k = 0; k < rank; ++k) {
    renumber[k] = p.dims[static_cast<size_t>(k)] == 1 ? -1 : kept;
    if (p.dims[static_cast<size_t>(k)] != 1) dims[kept++] = p.dims[static_cast<size_t>(k)];
  }
  int64_t perm[kMaxTransposeRank];
  int np = 0;
  for (int k = 0; k < rank; ++k)
    if (renumber[p.perm[static_cast<size_t>(k)]] >= 0) perm[np++] = renumber[p.perm[static_cast<size_t>(k)]];
  // Runs of consecutive input dims in the output order merge into one dim.
  int64_t group_of[kMaxTransposeRank];  // input dim -> merged group (first input dim of the run)
  Geometry g;
  bool starts[kMaxTransposeRank] = {};
  for (int k = 0; k < np; ++k) starts[perm[k]] = k == 0 || perm[k] != perm[k - 1] + 1;
  int groups = 0;
  for (int d = 0; d < kept; ++d) {
    if (starts[d]) g.dims[groups++] = 1;
    g.dims[groups - 1] *= dims[d];
    group_of[d] = groups - 1;
  }
  g.rank = groups;
  int out = 0;
  for (int k = 0; k < np; ++k)
    if (starts[perm[k]]) g.perm[out++] = group_of[perm[k]];
  return g;
}

// Odometer over the outer dims (all but `skip_a`, `skip_b`) of the
// geometry, from outer index `begin` (row-major over those dims) to `end`,
// calling f(src_offset, dst_offset) in elements.
template <class F>
void for_each_outer(const Geometry& g, const int64_t* src_strides, const int64_t* dst_strides_by_src_dim, int skip_a,
                    int skip_b, int64_t begin, int64_t end, F f) {
  int64_t index[kMaxTransposeRank] = {};
  int outer[kMaxTransposeRank];
  int n = 0;
  for (int d = 0; d < g.rank; ++d)
    if (d != skip_a && d != skip_b) outer[n++] = d;
  int64_t s = 0, t = 0;
  for (int64_t rest = begin, k = n - 1; k >= 0; --k) {
    const int d = outer[k];
    index[k] = rest % g.dims[d];
    rest /= g.dims[d];
    s += index[k] * src_strides[d];
    t += index[k] * dst_strides_by_src_dim[d];
  }
  for (int64_t o = begin; o < end; ++o) {
    f(s, t);
    for (int k = n - 1; k >= 0; --k) {
      const int d = outer[k];
      s += src_strides[d];
      t += dst_strides_by_src_dim[d];
      if (++index[k] < g.dims[d]) break;
      s -= src_strides[d] * g.dims[d];
      t -= dst_strides_by_src_dim[d] * g.dims[d];
      index[k] = 0;
    }
  }
}

int64_t outer_count(const Geometry& g, int skip_a, int skip_b) {
  int64_t n = 1;
  for (int d = 0; d < g.rank; ++d)
    if (d != skip_a && d != skip_b) n *= g.dims[d];
  return n;
}

// A transpose moves every element once, from one place in memory to another
// (≈ 0.5 ns an element when the source streams from memory); a thread gets
// at least 64K of them (tens of µs), so that small transposes inside a model
// stay on one thread (thread_policy.h).
constexpr simd::WorkRate kTransposeRate{2e9, 65536.0};

constexpr int64_t kBlock = 32;  // elements per side of a cache block

// dst[a * ld_dst + b] = src[b * ld_src + a] for a < rows_a, b < rows_b.
template <class E>
void tile_2d(const E* src, int64_t ld_src, E* dst, int64_t ld_dst, int64_t len_a, int64_t len_b, bool avx2_f32) {
  for (int64_t a0 = 0; a0 < len_a; a0 += kBlock)
    for (int64_t b0 = 0; b0 < len_b; b0 += kBlock) {
      const int64_t a1 = std::min(a0 + kBlock, len_a), b1 = std::min(b0 + kBlock, len_b);
      int64_t a_full = a0, b_full = b0;
      if constexpr (sizeof(E) == 4) {
        if (avx2_f32) {
          a_full = a0 + (a1 - a0) / 8 * 8;
          b_full = b0 + (b1 - b0) / 8 * 8;
          for (int64_t a = a0; a < a_full; a += 8)
            for (int64_t b = b0; b < b_full; b += 8)
              transpose_tile_8x8_f32_avx2(reinterpret_cast<const float*>(src + b * ld_src + a), ld_src,
                                          reinterpret_cast<float*>(dst + a * ld_dst + b), ld_dst);
        }
      }
      // What the 8x8 tiles left: the b tail of the full a rows, then the a tail.
      for (int64_t a = a0; a < a_full; ++a)
        for (int64_t b = b_full; b < b1; ++b) dst[a * ld_dst + b] = src[b * ld_src + a];
      for (int64_t a = a_full; a < a1; ++a)
        for (int64_t b = b0; b < b1; ++b) dst[a * ld_dst + b] = src[b * ld_src + a];
    }
}

// Few destination columns (an NCHW image of 1-4 channels to NHWC): the
// column count known at compile time, so the inner loop unrolls and the
// source rows stream.
template <class E, int64_t B>
void narrow_2d(const E* src, int64_t ld_src, E* dst, int64_t ld_dst, int64_t len_a) {
  for (int64_t a = 0; a < len_a; ++a)
    for (int64_t b = 0; b < B; ++b) dst[a * ld_dst + b] = src[b * ld_src + a];
}

constexpr int64_t kMaxNarrow = 4;

// len_b <= kMaxNarrow.
template <class E>
void narrow(const E* src, int64_t ld_src, E* dst, int64_t ld_dst, int64_t len_a, int64_t len_b, bool avx2_f32) {
  if constexpr (sizeof(E) == 4) {
    // Whole pixels next to each other in dst: 8 at a time interleaved in
    // registers, the last few by the loop below.
    if (avx2_f32 && ld_dst == len_b && len_b >= 2) {
      const int64_t done = interleave_rows_f32_avx2(reinterpret_cast<const float*>(src), ld_src,
                                                    reinterpret_cast<float*>(dst), len_a, static_cast<int>(len_b));
      src += done;
      dst += done * ld_dst;
      len_a -= done;
    }
  }
  switch (len_b) {
    case 1: narrow_2d<E, 1>(src, ld_src, dst, ld_dst, len_a); return;
    case 2: narrow_2d<E, 2>(src, ld_src, dst, ld_dst, len_a); return;
    case 3: narrow_2d<E, 3>(src, ld_src, dst, ld_dst, len_a); return;
    default: narrow_2d<E, 4>(src, ld_src, dst, ld_dst, len_a); return;
  }
}

template <class E>
void transpose_typed(const Geometry& g, const E* src, E* dst, bool avx2_f32, int threads) {
  int64_t src_strides[kMaxTransposeRank], dst_strides[kMaxTransposeRank], dst_by_src[kMaxTransposeRank];
  int64_t stride = 1;
  for (int d = g.rank; d-- > 0;) src_strides[d] = stride, stride *= g.dims[d];
  stride = 1;
  for (int k = g.rank; k-- > 0;) dst_strides[k] = stride, stride *= g.dims[g.perm[k]];
  for (int k = 0; k < g.rank; ++k) dst_by_src[g.perm[k]] = dst_strides[k];
  const int a = g.rank - 1;                       // innermost in src
  const int b = static_cast<int>(g.perm[g.rank - 1]);  // innermost in dst
  if (a == b) {
    // The innermost dim does not move: copy runs of it, the threads taking
    // consecutive runs.
    const size_t run = static_cast<size_t>(g.dims[a]) * sizeof(E);
    const int64_t runs = outer_count(g, a, a), chunks = simd::chunk_count(runs, threads);
    simd::parallel_for(threads, chunks, [&](int64_t c, int) {
      const simd::ChunkRange r = simd::chunk_range(runs, chunks, c);
      for_each_outer(g, src_strides, dst_by_src, a, a, r.begin, r.end,
                     [&](int64_t s, int64_t t) { std::memcpy(dst + t, src + s, run); });
    });
    return;
  }
  // Items: each outer index's kBlock × kBlock tiles of (source column,
  // source row), the order tile_2d takes them in (whole rows of at most 4
  // for narrow), so that every element goes through the same code whatever
  // the split, and a transpose of one large 2-D tile (NHWC -> NCHW of one
  // image) still has items for every thread.
  const int64_t len_a = g.dims[a], len_b = g.dims[b];
  const int64_t ld_src = src_strides[b], ld_dst = dst_by_src[a];
  const bool narrow_rows = len_b <= kMaxNarrow;
  const int64_t a_blocks = (len_a + kBlock - 1) / kBlock, b_blocks = narrow_rows ? 1 : (len_b + kBlock - 1) / kBlock;
  const int64_t per_outer = a_blocks * b_blocks, items = outer_count(g, a, b) * per_outer;
  const int64_t chunks = simd::chunk_count(items, threads);
  simd::parallel_for(threads, chunks, [&](int64_t c, int) {
    const simd::ChunkRange r = simd::chunk_range(items, chunks, c);
    if (r.begin >= r.end) return;
    const int64_t o0 = r.begin / per_outer, o1 = (r.end - 1) / per_outer + 1;
    int64_t o = o0;
    for_each_outer(g, src_strides, dst_by_src, a, b, o0, o1, [&](int64_t s, int64_t t) {
      const int64_t i0 = std::max(r.begin, o * per_outer), i1 = std::min(r.end, (o + 1) * per_outer);
      for (int64_t i = i0 - o * per_outer; i < i1 - o * per_outer; ++i) {
        const int64_t a0 = i / b_blocks * kBlock, b0 = i % b_blocks * kBlock;
        const int64_t na = std::min(kBlock, len_a - a0);
        const E* from = src + s + b0 * ld_src + a0;
        E* to = dst + t + a0 * ld_dst + b0;
        if (narrow_rows)
          narrow(from, ld_src, to, ld_dst, na, len_b, avx2_f32);
        else
          tile_2d(from, ld_src, to, ld_dst, na, std::min(kBlock, len_b - b0), avx2_f32);
      }
      ++o;
    });
  });
}

}  // namespace

void transpose(const TransposeParams& p, const void* src, void* dst, std::size_t elem_bytes, const GemmRun& run) {
  const Geometry g = simplify(p);
  int64_t total = 1;
  for (int d = 0; d < g.rank; ++d) total *= g.dims[d];
  if (total == 0) return;
  if (g.rank <= 1) {
    // Nothing moves (all size-1 dims, or one run): a plain copy.
    std::memcpy(dst, src, static_cast<size_t>(total) * elem_bytes);
    return;
  }
  const GemmIsa isa = run.isa == GemmIsa::kAuto ? gemm_best_isa() : run.isa;
  const bool avx2 = isa == GemmIsa::kAvx2 || isa == GemmIsa::kAvx512;
  int threads = simd::resolve_threads(run.threads);
  if (!run.force_threads) threads = simd::choose_threads(static_cast<double>(total), threads, kTransposeRate);
  switch (elem_bytes) {
    case 1: return transpose_typed(g, static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst), false, threads);
    case 2: return transpose_typed(g, static_cast<const uint16_t*>(src), static_cast<uint16_t*>(dst), false, threads);
    case 4: return transpose_typed(g, static_cast<const uint32_t*>(src), static_cast<uint32_t*>(dst), avx2, threads);
    case 8: return transpose_typed(g, static_cast<const uint64_t*>(src), static_cast<uint64_t*>(dst), false, threads);
    default: return transpose_reference(p, src, dst, elem_bytes);
  }
}

}  // namespace frost::kernels
