// libFuzzer's entry point for one target, chosen at build time by
// FROST_FUZZ_TARGET (tests/fuzz/meson.build builds one executable per target).
// A frost::Error is the clean refusal the target promises; anything else that
// escapes is reported by libFuzzer as a crash ("deadly signal").
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_target.h"
#include "graph/error.h"

#ifndef FROST_FUZZ_TARGET
#error "FROST_FUZZ_TARGET must name a target (tests/fuzz/meson.build sets it)"
#endif

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  frost::fuzz::prepare_process();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    frost::fuzz::FROST_FUZZ_TARGET(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const frost::Error&) {
    // refused cleanly
  }
  return 0;
}
