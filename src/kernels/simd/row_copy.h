// Copies of n rows of the same byte length between two row-strided places:
// the inner loop of the strided copy (strided_copy.cc) and of Concat/Split
// (concat.cc). Rows of a few bytes (NHWC tensors of few channels, an SSD
// head's [N, 2] box halves) are the common case there, and a library memcpy
// call per row costs more than the row; so the usual lengths are fixed-size
// copies (the compiler makes them register moves), other short ones go in
// 32- and 8-byte moves, and only long rows call memcpy. Nothing here is
// ISA-specific.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace frost::kernels::simd {

// n rows of kBytes, `ds` / `ss` bytes apart.
template <std::size_t kBytes>
inline void fixed_rows(std::byte* dst, int64_t ds, const std::byte* src, int64_t ss, int64_t n) {
  for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * ds, src + i * ss, kBytes);
}

// n rows of `bytes` < kLongRow without a library call.
inline constexpr std::size_t kLongRow = 256;
inline void chunked_rows(std::byte* dst, int64_t ds, const std::byte* src, int64_t ss, int64_t n, std::size_t bytes) {
  for (int64_t r = 0; r < n; ++r) {
    std::byte* d = dst + r * ds;
    const std::byte* s = src + r * ss;
    std::size_t i = 0;
    for (; i + 32 <= bytes; i += 32) std::memcpy(d + i, s + i, 32);
    for (; i + 8 <= bytes; i += 8) std::memcpy(d + i, s + i, 8);
    for (; i < bytes; ++i) d[i] = s[i];
  }
}

// n rows of `bytes`, `ds` / `ss` bytes apart (not overlapping).
inline void copy_rows(std::byte* dst, int64_t ds, const std::byte* src, int64_t ss, int64_t n, std::size_t bytes) {
  switch (bytes) {
    case 4: return fixed_rows<4>(dst, ds, src, ss, n);
    case 8: return fixed_rows<8>(dst, ds, src, ss, n);
    case 12: return fixed_rows<12>(dst, ds, src, ss, n);
    case 16: return fixed_rows<16>(dst, ds, src, ss, n);
    case 24: return fixed_rows<24>(dst, ds, src, ss, n);
    case 32: return fixed_rows<32>(dst, ds, src, ss, n);
    case 48: return fixed_rows<48>(dst, ds, src, ss, n);
    case 64: return fixed_rows<64>(dst, ds, src, ss, n);
    case 96: return fixed_rows<96>(dst, ds, src, ss, n);
    case 128: return fixed_rows<128>(dst, ds, src, ss, n);
    default:
      if (bytes < kLongRow) return chunked_rows(dst, ds, src, ss, n, bytes);
      for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * ds, src + i * ss, bytes);
  }
}

}  // namespace frost::kernels::simd
