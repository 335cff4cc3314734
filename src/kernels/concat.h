// Joining and splitting dense row-major tensors along one axis as block
// copies (TensorFlow's ConcatV2, Concat, Pack, Split, SplitV, Unpack).
// Along axis a, a tensor of dims D is a matrix of `outer` = D[0]*...*D[a-1]
// rows; piece i's row is row_bytes[i] = D_i[a]*...*D_i[r-1]*elem bytes, and
// the joined row is the pieces' rows one after another. So any axis is
// `outer` x pieces row copies (kernels/simd/concat.cc: in blocks of rows,
// shared by the threads of `run` when there is enough to move), and along
// the outermost axis (outer == 1) each piece is one memcpy. Sources and
// destinations must not overlap. No allocation, no exceptions. The
// element-wise oracle is strided_copy_reference (kernels/strided_copy.h), as
// the reference ops use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "kernels/gemm.h"  // GemmRun

namespace frost::kernels {

struct JoinPiece {
  const void* src;        // outer rows of row_bytes each
  std::size_t row_bytes;
};

struct SplitPiece {
  void* dst;              // outer rows of row_bytes each
  std::size_t row_bytes;
};

// dst row o = pieces[0] row o | pieces[1] row o | ...
void concat_rows(std::span<const JoinPiece> pieces, int64_t outer, void* dst, const GemmRun& run = {});
// pieces[i] row o = the i-th part of src row o (the parts in order).
void split_rows(const void* src, int64_t outer, std::span<const SplitPiece> pieces, const GemmRun& run = {});

}  // namespace frost::kernels
