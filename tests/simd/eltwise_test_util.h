// Shared by the element-wise SIMD kernel tests (pool, binary, activation,
// softmax): the printed seed, the ISAs this CPU runs, random data, and the
// thread/ISA options every kernel is run with.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <random>
#include <vector>

#include "kernels/elementwise.h"
#include "kernels/gemm.h"
#include "runnable_isas.h"
#include "test_seed.h"

namespace frost::kernels::testing {

// FROST_TEST_SEED replays a run; the seed is printed once per binary.
inline uint64_t eltwise_seed() {
  static const uint64_t s = ::frost::testing::seed_from_env("element-wise SIMD", 20261122ULL);
  return s;
}

// Every ISA the CPU runs, each with 1 thread and with 3 forced threads (the
// slicing of the work must not change the result).
inline std::vector<GemmRun> eltwise_runs() {
  std::vector<GemmRun> out;
  for (GemmIsa isa : ::frost::testing::runnable_isas())
    for (int threads : {1, 3}) out.push_back(GemmRun{threads, true, isa, nullptr});
  return out;
}

inline int64_t pick(std::mt19937_64& rng, std::initializer_list<int64_t> values) {
  return *(values.begin() + static_cast<std::ptrdiff_t>(rng() % values.size()));
}

inline std::vector<float> random_floats(std::mt19937_64& rng, int64_t n, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

// Sprinkles NaN, ±0 and ±inf into v (about one element in 16).
inline void add_specials(std::mt19937_64& rng, std::vector<float>& v) {
  const float specials[] = {std::numeric_limits<float>::quiet_NaN(), 0.0f, -0.0f,
                            std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
  for (float& x : v)
    if (rng() % 16 == 0) x = specials[rng() % 5];
}

// Equal bits, or both NaN.
inline bool same_float(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  uint32_t ua, ub;
  std::memcpy(&ua, &a, 4);
  std::memcpy(&ub, &b, 4);
  return ua == ub;
}

// An output buffer of n floats plus a sentinel after it, to catch writes past the end.
struct Guarded {
  static constexpr float kSentinel = 4242.0f;
  std::vector<float> v;
  explicit Guarded(int64_t n) : v(static_cast<size_t>(n) + 1, std::numeric_limits<float>::quiet_NaN()) {
    v.back() = kSentinel;
  }
  float* data() { return v.data(); }
  bool intact() const { return v.back() == kSentinel; }
  float operator[](int64_t i) const { return v[static_cast<size_t>(i)]; }
};

}  // namespace frost::kernels::testing
