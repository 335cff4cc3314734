// Plain copies: each row is contiguous, so the C library's vectorised memcpy
// (or, for short rows, fixed-size moves) is the fast path on every ISA;
// nothing here is ISA-specific.
#include "kernels/concat.h"

#include <cstring>

namespace frost::kernels {

namespace {

// A row copy. Rows under 256 bytes (NHWC concats of a few channels copy one
// per pixel) go in fixed-size chunks the compiler turns into register moves,
// which beats a call into the library's memcpy for each.
inline void copy_row(std::byte* dst, const std::byte* src, std::size_t n) {
  if (n >= 256) {
    std::memcpy(dst, src, n);
    return;
  }
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) std::memcpy(dst + i, src + i, 32);
  for (; i + 8 <= n; i += 8) std::memcpy(dst + i, src + i, 8);
  for (; i < n; ++i) dst[i] = src[i];
}

}  // namespace

void concat_rows(std::span<const JoinPiece> pieces, int64_t outer, void* dst) {
  auto* out = static_cast<std::byte*>(dst);
  if (outer == 1) {
    for (const JoinPiece& p : pieces) {
      if (p.row_bytes) std::memcpy(out, p.src, p.row_bytes);
      out += p.row_bytes;
    }
    return;
  }
  for (int64_t o = 0; o < outer; ++o)
    for (const JoinPiece& p : pieces) {
      copy_row(out, static_cast<const std::byte*>(p.src) + o * static_cast<int64_t>(p.row_bytes), p.row_bytes);
      out += p.row_bytes;
    }
}

void split_rows(const void* src, int64_t outer, std::span<const SplitPiece> pieces) {
  const auto* in = static_cast<const std::byte*>(src);
  for (int64_t o = 0; o < outer; ++o)
    for (const SplitPiece& p : pieces) {
      copy_row(static_cast<std::byte*>(p.dst) + o * static_cast<int64_t>(p.row_bytes), in, p.row_bytes);
      in += p.row_bytes;
    }
}

}  // namespace frost::kernels
