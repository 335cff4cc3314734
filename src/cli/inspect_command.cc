// frost inspect MODEL [--json]: like TensorFlow's summarize_graph.
#include <iomanip>
#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/json_writer.h"
#include "graph/graphdef_convert.h"
#include "io/model_file.h"
#include "graph/summary.h"
#include "graph/validate.h"

namespace frost::cli {

namespace {

std::string dtype_or_unknown(DType t) { return t == DType::Invalid ? "?" : dtype_name(t); }

void print_text(const std::string& path, const GraphSummary& s) {
  std::cout << path << ": " << s.node_count << " nodes, producer " << s.producer << ", "
            << (s.frozen ? "frozen" : "NOT frozen (has variables)") << (s.has_while_loops ? ", has while loops" : "")
            << "\n\nInputs:\n";
  if (s.inputs.empty()) std::cout << "  (none)\n";
  for (const GraphInput& in : s.inputs)
    std::cout << "  " << in.name << "  " << dtype_or_unknown(in.dtype) << " " << in.shape.to_string()
              << (in.has_default ? "  (has a default; feeding is optional)" : "") << "\n";
  if (!s.unused_placeholders.empty())
    std::cout << "  (+" << s.unused_placeholders.size() << " placeholders nothing consumes, e.g. "
              << s.unused_placeholders[0] << ")\n";

  std::cout << "\nLikely outputs:\n";
  if (s.outputs.empty()) std::cout << "  (none found)\n";
  for (const OutputSummary& o : s.outputs)
    std::cout << "  " << o.output.name << "  " << dtype_or_unknown(o.tensor.dtype) << " " << o.tensor.shape.to_string()
              << "  — " << o.output.reason << "\n";

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

void print_json(const std::string& path, const GraphSummary& s) {
  JsonWriter j(std::cout);
  j.begin_object();
  j.key("file").value(path);
  j.key("nodes").value(static_cast<int64_t>(s.node_count));
  j.key("producer").value(s.producer);
  j.key("frozen").value(s.frozen);
  j.key("while_loops").value(s.has_while_loops);
  j.key("inputs").begin_array();
  for (const GraphInput& in : s.inputs) {
    j.begin_object().key("name").value(in.name).key("dtype").value(dtype_or_unknown(in.dtype));
    j.key("shape");
    if (in.shape.known_rank()) {
      j.begin_array();
      for (int64_t d : in.shape.dims()) j.value(d);
      j.end_array();
    } else {
      j.null();
    }
    j.key("has_default").value(in.has_default).end_object();
  }
  j.end_array();
  j.key("unused_placeholders").begin_array();
  for (const std::string& p : s.unused_placeholders) j.value(p);
  j.end_array();
  j.key("outputs").begin_array();
  for (const OutputSummary& o : s.outputs)
    j.begin_object()
        .key("name").value(o.output.name)
        .key("dtype").value(dtype_or_unknown(o.tensor.dtype))
        .key("shape").value(o.tensor.shape.to_string())
        .key("reason").value(o.output.reason)
        .end_object();
  j.end_array();
  j.key("ops").begin_object();
  for (const auto& [op, count] : s.op_histogram) j.key(op).value(count);
  j.end_object();
  j.key("parameters").begin_object();
  for (const auto& [dtype, p] : s.parameters)
    j.key(dtype_name(dtype)).begin_object().key("elements").value(p.elements).key("bytes").value(p.bytes).end_object();
  j.end_object();
  j.key("leftovers").begin_array();
  for (const Leftover& l : s.leftovers)
    j.begin_object()
        .key("kind").value(l.kind)
        .key("count").value(l.count)
        .key("example").value(l.example)
        .key("hint").value(l.hint)
        .end_object();
  j.end_array();
  j.end_object();
  std::cout << "\n";
}

}  // namespace

int inspect_command(const Argv& argv) {
  const Args args(argv, {}, {"json"});
  const std::string& path = args.only_positional("model file");
  const Graph g = load_model_file(path);
  validate_graph(g);
  const GraphSummary s = summarize_graph(g);
  if (args.flag("json")) print_json(path, s);
  else print_text(path, s);
  return 0;
}

}  // namespace frost::cli
