// The SIMD instruction sets the SIMD tests run: every one this CPU (and OS)
// supports. An unsupported one is named once per run, so a log shows what
// was not exercised (e.g. AVX-512 on an AVX2 machine).
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kernels/gemm.h"

namespace frost::testing {

inline std::vector<kernels::GemmIsa> runnable_isas() {
  using kernels::GemmIsa;
  std::vector<GemmIsa> out;
  for (GemmIsa isa : {GemmIsa::kSse2, GemmIsa::kAvx2, GemmIsa::kAvx512}) {
    if (kernels::gemm_isa_available(isa)) {
      out.push_back(isa);
    } else {
      static bool told = false;
      if (!told)
        MESSAGE("skipping " << std::string(kernels::gemm_kernel_name(isa)) << ": this CPU (or OS) does not support it");
      told = true;
    }
  }
  return out;
}

// A run on exactly this ISA and thread count (the kernel's own thread
// choice overridden), so that a test exercises the split it names.
inline kernels::GemmRun forced_run(kernels::GemmIsa isa, int threads) {
  kernels::GemmRun run;
  run.isa = isa;
  run.threads = threads;
  run.force_threads = true;
  return run;
}

}  // namespace frost::testing
