// Strided element copies: the one data-movement primitive behind Transpose,
// Slice, StridedSlice, Concat, Pack, Split, Tile, Pad and MirrorPad.
//
// Contract: for every index (i0, ..., i{r-1}) with 0 <= ik < dims[k],
//   dst[sum ik * dst_strides[k]] = src[sum ik * src_strides[k]]
// Strides count elements, not bytes, and may be negative (reversed reads) or
// zero (broadcast reads). The caller guarantees every address touched is in
// bounds and that the destination elements written do not overlap the source
// elements read. The dimension order is the iteration order (last fastest).
// No allocation, no exceptions; recursion depth is the rank, so callers pass
// simplified geometries (size-1 dims dropped, contiguous dims merged).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "kernels/gemm.h"  // GemmRun

namespace frost::kernels {

struct StridedCopyParams {
  std::span<const int64_t> dims;
  std::span<const int64_t> src_strides;  // elements
  std::span<const int64_t> dst_strides;  // elements
};

// Flat elements of `elem_bytes` bytes each (every dtype except strings).
void strided_copy_reference(const StridedCopyParams& p, const void* src, void* dst, std::size_t elem_bytes);
// String elements (assignment; the strings themselves are copied).
void strided_copy_reference(const StridedCopyParams& p, const std::string* src, std::string* dst);

// The CPU backend's twin for flat elements (kernels/simd/strided_copy.cc):
// same contract; rows of a few bytes move as fixed-size copies, and the
// outermost dim is shared by the threads of `run` (kernels/gemm.h) when
// there is enough to move.
void strided_copy(const StridedCopyParams& p, const void* src, void* dst, std::size_t elem_bytes,
                  const GemmRun& run = {});

}  // namespace frost::kernels
