// frost check MODEL: run the model on reference inputs and compare every
// output (and, with --layers, every intermediate tensor that has a reference
// file) with TensorFlow's values. Exit 1 on a mismatch.
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/fpga_args.h"
#include "cli/model_args.h"
#include "graph/tensor_names.h"
#include "graph/topology.h"
#include "io/npy.h"
#include "io/reference_file.h"
#include "runtime/compare.h"

namespace frost::cli {

namespace {

namespace fs = std::filesystem;

// Every tensor of the graph by the file name `run --save` would give it, so a
// folder of .npy files maps back onto tensors.
std::map<std::string, TensorId> tensors_by_file_name(const Graph& g) {
  std::map<std::string, TensorId> out;
  for (const Node* n : g.nodes()) {
    out[file_safe_name(n->name)] = TensorId{n->name, 0, false};
    for (int i = 0; i < 8; ++i) out[file_safe_name(n->name + ":" + std::to_string(i))] = TensorId{n->name, i, false};
  }
  return out;
}

// A .npy file (bound to `single`, which must exist) or a folder of <tensor>.npy files.
std::map<TensorId, std::string> reference_files(const Graph& g, const std::string& path,
                                                const std::vector<TensorId>& single, const std::string& what) {
  std::map<TensorId, std::string> files;
  if (fs::is_directory(path)) {
    const auto names = tensors_by_file_name(g);
    for (const auto& entry : fs::directory_iterator(path)) {
      if (entry.path().extension() != ".npy") continue;
      const auto it = names.find(entry.path().stem().string());
      if (it != names.end()) files[it->second] = entry.path().string();
    }
    if (files.empty()) throw Error("no .npy file in the folder is named after a tensor of the graph").file(path);
    return files;
  }
  if (single.size() != 1)
    throw Error("the model has " + std::to_string(single.size()) + " " + what +
                "s; give a folder of <tensor>.npy files or name them")
        .file(path);
  files[single[0]] = path;
  return files;
}

}  // namespace

int check_command(const Argv& argv) {
  const Args args(argv,
                  {"inputs", "expected", "reference", "backend", "rtol", "atol", "output", "arch", "calib",
                   "calib-count"},
                  {"layers", "no-optimize"});
  const std::string model_path = args.only_positional("model file");
  const Session model = Session::load(model_path);
  const Backend backend = parse_backend(args.value("backend", "cpu"));
  const double rtol = args.number("rtol", 1e-4), atol = args.number("atol", 0.0);

  std::map<TensorId, std::string> input_files, expected_files;
  if (args.has("reference")) {
    const auto stanzas = read_reference_file(args.value("reference"));
    const ReferenceStanza* match = nullptr;
    for (const ReferenceStanza& s : stanzas)
      if (fs::exists(s.graph) && fs::equivalent(s.graph, model_path)) match = &s;
    if (!match) throw Error("no `graph` entry names " + model_path).file(args.value("reference"));
    for (const auto& r : match->inputs) input_files[resolve_tensor(model.graph(), r.tensor)] = r.file;
    for (const auto& r : match->outputs) expected_files[resolve_tensor(model.graph(), r.tensor)] = r.file;
  } else {
    if (!args.has("inputs") || !args.has("expected"))
      throw Error("give --reference FILE, or both --inputs and --expected");
    std::vector<TensorId> required, outputs = fetches_from_args(model, args);
    for (const GraphInput& in : model.inputs())
      if (!in.has_default) required.push_back(in.tensor());
    input_files = reference_files(model.graph(), args.value("inputs"), required, "input");
    expected_files = reference_files(model.graph(), args.value("expected"), outputs, "output");
  }

  // Optimise for inference keeping exactly the compared tensors (layer checks
  // compare intermediate tensors by name, so they run the graph as written).
  LoadOptions kept;
  for (const auto& [id, file] : input_files) kept.inputs.push_back(id.to_string());
  for (const auto& [id, file] : expected_files) kept.outputs.push_back(id.to_string());
  kept.optimize = !args.flag("no-optimize") && !args.flag("layers");
  Session runnable = prepare_session(model, kept);

  FeedMap feeds;
  for (const auto& [id, file] : input_files) {
    feeds[id] = read_input_file(file);
    try {
      check_feed(model.graph(), id, feeds[id]);
    } catch (Error& e) {
      e.file(file);
      throw;
    }
  }
  std::map<TensorId, Tensor> expected;
  for (const auto& [id, file] : expected_files) expected[id] = read_npy(file);

  // Fetch what has no reference among the graph's outputs too, so layer checks
  // run the whole model; compare each tensor that has a reference file.
  std::vector<TensorId> fetches;
  for (const auto& [id, value] : expected)
    if (!feeds.count(id)) fetches.push_back(id);
  std::vector<std::pair<TensorId, Comparison>> results;
  std::string first_divergence;
  RunOptions options;
  if (args.flag("layers")) {
    options.on_node = [&](const Node& n, const std::vector<Tensor>& outs) {
      for (size_t i = 0; i < outs.size(); ++i) {
        const TensorId id{n.name, static_cast<int>(i), false};
        const auto it = expected.find(id);
        if (it == expected.end() || !outs[i].valid()) continue;
        const Comparison c = compare_tensors(outs[i], it->second);
        if (!c.within(rtol, atol) && first_divergence.empty()) first_divergence = id.to_string() + " (" + n.op + ")";
        std::cout << "  layer " << id.to_string() << " (" << n.op << "): " << c.to_string() << "\n";
      }
    };
  }
  // The int8 emulation is not expected to match float within 1e-4: it reports
  // its error, and judges it only against a tolerance the user gives.
  const bool fpga = backend == Backend::Fpga;
  const bool judge = !fpga || args.has("rtol") || args.has("atol");
  if (fpga) {
    std::vector<TensorId> outs;
    for (const auto& [id, value] : expected) outs.push_back(id);
    std::cout << "fpga calibration: " << prepare_fpga(runnable, args, outs, "", {feeds}) << "\n";
  }
  const std::vector<Tensor> got = runnable.run(feeds, fetches, backend, options);

  bool ok = true;
  std::cout << model_path << " on the " << backend_name(backend) << " backend, tolerance " << atol << " + " << rtol
            << " * max|expected|\n";
  for (size_t i = 0; i < fetches.size(); ++i) {
    const Comparison c = compare_tensors(got[i], expected[fetches[i]]);
    const bool pass = c.within(rtol, atol);
    ok = ok && (pass || !judge);
    std::cout << (!judge ? "  int8 " : pass ? "  ok   " : "  FAIL ") << fetches[i].to_string() << ": " << c.to_string()
              << "\n";
  }
  if (!first_divergence.empty()) std::cout << "first diverging layer: " << first_divergence << "\n";
  if (!judge)
    std::cout << "int8 emulation error reported above (not judged: give --rtol/--atol to judge it)\n";
  else
    std::cout << (ok ? "all outputs match" : "MISMATCH") << "\n";
  return ok ? 0 : 1;
}

}  // namespace frost::cli
