// Whether a 512-bit FMA does the work of two 256-bit ones on this CPU: the
// kernels' cost rules (conv2d_winograd_pays) weigh an AVX-512 kernel against
// an AVX2 one by it. Zen 4 splits each zmm FMA into two 256-bit halves, so
// AVX-512 and AVX2 kernels peak at the same FLOP/s there; Zen 5 (AMD family
// 26) runs 512-bit FMAs at full width, twice the FLOP/s (measured on the
// 2-core VM: ~242 GFLOP/s a core in zmm against 87 in ymm). Deterministic
// (CPUID, not a timing), so a model plans the same kernels on every run.
#pragma once

namespace frost::kernels {

// Pure: from the CPUID vendor and family. Only AMD family 26 (Zen 5) and
// later count; every other CPU keeps the rules tuned on Zen 4 (an Intel
// part's 512-bit rate depends on its SKU's FMA units, which CPUID does not tell).
bool zmm_fma_full_rate(bool amd, int family);

// This CPU's answer (x86 CPUID; false elsewhere), read once.
bool zmm_fma_full_rate();

}  // namespace frost::kernels
