// Front end of the recurrent-cell gate kernels: picks the per-ISA table
// (rnn_f32_<isa>.cc). One thread: a time step is a few hundred elements.
#include "kernels/rnn_cell.h"
#include "kernels/simd/rnn_kernel_table.h"

namespace frost::kernels {

namespace {

const simd::RnnKernelTable& table(GemmIsa isa) {
  if (isa == GemmIsa::kAuto) isa = gemm_best_isa();
  switch (isa) {
    case GemmIsa::kAvx512: return simd::rnn_table_avx512();
    case GemmIsa::kAvx2: return simd::rnn_table_avx2();
    default: return simd::rnn_table_sse2();
  }
}

}  // namespace

void lstm_gates_f32(const RnnGates& g, const float* z, const float* c, float* h_out, float* c_out, GemmIsa isa) {
  table(isa).lstm(g, z, c, h_out, c_out);
}

void gru_gates_f32(const RnnGates& g, bool reset_after, const float* z, const float* h, float* h_out,
                   GemmIsa isa) {
  table(isa).gru(g, reset_after, z, h, h_out);
}

void gru_reset_state_f32(const RnnGates& g, const float* z, const float* h, float* rh, GemmIsa isa) {
  table(isa).gru_reset(g, z, h, rh);
}

void rnn_affine_f32(const RnnAffine& p, const float* a, const float* b, const float* w, const float* bias, float* z,
                    GemmIsa isa) {
  table(isa).affine(p, a, b, w, bias, z);
}

}  // namespace frost::kernels
