// The seed of a randomised test suite: FROST_TEST_SEED replays a run, else the
// suite's fixed default. It is printed, so a failing log says how to repeat it.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace frost::testing {

inline uint64_t seed_from_env(const char* suite, uint64_t fallback) {
  const char* env = std::getenv("FROST_TEST_SEED");
  const uint64_t seed = env != nullptr ? std::strtoull(env, nullptr, 10) : fallback;
  MESSAGE(std::string(suite) << " tests: FROST_TEST_SEED=" << seed);
  return seed;
}

}  // namespace frost::testing
