// Constant padding (Pad, PadV2): the input placed at `before` inside an
// output of dims in_dims + before + after (row-major, dense), every other
// output element a copy of the element at `fill` (elem_bytes bytes; null
// means all-zero bytes). Element-size agnostic: floats, ints, bools and
// quantized types move the same way; strings are not flat and go elsewhere.
// No allocation, no exceptions; the caller checks that before/after are
// non-negative and that the output does not overflow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "kernels/gemm.h"  // GemmRun

namespace frost::kernels {

struct PadConstantParams {
  std::span<const int64_t> in_dims, before, after;  // one entry per dim, elements
};

// The oracle: one output element at a time.
void pad_constant_reference(const PadConstantParams& p, const void* src, void* dst, std::size_t elem_bytes,
                            const void* fill);

// The CPU backend's twin (kernels/simd/pad_constant.cc): same contract; the
// output is written once, as rows of fill, interior and fill, and its rows
// are shared by the threads of `run` (kernels/gemm.h) when there is enough
// to move.
void pad_constant(const PadConstantParams& p, const void* src, void* dst, std::size_t elem_bytes, const void* fill,
                  const GemmRun& run = {});

}  // namespace frost::kernels
