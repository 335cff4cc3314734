// How the tests name a shape-like list in a failure message: `name [a,b,c,] `.
// One spelling, so every kernel test's message reads the same way.
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

namespace frost::testing {

inline void describe_list(std::ostream& out, const char* name, const std::vector<int64_t>& values) {
  out << name << " [";
  for (int64_t v : values) out << v << ",";
  out << "] ";
}

}  // namespace frost::testing
