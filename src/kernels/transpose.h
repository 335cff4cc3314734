// Permuting the dimensions of a dense row-major tensor (TensorFlow's
// Transpose): dst has dims dst_dims[i] = dims[perm[i]] and
// dst[i0, ..., ir-1] = src[j] with j[perm[k]] = ik. Any element type:
// elements are `elem_bytes`-sized and copied bitwise. Source and
// destination must not overlap. No allocation, no exceptions; ranks up to
// kMaxTransposeRank (the caller validates perm).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "kernels/gemm.h"  // GemmRun

namespace frost::kernels {

constexpr int kMaxTransposeRank = 16;

struct TransposeParams {
  std::span<const int64_t> dims;  // of src
  std::span<const int64_t> perm;  // a permutation of 0 .. dims.size()-1
};

// Obviously correct: one output element at a time, its source index
// computed from scratch.
void transpose_reference(const TransposeParams& p, const void* src, void* dst, std::size_t elem_bytes);

// The fast form: dims of size 1 dropped and dims that stay adjacent merged;
// then either row copies (the innermost dim does not move) or cache-blocked
// 2-D tiles over the two innermost dims of src and dst (NCHW <-> NHWC is a
// batch of [C, H*W] <-> [H*W, C] tiles), with in-register 8x8 float tiles
// on AVX2/AVX-512 and plain loops elsewhere (run.isa forces a path, for
// tests). Large transposes are shared by the threads as in GemmRun, in
// blocks of source columns or whole rows.
void transpose(const TransposeParams& p, const void* src, void* dst, std::size_t elem_bytes, const GemmRun& run = {});

// The 8x8 float tile of the AVX2 path: dst[c * ld_dst + r] = src[r * ld_src + c]
// for r, c < 8.
void transpose_tile_8x8_f32_avx2(const float* src, int64_t ld_src, float* dst, int64_t ld_dst);
// dst[a·rows + b] = src[b·ld_src + a] for b < rows (2, 3 or 4) and a below
// len rounded down to 8; returns that count (0 for other row counts).
int64_t interleave_rows_f32_avx2(const float* src, int64_t ld_src, float* dst, int64_t len, int rows);

}  // namespace frost::kernels
