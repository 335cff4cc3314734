#include "commands.h"

#include <pybind11/stl.h>

#include "freeze/freeze_graph.h"
#include "freeze/pass_driver.h"
#include "freeze/set_values.h"
#include "graph/error.h"
#include "graph/tensor_names.h"
#include "graph/validate.h"
#include "io/graphdef_convert.h"
#include "io/model_file.h"
#include "io/reference_file.h"
#include "numpy_tensor.h"
#include "runtime/compare.h"

namespace frost::python {

namespace {

using Strings = std::vector<std::string>;
using TextMap = std::map<std::string, std::string>;

FreezeInput::Kind freeze_kind(const std::string& kind) {
  if (kind == "graph") return FreezeInput::Kind::GraphDef;
  if (kind == "meta") return FreezeInput::Kind::MetaGraph;
  if (kind == "saved_model") return FreezeInput::Kind::SavedModel;
  throw Error("unknown freeze input kind '" + kind + "' (graph, meta, saved_model)");
}

// frost freeze: the training graph + checkpoint -> `output_file`; the report.
py::dict freeze(const std::string& kind, const std::string& path, const std::string& checkpoint,
                const std::string& tag, const std::string& signature, const Strings& outputs, const TextMap& set,
                const std::string& output_file) {
  FreezeInput input;
  input.kind = freeze_kind(kind);
  input.path = path;
  input.checkpoint = checkpoint;
  if (!tag.empty()) input.tag = tag;
  if (!signature.empty()) input.signature = signature;
  FreezeOptions options{outputs, set};
  FreezeReport r;
  {
    py::gil_scoped_release release;
    const FreezeResult result = freeze_with_report(input, options);
    save_graph(result.graph, output_file);
    r = result.report;
  }
  py::dict report;
  report["output_file"] = output_file;
  report["variables_frozen"] = r.variables_frozen;
  report["checkpoint"] = r.checkpoint_prefix.empty() ? py::object(py::none()) : py::str(r.checkpoint_prefix);
  report["nodes_before"] = r.nodes_before;
  report["nodes_after"] = r.nodes_after;
  report["conditionals_resolved"] = r.switches_resolved;
  report["inputs"] = r.inputs;
  report["outputs"] = r.outputs;
  report["notes"] = r.notes;
  return report;
}

// frost optimize: `input_file` rewritten for inference -> `output_file`,
// verified on seeded random inputs unless `verify` is off; the report.
py::dict optimize(const std::string& input_file, const std::string& output_file, const Strings& outputs,
                  const Strings& inputs, const TextMap& set, const Strings& passes, bool verify, uint64_t seed,
                  double tolerance) {
  OptimizeReport r;
  {
    py::gil_scoped_release release;
    const Graph g = load_model_file(input_file);
    validate_graph(g);
    OptimizeOptions options;
    for (const std::string& name : outputs) options.outputs.push_back(resolve_tensor(g, name).to_string());
    for (const std::string& name : inputs) options.inputs.push_back(resolve_tensor(g, name).to_string());
    options.set = set_values_for(g, set);
    options.passes = passes;
    options.verify = verify;
    options.seed = seed;
    options.tolerance = tolerance;
    OptimizeResult result = optimize_graph(g, options);
    save_graph(result.graph, output_file);
    r = std::move(result.report);
  }
  py::dict totals;
  for (const char* what : {"bn_folded", "dropout_masks_removed", "constants_folded", "fusions"})
    totals[what] = r.total(what);
  py::dict verification;
  const Verification& v = r.verification;
  verification["ran"] = v.ran;
  verification["passed"] = v.passed;
  verification["skipped_reason"] = v.skipped_reason.empty() ? py::object(py::none()) : py::str(v.skipped_reason);
  verification["seed"] = v.seed;
  verification["max_relative_error"] = v.max_relative_error;
  verification["tolerance"] = v.tolerance;
  verification["tolerance_basis"] = v.tolerance_basis;
  verification["per_output"] = py::dict(py::cast(std::map<std::string, double>(v.per_output.begin(), v.per_output.end())));
  py::dict report;
  report["output_file"] = output_file;
  report["nodes_before"] = r.nodes_before;
  report["nodes_after"] = r.nodes_after;
  report["iterations"] = r.iterations;
  report["inputs"] = r.inputs;
  report["outputs"] = r.outputs;
  report["totals"] = totals;
  report["pipeline_placeholders"] = r.pipeline_placeholders;
  report["verification"] = verification;
  report["table"] = r.to_string();  // what `frost optimize --report` prints
  return report;
}

// The numbers `frost check` prints for one tensor (runtime/compare.h).
py::dict compare(const py::array& got, const py::array& expected, double rtol, double atol) {
  const Comparison c = compare_tensors(tensor_from_array(got, "result"), tensor_from_array(expected, "expected"));
  py::dict out;
  out["passed"] = c.within(rtol, atol);
  out["shape_matches"] = c.shape_matches;
  out["max_abs_error"] = c.max_abs_error;
  out["max_abs_expected"] = c.max_abs_expected;
  out["relative_error"] = c.relative_error();
  out["rows"] = c.rows;
  out["argmax_agree"] = c.argmax_agree;
  out["nan_mismatches"] = c.nan_mismatches;
  out["summary"] = c.to_string();
  return out;
}

// reference.txt's stanzas: [(graph, [(tensor, npy)], [(tensor, npy)])].
py::list reference_stanzas(const std::string& path) {
  py::list out;
  for (const ReferenceStanza& s : read_reference_file(path)) {
    std::vector<std::pair<std::string, std::string>> ins, outs;
    for (const ReferenceTensor& t : s.inputs) ins.emplace_back(t.tensor, t.file);
    for (const ReferenceTensor& t : s.outputs) outs.emplace_back(t.tensor, t.file);
    out.append(py::make_tuple(s.graph, ins, outs));
  }
  return out;
}

}  // namespace

void bind_commands(py::module_& m) {
  m.def("freeze", &freeze, py::arg("kind"), py::arg("path"), py::arg("checkpoint"), py::arg("tag"),
        py::arg("signature"), py::arg("outputs"), py::arg("set"), py::arg("output_file"));
  m.def("optimize", &optimize, py::arg("input_file"), py::arg("output_file"), py::arg("outputs"), py::arg("inputs"),
        py::arg("set"), py::arg("passes"), py::arg("verify"), py::arg("seed"), py::arg("tolerance"));
  m.def("compare", &compare, py::arg("got"), py::arg("expected"), py::arg("rtol"), py::arg("atol"));
  m.def("reference_stanzas", &reference_stanzas, py::arg("path"));
}

}  // namespace frost::python
