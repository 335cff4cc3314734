// What `frost inspect` reports about a graph, computed here so that tests and
// other commands can use it: inputs, likely outputs, op histogram, parameter
// counts, and training leftovers with a hint of what to do about each.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/shape_inference.h"
#include "graph/signature.h"

namespace frost {

struct Leftover {
  std::string kind;                // "variables", "gradients", ...
  int count = 0;
  std::string example;             // one node name
  std::string hint;                // what the user should do
};

struct ParameterCount {
  int64_t elements = 0;
  int64_t bytes = 0;
};

struct OutputSummary {
  GraphOutput output;
  InferredTensor tensor;
};

struct GraphSummary {
  size_t node_count = 0;
  int producer = 0;
  std::vector<GraphInput> inputs;
  std::vector<std::string> unused_placeholders;
  std::vector<UnusedInput> unused_inputs;  // labels, pipeline components no output needs
  std::vector<GraphOutput> loss_heads;     // left out of the outputs
  std::vector<OutputSummary> outputs;
  std::vector<std::pair<std::string, int>> op_histogram;  // most frequent first
  std::map<DType, ParameterCount> parameters;           // Const values by dtype
  bool frozen = true;                                   // no variable ops
  bool has_while_loops = false;
  std::vector<Leftover> leftovers;
};

GraphSummary summarize_graph(const Graph& g);

}  // namespace frost
