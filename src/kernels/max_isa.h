// The cap on the kernels' instruction set: gemm_best_isa() (kernels/gemm.h),
// which every kernel's GemmIsa::kAuto runs, is the best ISA the CPU and OS
// support but at most the one the environment variable FROST_MAX_ISA names
// (avx512, avx2 or sse2). A newer machine then runs, checks and times the code
// an older one would: the tests run the model zoo's and the corpus's checks
// against TensorFlow so on every host (oneDNN's ONEDNN_MAX_CPU_ISA serves the
// same purpose). Any other value is an error naming the variable, thrown by
// gemm_best_isa() and so by Session::load.
#pragma once

#include "kernels/gemm.h"

namespace frost::kernels {

// FROST_MAX_ISA's value as a cap (kAuto: none, for null or ""); throws Error
// naming the variable for anything else. Pure. The GemmIsa values after
// kAuto are in order, older to newer, so a cap compares with <=.
GemmIsa parse_max_isa(const char* spec);

// "AVX-512", "AVX2" or "SSE2": the instruction set behind `isa` (kAuto: the
// one gemm_best_isa() runs), to name it beside a timing.
const char* gemm_isa_name(GemmIsa isa);

}  // namespace frost::kernels
