// Building small graphs in tests.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"

namespace frost::testing {

inline Node node(std::string name, std::string op, std::vector<std::string> inputs = {}) {
  Node n;
  n.name = std::move(name);
  n.op = std::move(op);
  n.inputs = std::move(inputs);
  return n;
}

}  // namespace frost::testing
