// Front end of the optimised GEMM: picks the micro-kernel for the running
// CPU, resolves the thread count and the scratch, and hands over to the
// per-ISA code (gemm_impl.h) through a GemmKernelTable.
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "graph/error.h"
#include "kernels/gemm.h"
#include "kernels/max_isa.h"
#include "kernels/simd/gemm_kernel_table.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels {
namespace {

// __builtin_cpu_supports also checks that the OS saves the wider registers
// (XCR0), which a bare CPUID bit does not: a VM may report AVX-512 in CPUID
// and still not enable it.
bool cpu_has(GemmIsa isa) {
  switch (isa) {
    case GemmIsa::kSse2: return true;  // part of x86-64
    case GemmIsa::kAvx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case GemmIsa::kAvx512: return __builtin_cpu_supports("avx512f");
    case GemmIsa::kAuto: return true;
  }
  return false;
}

GemmIsa resolve(GemmIsa isa) { return isa == GemmIsa::kAuto ? gemm_best_isa() : isa; }

const simd::GemmKernelTable& table_for(GemmIsa isa) {
  switch (resolve(isa)) {
    case GemmIsa::kAvx512: return simd::gemm_table_12x32_avx512();
    case GemmIsa::kAvx2: return simd::gemm_table_6x16_avx2();
    default: return simd::gemm_table_6x8_sse2();
  }
}

// Small problems, or any problem on a machine whose cores are busy, use
// fewer threads (kernels/simd/thread_policy.h says why and how).
int threads_for(const GemmShape& s, int threads) {
  const double flops = 2.0 * static_cast<double>(s.m) * static_cast<double>(s.n) * static_cast<double>(s.k);
  return simd::choose_threads(flops, threads);
}

void run(const GemmShape& s, const float* a, const float* b, bool b_packed, float* c, const GemmEpilogue& ep,
         const GemmRun& r) {
  if (s.m <= 0 || s.n <= 0) return;
  const simd::GemmKernelTable& t = table_for(r.isa);
  const int available = simd::resolve_threads(r.threads);
  const int threads = r.force_threads ? available : threads_for(s, available);
  float* scratch = r.scratch;
  if (scratch == nullptr) {
    // Convenience for callers without a planner; grows to the largest call and stays.
    thread_local std::vector<float> own;
    const size_t need = t.scratch_floats(s, b_packed, threads);
    if (own.size() < need) own.resize(need);
    scratch = own.data();
  }
  t.run(s, a, b, b_packed, c, ep, threads, scratch);
}

}  // namespace

bool gemm_isa_available(GemmIsa isa) { return cpu_has(isa); }

GemmIsa parse_max_isa(const char* spec) {
  if (spec == nullptr || *spec == '\0') return GemmIsa::kAuto;
  const std::string_view s(spec);
  if (s == "avx512") return GemmIsa::kAvx512;
  if (s == "avx2") return GemmIsa::kAvx2;
  if (s == "sse2") return GemmIsa::kSse2;
  throw Error("FROST_MAX_ISA: '" + std::string(s) + "' is not an instruction set Frost has kernels for (avx512, avx2 or sse2)");
}

GemmIsa gemm_best_isa() {
  // Throws (again at each call) while FROST_MAX_ISA is invalid:
  // Session::load calls this first, so the error names the variable when a
  // model loads.
  static const GemmIsa best = [] {
    const GemmIsa cap = parse_max_isa(std::getenv("FROST_MAX_ISA"));
    for (const GemmIsa isa : {GemmIsa::kAvx512, GemmIsa::kAvx2})
      if (cpu_has(isa) && (cap == GemmIsa::kAuto || isa <= cap)) return isa;
    return GemmIsa::kSse2;
  }();
  return best;
}

const char* gemm_isa_name(GemmIsa isa) {
  switch (resolve(isa)) {
    case GemmIsa::kAvx512: return "AVX-512";
    case GemmIsa::kAvx2: return "AVX2";
    default: return "SSE2";
  }
}

const char* gemm_kernel_name(GemmIsa isa) { return table_for(isa).name; }

size_t gemm_packed_b_floats(int64_t n, int64_t k, GemmIsa isa) { return table_for(isa).packed_b_floats(n, k); }

void gemm_pack_b(const GemmShape& s, const float* b, float* packed_b, GemmIsa isa) {
  table_for(isa).pack_b(s, b, packed_b);
}

size_t gemm_scratch_floats(const GemmShape& s, bool b_packed, int threads, GemmIsa isa) {
  return table_for(isa).scratch_floats(s, b_packed, simd::resolve_threads(threads));
}

void gemm_f32(const GemmShape& s, const float* a, const float* b, float* c, const GemmEpilogue& ep,
              const GemmRun& run_opts) {
  run(s, a, b, /*b_packed=*/false, c, ep, run_opts);
}

void gemm_f32_packed(const GemmShape& s, const float* a, const float* packed_b, float* c,
                     const GemmEpilogue& ep, const GemmRun& run_opts) {
  run(s, a, packed_b, /*b_packed=*/true, c, ep, run_opts);
}

}  // namespace frost::kernels
