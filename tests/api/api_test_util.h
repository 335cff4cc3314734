// Shared by the C and C++ API tests, which link only the installed-style
// libfrost.so and see only its public headers (as a user's program would).
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "npy_file.h"  // examples/cpp: the examples' own .npy reader

namespace api_test {

inline std::string source_root() {
  const char* root = std::getenv("FROST_SOURCE_ROOT");
  return root ? root : ".";
}
inline std::string model_path(const std::string& relative) { return source_root() + "/models/" + relative; }

// The float32 contents of a .npy.
struct Floats {
  std::vector<int64_t> shape;
  std::vector<float> values;
};
inline Floats read_floats(const std::string& path) {
  const example::NpyArray a = example::read_npy(path);
  REQUIRE(a.descr == "<f4");
  Floats f{a.shape, std::vector<float>(a.bytes.size() / sizeof(float))};
  std::memcpy(f.values.data(), a.bytes.data(), f.values.size() * sizeof(float));
  return f;
}

inline double max_abs_diff(const float* a, const std::vector<float>& b) {
  double m = 0;
  for (size_t i = 0; i < b.size(); ++i) m = std::max(m, std::fabs(static_cast<double>(a[i]) - b[i]));
  return m;
}

}  // namespace api_test
