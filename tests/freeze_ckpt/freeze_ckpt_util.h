// Shared by the freeze tests: where the corpus and the bundled models are,
// comparing the constants of two graphs byte for byte, and running a graph
// on seeded inputs.
#pragma once

#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "cli_util.h"
#include "freeze/freeze_graph.h"
#include "graph/signature.h"
#include "io/graphdef_convert.h"
#include "runtime/executor.h"
#include "runtime/random_inputs.h"

namespace frost::testing {

// models/<name> in the source tree, or "" with a visible skip message.
inline std::string model_dir(const std::string& name) {
  const char* root = std::getenv("FROST_SOURCE_ROOT");
  const std::filesystem::path dir = std::filesystem::path(root ? root : ".") / "models" / name;
  if (std::filesystem::exists(dir)) return dir.string();
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") FAIL("models/" << name << " not found; required under CI=true");
  MESSAGE("SKIPPED: models/" << name << " not found");
  return "";
}

// What to freeze: a .meta (its checkpoint next to it), or a GraphDef and a checkpoint.
inline FreezeInput meta_input(const std::string& path) {
  FreezeInput in;
  in.kind = FreezeInput::Kind::MetaGraph;
  in.path = path;
  return in;
}

inline FreezeInput graph_input(const std::string& path, const std::string& checkpoint) {
  FreezeInput in;
  in.kind = FreezeInput::Kind::GraphDef;
  in.path = path;
  in.checkpoint = checkpoint;
  return in;
}

inline std::string corpus_file(const std::string& corpus, const std::string& file) {
  return (std::filesystem::path(corpus) / "graphs" / file).string();
}

inline bool same_bytes(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
  if (a.dtype() == DType::String) return a.strings() == b.strings();
  return a.byte_size() == b.byte_size() && std::memcmp(a.raw_data(), b.raw_data(), a.byte_size()) == 0;
}

// Every Const of `reference` whose name is in `frozen` holds the same dtype,
// shape and bytes there; returns how many were compared. `names` (optional)
// limits the comparison to those names.
inline int check_constants_identical(const Graph& frozen, const Graph& reference,
                                     const std::vector<std::string>& names = {}) {
  int compared = 0;
  for (const Node* ref : reference.nodes()) {
    if (ref->op != "Const") continue;
    if (!names.empty() && std::find(names.begin(), names.end(), ref->name) == names.end()) continue;
    const Node* ours = frozen.find(ref->name);
    if (!ours) continue;
    REQUIRE_MESSAGE(ours->op == "Const", ref->name << " is " << ours->op << " in the frozen graph");
    CHECK_MESSAGE(same_bytes(ours->attr_tensor("value"), ref->attr_tensor("value")),
                  "constant " << ref->name << " differs: " << ours->attr_tensor("value").summary() << " vs "
                              << ref->attr_tensor("value").summary());
    ++compared;
  }
  return compared;
}

inline int count_op(const Graph& g, const std::string& op) {
  int n = 0;
  for (const Node* node : g.nodes()) n += node->op == op;
  return n;
}

// Seeded inputs for the required placeholders of `g` (batch `unknown_dim`).
inline FeedMap seeded_feeds(const Graph& g, uint64_t seed, int64_t unknown_dim = 2) {
  FeedMap feeds;
  for (const GraphInput& in : detect_inputs(g))
    if (!in.has_default) feeds[TensorId{in.name, 0, false}] = random_input(in, seed, unknown_dim);
  return feeds;
}

inline double max_abs_diff(const Tensor& a, const Tensor& b) {
  REQUIRE(a.shape() == b.shape());
  double m = 0;
  for (int64_t i = 0; i < a.num_elements(); ++i) m = std::max(m, std::abs(a.as_double(i) - b.as_double(i)));
  return m;
}

}  // namespace frost::testing
