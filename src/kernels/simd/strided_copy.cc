// The CPU backend's strided copy (kernels/strided_copy.h): the reference's
// geometry with the two innermost loops specialised. Slices and crops of
// NHWC tensors copy many short rows (an SSD head's [N, 4] boxes cut into
// [N, 2] halves: 8 bytes a row), where the reference's memcpy call per row
// is most of the time, and strided innermost reads, which it moves through
// a memcpy of run-time size per element. Here the contiguous rows of the
// two innermost dims move in one loop (row_copy.h: fixed-size copies for
// short rows), strided elements as typed moves, and the outermost dim is
// shared by the threads when there is enough to move. Nothing here is
// ISA-specific.
#include <cstring>

#include "kernels/simd/copy_work.h"
#include "kernels/simd/row_copy.h"
#include "kernels/strided_copy.h"

namespace frost::kernels {

namespace {

// The geometry in bytes: the innermost dim's strides stay in elements.
struct Geometry {
  const StridedCopyParams& p;
  std::size_t elem;
  size_t last;  // index of the innermost dim
  int64_t src_bytes(size_t d) const { return p.src_strides[d] * static_cast<int64_t>(elem); }
  int64_t dst_bytes(size_t d) const { return p.dst_strides[d] * static_cast<int64_t>(elem); }
};

// Elements [begin, end) of the innermost dim.
void copy_row(const Geometry& g, std::byte* dst, const std::byte* src, int64_t begin, int64_t end) {
  const int64_t ss = g.src_bytes(g.last), ds = g.dst_bytes(g.last), n = end - begin;
  dst += begin * ds;
  src += begin * ss;
  if (ss == static_cast<int64_t>(g.elem) && ds == static_cast<int64_t>(g.elem)) {
    std::memcpy(dst, src, static_cast<std::size_t>(n) * g.elem);
    return;
  }
  switch (g.elem) {  // one element is a row of elem bytes
    case 1: return simd::fixed_rows<1>(dst, ds, src, ss, n);
    case 2: return simd::fixed_rows<2>(dst, ds, src, ss, n);
    case 4: return simd::fixed_rows<4>(dst, ds, src, ss, n);
    case 8: return simd::fixed_rows<8>(dst, ds, src, ss, n);
    default:
      for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * ds, src + i * ss, g.elem);
  }
}

// Indices [begin, end) of dim d < last.
void copy_dim(const Geometry& g, size_t d, std::byte* dst, const std::byte* src, int64_t begin, int64_t end) {
  const int64_t ss = g.src_bytes(d), ds = g.dst_bytes(d);
  dst += begin * ds;
  src += begin * ss;
  const int64_t n = end - begin, inner = g.p.dims[d + 1];
  if (d + 1 == g.last) {
    // Contiguous rows in one loop, strided ones one by one.
    if (g.p.src_strides[g.last] == 1 && g.p.dst_strides[g.last] == 1)
      return simd::copy_rows(dst, ds, src, ss, n, static_cast<std::size_t>(inner) * g.elem);
    for (int64_t i = 0; i < n; ++i) copy_row(g, dst + i * ds, src + i * ss, 0, inner);
    return;
  }
  for (int64_t i = 0; i < n; ++i) copy_dim(g, d + 1, dst + i * ds, src + i * ss, 0, inner);
}

}  // namespace

void strided_copy(const StridedCopyParams& p, const void* src, void* dst, std::size_t elem_bytes, const GemmRun& run) {
  auto* out = static_cast<std::byte*>(dst);
  const auto* in = static_cast<const std::byte*>(src);
  if (p.dims.empty()) {
    std::memcpy(out, in, elem_bytes);  // rank 0: one element
    return;
  }
  int64_t total = 1;
  for (int64_t d : p.dims) total *= d;
  if (total == 0) return;
  const Geometry g{p, elem_bytes, p.dims.size() - 1};
  const int threads = simd::copy_threads(static_cast<double>(total) * static_cast<double>(elem_bytes), run);
  // The threads share the outermost dim, in chunks taken in turn.
  const int64_t outer = p.dims[0], chunks = simd::chunk_count(outer, threads);
  simd::parallel_for(threads, chunks, [&](int64_t k, int) {
    const simd::ChunkRange r = simd::chunk_range(outer, chunks, k);
    if (g.last == 0) copy_row(g, out, in, r.begin, r.end);
    else copy_dim(g, 0, out, in, r.begin, r.end);
  });
}

}  // namespace frost::kernels
