// Shared by the Keras tests: seeded inputs and output comparison.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "graph/tensor.h"

namespace frost::testing {

// Uniform floats in [lo, hi), or integers in [lo, hi) stored as floats.
inline Tensor seeded_input(Shape shape, uint64_t seed, float lo, float hi, bool integers = false) {
  std::mt19937_64 rng(seed);
  Tensor t(DType::Float, std::move(shape));
  std::uniform_real_distribution<float> real(lo, hi);
  std::uniform_int_distribution<int> whole(static_cast<int>(lo), static_cast<int>(hi) - 1);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = integers ? static_cast<float>(whole(rng)) : real(rng);
  return t;
}

// max |a - b| / max |b| (b the reference); checks shapes match.
inline double relative_error(const Tensor& a, const Tensor& b) {
  REQUIRE(a.shape() == b.shape());
  double diff = 0, scale = 0;
  for (int64_t i = 0; i < a.num_elements(); ++i) {
    diff = std::max(diff, std::fabs(a.as_double(i) - b.as_double(i)));
    scale = std::max(scale, std::fabs(b.as_double(i)));
  }
  return scale > 0 ? diff / scale : diff;
}

}  // namespace frost::testing
