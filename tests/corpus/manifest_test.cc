// Every frozen graph of the shared corpus loads, validates, and `inspect`
// reports the inputs and outputs its MANIFEST.md lists. Graphs with ops Frost
// does not implement yet must fail to run with the unknown-op error.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>

#include "cli_util.h"
#include "graph/op_registry.h"
#include "graph/summary.h"
#include "graph/validate.h"
#include "io/graphdef_convert.h"
#include "runtime/executor.h"
#include "runtime/random_inputs.h"

using namespace frost;
using namespace frost::testing;

namespace {

struct ManifestRow {
  std::string name;
  size_t nodes = 0;
  std::vector<std::string> inputs;   // "name dtype shape", MANIFEST spelling
  std::vector<std::string> outputs;  // node names
};

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" `"), b = s.find_last_not_of(" `");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep)) out.push_back(trim(part));
  return out;
}

// Rows of section 1 ("Frozen graphs"): | # | `name` | repo | path | bytes | nodes | inputs | outputs | ...
std::vector<ManifestRow> read_manifest(const std::string& path) {
  std::ifstream in(path);
  std::vector<ManifestRow> rows;
  std::string line;
  const std::regex row_start(R"(^\| \d+ \| `)");
  while (std::getline(in, line)) {
    if (!std::regex_search(line, row_start)) continue;
    const auto cells = split(line, '|');
    ManifestRow r;
    r.name = cells.at(2);
    r.nodes = std::stoul(cells.at(6));
    std::string inputs = std::regex_replace(cells.at(7), std::regex(R"(\s*\([^)]*\))"), "");
    for (const auto& i : split(inputs, ';')) r.inputs.push_back(i);
    for (const auto& o : split(cells.at(8), ';')) r.outputs.push_back(o);
    rows.push_back(r);
  }
  return rows;
}

std::string manifest_dtype(DType t) {
  switch (t) {
    case DType::Float: return "float32";
    case DType::Double: return "float64";
    default: return dtype_name(t);
  }
}

// "name dtype shape" as MANIFEST writes it: shape "?" when the rank is unknown.
std::string describe(const GraphInput& in) {
  std::string shape = "?";
  if (in.shape.known_rank()) {
    shape = "[";
    for (int i = 0; i < in.shape.rank(); ++i) shape += (i ? "," : "") + std::to_string(in.shape.dim(i));
    shape += "]";
  }
  return in.name + " " + manifest_dtype(in.dtype) + " " + shape;
}

}  // namespace

TEST_CASE("corpus: every frozen graph loads and inspect reports MANIFEST's inputs and outputs") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  const auto rows = read_manifest(corpus + "/MANIFEST.md");
  REQUIRE(rows.size() == 20);
  for (const ManifestRow& row : rows) {
    CAPTURE(row.name);
    const Graph g = load_graph(corpus + "/graphs/" + row.name + ".pb");
    CHECK(g.size() == row.nodes);
    CHECK_NOTHROW(validate_graph(g));
    const GraphSummary s = summarize_graph(g);
    std::vector<std::string> inputs;
    for (const GraphInput& in : s.inputs) inputs.push_back(describe(in));
    CHECK(inputs == row.inputs);
    std::vector<std::string> outputs;
    for (const OutputSummary& o : s.outputs) outputs.push_back(o.output.name);
    CHECK(outputs == row.outputs);
  }
}

TEST_CASE("corpus: graphs with unsupported ops fail to run with the unknown-op error") {
  const std::string corpus = corpus_dir();
  if (corpus.empty()) return;
  for (const ManifestRow& row : read_manifest(corpus + "/MANIFEST.md")) {
    CAPTURE(row.name);
    const Graph g = load_graph(corpus + "/graphs/" + row.name + ".pb");
    std::string missing;
    for (const Node* n : g.nodes())
      if (!OpRegistry::global().find(n->op)) missing = n->op;
    if (missing.empty()) continue;  // runnable graphs are compared with TensorFlow elsewhere
    FeedMap feeds;
    const GraphSummary s = summarize_graph(g);
    for (const GraphInput& in : s.inputs) {
      if (in.has_default) continue;
      // The values do not matter: unknown ops are reported before anything runs.
      const PartialShape shape = in.shape.known_rank() ? in.shape : PartialShape{1};
      feeds[TensorId{in.name, 0, false}] = in.dtype == DType::String ? Tensor::string_scalar("")
                                                                      : random_input({in.name, in.dtype, shape, false}, 1);
    }
    std::vector<TensorId> fetches;
    for (const OutputSummary& o : s.outputs) fetches.push_back(TensorId::parse(o.output.name));
    try {
      run_reference(g, feeds, fetches);
      FAIL("expected an unknown-op error");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find("unknown op") != std::string::npos);
      CHECK(std::string(e.what()).find(row.name) != std::string::npos);
    }
  }
}
