// frost freeze (--graph G.pb|G.pbtxt | --meta M.meta | --saved-model DIR
//   [--tag serve] [--signature serving_default]) [--checkpoint PREFIX]
//   [--outputs a,b] [--set name=value ...] -o frozen.pb
// A training graph + checkpoint -> one frozen GraphDef (see freeze/freeze_graph.h).
#include <chrono>
#include <iomanip>
#include <iostream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/model_args.h"
#include "freeze/freeze_graph.h"
#include "io/graphdef_convert.h"

namespace frost::cli {

namespace {

// Args reads only `--long` options: `-o X` is spelled `--output-file X`.
Argv with_long_options(const Argv& argv) {
  Argv out;
  for (const std::string& a : argv) out.push_back(a == "-o" ? "--output-file" : a);
  return out;
}

FreezeInput input_from_args(const Args& args) {
  FreezeInput in;
  int given = 0;
  if (args.has("graph")) {
    in.kind = FreezeInput::Kind::GraphDef;
    in.path = args.value("graph");
    ++given;
  }
  if (args.has("meta")) {
    in.kind = FreezeInput::Kind::MetaGraph;
    in.path = args.value("meta");
    ++given;
  }
  if (args.has("saved-model")) {
    in.kind = FreezeInput::Kind::SavedModel;
    in.path = args.value("saved-model");
    ++given;
  }
  if (given != 1) throw Error("give exactly one of --graph G.pb, --meta M.meta, --saved-model DIR");
  if (in.kind != FreezeInput::Kind::SavedModel && (args.has("tag") || args.has("signature")))
    throw Error("--tag and --signature apply to --saved-model only");
  in.checkpoint = args.value("checkpoint");
  in.tag = args.value("tag", in.tag);
  in.signature = args.value("signature", in.signature);
  return in;
}

}  // namespace

int freeze_command(const Argv& argv) {
  const Args args(with_long_options(argv),
                  {"graph", "meta", "saved-model", "tag", "signature", "checkpoint", "outputs", "set", "output-file"},
                  {});
  if (!args.positional().empty()) throw Error("unexpected argument '" + args.positional()[0] + "'");
  if (!args.has("output-file")) throw Error("name the frozen graph to write with -o FILE.pb");
  const FreezeInput input = input_from_args(args);
  FreezeOptions options;
  options.outputs = args.values("outputs");
  options.set = set_specs_from_args(args);

  const auto start = std::chrono::steady_clock::now();
  const FreezeResult result = freeze_with_report(input, options);
  const std::string out_path = args.value("output-file");
  save_graph(result.graph, out_path);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const FreezeReport& r = result.report;
  std::cout << "froze " << input.path << " -> " << out_path << "\n"
            << "  variables frozen: " << r.variables_frozen
            << (r.checkpoint_prefix.empty() ? "" : " (from " + r.checkpoint_prefix + ")") << "\n"
            << "  nodes: " << r.nodes_before << " -> " << r.nodes_after << "\n";
  if (r.switches_resolved) std::cout << "  conditionals resolved: " << r.switches_resolved << "\n";
  std::cout << "  inputs:";
  for (const auto& n : r.inputs) std::cout << " " << n;
  std::cout << (r.inputs.empty() ? " (none)" : "") << "\n  outputs:";
  for (const auto& n : r.outputs) std::cout << " " << n;
  std::cout << "\n";
  for (const std::string& note : r.notes) std::cout << "  " << note << "\n";
  std::cout << std::fixed << std::setprecision(3) << "  time: " << seconds << " s\n";
  return 0;
}

}  // namespace frost::cli
