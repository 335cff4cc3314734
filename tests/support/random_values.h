// Seeded random integers and tensors for the randomised op tests (the seed
// as test_seed.h gives it: FROST_TEST_SEED, else the suite's default).
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <random>

#include "graph/tensor.h"
#include "test_seed.h"

namespace frost::testing {

class RandomValues {
 public:
  RandomValues(const char* suite, uint64_t default_seed)
      : rng_(static_cast<uint32_t>(seed_from_env(suite, default_seed))) {}

  int64_t uniform(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }

  // Values from integers in [-1000, 1000]: floats divided by 7, int64 times
  // 1000003 (past int32's range), uint8 wrapped.
  Tensor tensor(DType dtype, const Shape& shape) {
    Tensor t(dtype, shape);
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      const int64_t v = uniform(-1000, 1000);
      switch (dtype) {
        case DType::Float: t.data<float>()[i] = static_cast<float>(v) / 7.0f; break;
        case DType::Int32: t.data<int32_t>()[i] = static_cast<int32_t>(v); break;
        case DType::Int64: t.data<int64_t>()[i] = v * 1000003; break;
        case DType::UInt8: t.data<uint8_t>()[i] = static_cast<uint8_t>(v); break;
        default: FAIL("unexpected dtype");
      }
    }
    return t;
  }

 private:
  std::mt19937 rng_;
};

}  // namespace frost::testing
