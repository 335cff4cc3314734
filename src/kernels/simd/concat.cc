// Plain memcpy: the copies are contiguous, so the C library's vectorised
// memcpy is the fast path on every ISA; nothing here is ISA-specific.
#include "kernels/concat.h"

#include <cstring>

namespace frost::kernels {

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
      if (p.row_bytes) std::memcpy(out, static_cast<const std::byte*>(p.src) + o * static_cast<int64_t>(p.row_bytes), p.row_bytes);
      out += p.row_bytes;
    }
}

void split_rows(const void* src, int64_t outer, std::span<const SplitPiece> pieces) {
  const auto* in = static_cast<const std::byte*>(src);
  for (int64_t o = 0; o < outer; ++o)
    for (const SplitPiece& p : pieces) {
      if (p.row_bytes) std::memcpy(static_cast<std::byte*>(p.dst) + o * static_cast<int64_t>(p.row_bytes), in, p.row_bytes);
      in += p.row_bytes;
    }
}

}  // namespace frost::kernels
