// Plain copies; nothing here is ISA-specific. Along the outermost axis each
// piece is one memcpy. Along inner axes the rows go in blocks of the output
// (kBlockBytes) and, within a block, piece by piece: one loop per piece
// moves its rows (row_copy.h: fixed-size copies for short rows; an SSD
// head's [N, 2] halves joined into [N, 4] boxes are 8 bytes a row, where a
// memcpy call per row was most of the time), while the block of the output
// stays in L1 until every piece has written its columns. Blocks are shared
// by the threads when there is enough to move.
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "kernels/concat.h"
#include "kernels/simd/copy_work.h"
#include "kernels/simd/row_copy.h"

namespace frost::kernels {

namespace {

constexpr int64_t kBlockBytes = 16384;

// A concat writes the joined rows, a split reads them.
template <class Piece>
using JoinedRows = std::conditional_t<std::is_same_v<Piece, JoinPiece>, std::byte*, const std::byte*>;

// Rows [r0, r1) of every piece: one loop of row copies (row_copy.h) between
// the piece's own rows (row_bytes apart) and its columns of the joined rows
// (`joined` apart).
template <class Piece>
void block(std::span<const Piece> pieces, JoinedRows<Piece> rows, int64_t joined, int64_t r0, int64_t r1) {
  int64_t column = 0;
  for (const Piece& p : pieces) {
    const auto bytes = static_cast<int64_t>(p.row_bytes);
    if (bytes == 0) continue;
    const auto at = rows + r0 * joined + column;
    if constexpr (std::is_same_v<Piece, JoinPiece>)
      simd::copy_rows(at, joined, static_cast<const std::byte*>(p.src) + r0 * bytes, bytes, r1 - r0, p.row_bytes);
    else
      simd::copy_rows(static_cast<std::byte*>(p.dst) + r0 * bytes, bytes, at, joined, r1 - r0, p.row_bytes);
    column += bytes;
  }
}

template <class Piece>
void rows_by_blocks(std::span<const Piece> pieces, int64_t outer, JoinedRows<Piece> rows, const GemmRun& run) {
  int64_t joined = 0;
  for (const Piece& p : pieces) joined += static_cast<int64_t>(p.row_bytes);
  if (joined == 0) return;
  const int64_t rows_per_block = std::max<int64_t>(1, kBlockBytes / joined);
  const int64_t blocks = (outer + rows_per_block - 1) / rows_per_block;
  const int threads = simd::copy_threads(static_cast<double>(outer) * static_cast<double>(joined), run);
  const int64_t chunks = simd::chunk_count(blocks, threads);
  simd::parallel_for(threads, chunks, [&](int64_t k, int) {
    const simd::ChunkRange r = simd::chunk_range(blocks, chunks, k);
    block(pieces, rows, joined, r.begin * rows_per_block, std::min(outer, r.end * rows_per_block));
  });
}

}  // namespace

void concat_rows(std::span<const JoinPiece> pieces, int64_t outer, void* dst, const GemmRun& run) {
  auto* out = static_cast<std::byte*>(dst);
  if (outer == 1) {
    for (const JoinPiece& p : pieces) {
      if (p.row_bytes) std::memcpy(out, p.src, p.row_bytes);
      out += p.row_bytes;
    }
    return;
  }
  rows_by_blocks(pieces, outer, out, run);
}

void split_rows(const void* src, int64_t outer, std::span<const SplitPiece> pieces, const GemmRun& run) {
  rows_by_blocks(pieces, outer, static_cast<const std::byte*>(src), run);
}

}  // namespace frost::kernels
