// frost inspect MODEL [--json]: like TensorFlow's summarize_graph.
#include <iomanip>
#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/inspect_json.h"
#include "io/graphdef_convert.h"
#include "io/model_file.h"
#include "graph/summary.h"
#include "graph/validate.h"
#include "io/graphdef_convert.h"

namespace frost::cli {

namespace {

void print_text(const std::string& path, const GraphSummary& s) {
  std::cout << path << ": " << s.node_count << " nodes, producer " << s.producer << ", "
            << (s.frozen ? "frozen" : "NOT frozen (has variables)") << (s.has_while_loops ? ", has while loops" : "")
            << "\n\nInputs:\n";
  if (s.inputs.empty()) std::cout << "  (none)\n";
  for (const GraphInput& in : s.inputs)
    std::cout << "  " << in.name << "  " << dtype_or_unknown(in.dtype) << " " << in.shape.to_string()
              << (in.has_default ? "  (has a default; feeding is optional)" : "")
              << (in.pipeline.empty() ? "" : "  — input pipeline: " + in.pipeline) << "\n";
  if (!s.unused_placeholders.empty())
    std::cout << "  (+" << s.unused_placeholders.size() << " placeholders nothing consumes, e.g. "
              << s.unused_placeholders[0] << ")\n";
  if (!s.unused_inputs.empty()) std::cout << "\nNot inputs (labels, unused pipeline components):\n";
  for (const UnusedInput& u : s.unused_inputs)
    std::cout << "  " << u.input.name << "  " << dtype_or_unknown(u.input.dtype) << " " << u.input.shape.to_string()
              << "  — " << u.reason << "\n";

  std::cout << "\nLikely outputs:\n";
  if (s.outputs.empty()) std::cout << "  (none found)\n";
  for (const OutputSummary& o : s.outputs)
    std::cout << "  " << o.output.name << "  " << dtype_or_unknown(o.tensor.dtype) << " " << o.tensor.shape.to_string()
              << "  — " << o.output.reason << "\n";
  if (!s.loss_heads.empty()) std::cout << "\nLoss heads (training only, not outputs):\n";
  for (const GraphOutput& h : s.loss_heads) std::cout << "  " << h.name << "  — " << h.reason << "\n";

  std::cout << "\nOps (" << s.op_histogram.size() << " types):\n ";
  for (const auto& [op, count] : s.op_histogram) std::cout << " " << op << "×" << count;
  std::cout << "\n\nParameters (Const values):\n";
  int64_t total_bytes = 0;
  for (const auto& [dtype, p] : s.parameters) {
    std::cout << "  " << std::setw(8) << dtype_name(dtype) << ": " << p.elements << " elements, " << p.bytes
              << " bytes\n";
    total_bytes += p.bytes;
  }
  std::cout << "  total: " << total_bytes << " bytes\n\nTraining leftovers:\n";
  if (s.leftovers.empty()) std::cout << "  none\n";
  for (const Leftover& l : s.leftovers)
    std::cout << "  " << l.kind << " ×" << l.count << " (e.g. " << l.example << "): " << l.hint << "\n";
}

}  // namespace

int inspect_command(const Argv& argv) {
  const Args args(argv, {}, {"json"});
  const std::string& path = args.only_positional("model file");
  const Graph g = load_model_file(path);
  validate_graph(g);
  const GraphSummary s = summarize_graph(g);
  if (args.flag("json")) {
    write_inspect_json(std::cout, path, s);
    std::cout << "\n";
  } else {
    print_text(path, s);
  }
  return 0;
}

}  // namespace frost::cli
