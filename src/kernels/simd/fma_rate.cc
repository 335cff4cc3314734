// kernels/fma_rate.h: the CPUID vendor and family behind zmm_fma_full_rate.
#include "kernels/fma_rate.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

#include <cstring>
#endif

namespace frost::kernels {

namespace {

// AMD's first family with full-width 512-bit FMAs (Zen 5).
constexpr int kAmdFullRateZmmFamily = 26;

bool read_this_cpu() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0, &eax, &ebx, &ecx, &edx) == 0) return false;
  char vendor[13] = {};
  std::memcpy(vendor, &ebx, 4);
  std::memcpy(vendor + 4, &edx, 4);
  std::memcpy(vendor + 8, &ecx, 4);
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
  // The displayed family: the base family, plus the extended one when the base is 0xF.
  const int base = static_cast<int>((eax >> 8) & 0xF);
  const int family = base == 0xF ? base + static_cast<int>((eax >> 20) & 0xFF) : base;
  return zmm_fma_full_rate(std::strcmp(vendor, "AuthenticAMD") == 0, family);
#else
  return false;
#endif
}

}  // namespace

bool zmm_fma_full_rate(bool amd, int family) { return amd && family >= kAmdFullRateZmmFamily; }

bool zmm_fma_full_rate() {
  static const bool full = read_this_cpu();
  return full;
}

}  // namespace frost::kernels
