// frost optimize IN -o OUT: rewrite a frozen graph for inference and prove the
// rewrite kept its outputs (reference backend, seeded random inputs).
#include <iostream>

#include "cli/commands.h"
#include "cli/model_args.h"
#include "freeze/pass_driver.h"
#include "freeze/set_values.h"
#include "io/graphdef_convert.h"
#include "io/model_file.h"
#include "graph/tensor_names.h"
#include "graph/validate.h"
#include "io/graphdef_convert.h"

namespace frost::cli {

int optimize_command(const Argv& raw) {
  // `-o FILE` is the conventional spelling; Args only knows --long options.
  Argv argv = raw;
  for (std::string& a : argv)
    if (a == "-o") a = "--output-file";
  const Args args(argv, {"output-file", "outputs", "inputs", "set", "passes", "seed", "tolerance"},
                  {"report", "no-verify"});
  const std::string in = args.only_positional("input graph");
  if (!args.has("output-file")) throw Error("name the optimised graph with -o OUT.pb");
  Graph g = load_model_file(in);
  validate_graph(g);

  OptimizeOptions options;
  for (const std::string& name : args.values("outputs")) options.outputs.push_back(resolve_tensor(g, name).to_string());
  for (const std::string& name : args.values("inputs")) options.inputs.push_back(resolve_tensor(g, name).to_string());
  options.set = set_values_for(g, set_specs_from_args(args));
  options.passes = args.values("passes");
  options.verify = !args.flag("no-verify");
  options.seed = static_cast<uint64_t>(args.integer("seed", 1));
  options.tolerance = args.number("tolerance", 0);  // 0: derived

  OptimizeResult result = optimize_graph(g, options);
  const std::string out = args.value("output-file");
  save_graph(result.graph, out);

  const OptimizeReport& r = result.report;
  if (args.flag("report")) std::cout << r.to_string() << "\n";
  std::cout << in << " -> " << out << ": " << r.nodes_before << " -> " << r.nodes_after << " nodes in "
            << r.iterations << " iteration(s); BNs folded " << r.total("bn_folded") << ", dropouts removed "
            << r.total("dropout_masks_removed") << ", constants folded " << r.total("constants_folded") << ", fusions "
            << r.total("fusions") << "\n";
  for (const auto& [component, placeholder] : r.pipeline_placeholders)
    std::cout << "input pipeline component " << component << " -> Placeholder '" << placeholder << "'\n";
  const Verification& v = r.verification;
  if (v.ran)
    std::cout << "verified on seeded random inputs (seed " << v.seed << "): max relative error "
              << v.max_relative_error << " (tolerance " << v.tolerance << ", " << v.tolerance_basis << ")\n";
  else if (options.verify)
    std::cout << "not verified: " << v.skipped_reason << "\n";
  return 0;
}

}  // namespace frost::cli
