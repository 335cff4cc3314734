// The seam between the recurrent-cell front end (rnn_f32.cc: ISA choice) and
// its per-ISA translation units (rnn_f32_<isa>.cc); see gemm_kernel_table.h.
#pragma once

#include "kernels/rnn_cell.h"

namespace frost::kernels::simd {

struct RnnKernelTable {
  const char* name;  // "rnn_f32_<isa>"
  void (*lstm)(const RnnGates& g, const float* z, const float* c, float* h_out, float* c_out);
  void (*gru)(const RnnGates& g, bool reset_after, const float* z, const float* h, float* h_out);
  void (*gru_reset)(const RnnGates& g, const float* z, const float* h, float* rh);
  void (*affine)(const RnnAffine& p, const float* a, const float* b, const float* w, const float* bias, float* z);
};

const RnnKernelTable& rnn_table_sse2();
const RnnKernelTable& rnn_table_avx2();
const RnnKernelTable& rnn_table_avx512();

}  // namespace frost::kernels::simd
