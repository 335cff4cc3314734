// The seam between the ISA-neutral GEMM front end (gemm_f32.cc, built with
// the project's flags) and the per-ISA translation units (gemm_f32_*_<isa>.cc,
// each built with its own -m flags). Only plain function pointers cross it, so
// no inline code compiled for a wider ISA can leak into code that runs before
// the CPU check.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/gemm.h"

namespace frost::kernels::simd {

struct GemmKernelTable {
  const char* name;  // "gemm_f32_<MR>x<NR>_<isa>"
  int mr, nr;        // register tile: rows of A × columns of B
  size_t (*packed_b_floats)(int64_t n, int64_t k);
  void (*pack_b)(const GemmShape& s, const float* b, float* packed_b);
  size_t (*scratch_floats)(const GemmShape& s, bool b_packed, int threads);
  // b is B as stored (b_packed == false) or packed by pack_b; scratch holds
  // scratch_floats(s, b_packed, threads) floats; threads >= 1.
  void (*run)(const GemmShape& s, const float* a, const float* b, bool b_packed, float* c,
              const GemmEpilogue& ep, int threads, float* scratch);
};

const GemmKernelTable& gemm_table_6x8_sse2();
const GemmKernelTable& gemm_table_6x16_avx2();
const GemmKernelTable& gemm_table_12x32_avx512();

}  // namespace frost::kernels::simd
