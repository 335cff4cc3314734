#include "freeze/pass_driver.h"

#include <cmath>
#include <cstdio>
#include <set>

#include "freeze/transpose_folds.h"
#include "freeze/passes.h"
#include "freeze/pipeline_placeholders.h"
#include "freeze/rewrite_util.h"
#include "freeze/rounding_noise.h"
#include "graph/signature.h"
#include "graph/tensor_names.h"
#include "runtime/compare.h"
#include "runtime/executor.h"
#include "runtime/random_inputs.h"

namespace frost {

const std::vector<Pass>& registered_passes() {
  // Order matters only for speed (the driver iterates to a fixed point):
  // cheap removals first, so folding sees the bare graph; fusions last.
  static const std::vector<Pass> passes = {
      {"placeholder_defaults", fold_placeholder_defaults, "unfed PlaceholderWithDefault -> its default"},
      {"resolve_conditionals", resolve_conditionals_pass, "Switch/Merge on a constant predicate -> live branch"},
      {"remove_identity", remove_identity, "Identity/StopGradient/Snapshot/CheckNumerics/NoOp removed"},
      {"remove_dropout", remove_dropout, "dropout masks constant at keep_prob 1 / rate 0 removed"},
      {"trivial_arithmetic", remove_trivial_arithmetic, "x*1, x/1, x+0, x-0 -> x"},
      {"fold_dequantize", fold_dequantize, "Dequantize of a Const -> float Const"},
      {"constant_folding", fold_constants, "all-constant subgraphs and static shapes -> Const"},
      {"remove_unused", remove_unused, "nodes the outputs do not need removed"},
      {"merge_duplicate_constants", merge_duplicate_constants, "equal Consts merged"},
      {"trivial_split_concat", remove_trivial_split_concat, "Split into one piece, ConcatV2 of one -> Identity"},
      {"nchw_to_nhwc", nchw_to_nhwc, "NCHW conv/pool -> Transpose, NHWC op, Transpose"},
      {"group_convolutions", group_convolutions, "slices -> G x Conv2D -> ConcatV2 -> grouped/depthwise conv"},
      {"fold_space_to_batch_conv", fold_space_to_batch_conv, "SpaceToBatchND -> conv -> BatchToSpaceND -> dilated conv"},
      {"sink_transposes", sink_transposes, "Transpose moved below element-wise ops, Pad, BiasAdd, ConcatV2"},
      {"hoist_transpose_above_pad", hoist_transpose_above_pad, "Transpose(Pad) read by convs -> Pad(Transpose)"},
      {"cancel_transposes", cancel_transposes, "Transpose pairs that undo each other removed, others composed"},
      {"fold_transpose_into_matmul", fold_transpose_into_matmul, "MatMul(Reshape(Transpose(x)), W) -> W rows permuted"},
      {"fold_transpose_into_reduction", fold_transpose_into_reduction, "Mean/Sum/Max(Transpose(x)) -> over permuted axes"},
      {"fold_batch_norm", fold_batch_norm, "FusedBatchNorm -> conv weights+bias, or Mul+Add"},
      {"fold_mul_into_weights", fold_mul_into_weights, "per-channel Mul after conv/matmul -> weights"},
      {"fold_add_into_bias", fold_add_into_bias, "per-channel Add/Sub after conv/matmul -> BiasAdd"},
      {"fold_scale_into_next_conv", fold_scale_into_next_conv,
       "per-channel Mul/Add read by convs/matmuls -> their weights and bias (where padding allows)"},
      {"fold_pad_into_conv", fold_pad_into_conv, "zero Pad before conv -> EXPLICIT padding"},
      {"fold_pad_into_max_pool", fold_pad_into_max_pool, "zero Pad of a ReLU output before MaxPool -> EXPLICIT padding"},
      {"fuse_lstm_cells", fuse_lstm_cells, "LSTM step (MatMul, Split, gates) -> _FrostLSTMCell, Frost runtime only", true},
      {"fuse_gru_cells", fuse_gru_cells, "GRU step (MatMuls, gates) -> _FrostGRUCell, Frost runtime only", true},
      {"project_lstm_inputs", project_lstm_inputs,
       "_FrostLSTMCell on rows of a constant table -> table x kernel looked up, Frost runtime only", true},
      {"fuse_swish", fuse_swish, "Mul(x, Sigmoid(x)) -> _MklSwish(x), an activation epilogues take, Frost only", true},
      {"fuse_bias_activation", fuse_bias_activation, "conv/matmul + BiasAdd + activation -> _Fused*", true},
      {"fuse_residual_add", fuse_residual_add, "_FusedConv2D + residual Add (+ act), oneDNN form only", true},
      {"fuse_scale_after_activation", fuse_scale_after_activation,
       "per-channel Mul/Add after a fused activation -> epilogue Scale/Shift, Frost only", true},
      {"fuse_elementwise_chain", fuse_elementwise_chain,
       "chains of element-wise ops -> one _FusedElementwise pass over memory, Frost only", true},
  };
  return passes;
}

int64_t OptimizeReport::total(const std::string& what) const {
  int64_t sum = 0;
  for (const PassReport& p : passes) {
    const auto it = p.stats.counts.find(what);
    if (it != p.stats.counts.end()) sum += it->second;
  }
  return sum;
}

std::string OptimizeReport::to_string() const {
  std::string s;
  char line[512];
  std::snprintf(line, sizeof line, "nodes %lld -> %lld in %d iteration(s)%s\n", static_cast<long long>(nodes_before),
                static_cast<long long>(nodes_after), iterations, reached_fixed_point ? "" : " (iteration cap hit)");
  s += line;
  for (const PassReport& p : passes) {
    if (!p.stats.changed()) continue;
    std::snprintf(line, sizeof line, "  %-26s %+5lld nodes  %s\n", p.name.c_str(),
                  static_cast<long long>(-p.nodes_removed), p.stats.to_string().c_str());
    s += line;
  }
  const Verification& v = verification;
  if (v.ran) {
    std::snprintf(line, sizeof line, "verify: max relative error %.3g (tolerance %.3g, %s; seed %llu): %s\n",
                  v.max_relative_error, v.tolerance, v.tolerance_basis.c_str(),
                  static_cast<unsigned long long>(v.seed), v.passed ? "OK" : "FAILED");
    s += line;
  } else if (!v.skipped_reason.empty()) {
    s += "verify: skipped (" + v.skipped_reason + ")\n";
  }
  return s;
}

namespace {

std::string short_number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2g", x);
  return text;
}

// v.tolerance as given, or derived (kDerivedToleranceFloor): the rounding
// noise is measured on `before` only when the error is above the floor.
void set_tolerance(Verification& v, const Graph& before, const FeedMap& feeds, const std::vector<TensorId>& outputs,
                   const std::vector<Tensor>& expected) {
  if (v.tolerance > 0) {
    v.tolerance_basis = "fixed";
    return;
  }
  v.tolerance = kDerivedToleranceFloor;
  v.tolerance_basis = "the floor: error below it, rounding noise not measured";
  if (!(v.max_relative_error > kDerivedToleranceFloor) || !std::isfinite(v.max_relative_error)) return;
  const RoundingNoise noise = float32_rounding_noise(before, feeds, outputs, expected, v.seed);
  v.rounding_noise = noise.relative;
  v.tolerance = std::max(kDerivedToleranceFloor, kDerivedToleranceFactor * noise.relative);
  v.tolerance_basis = short_number(kDerivedToleranceFactor) + " x float32 rounding noise " +
                      short_number(noise.relative) + " (" + std::to_string(noise.samples) + " Monte Carlo runs)";
}

}  // namespace

Verification verify_equivalence(const Graph& before, const Graph& after, const std::vector<TensorId>& inputs,
                                const std::vector<TensorId>& outputs, uint64_t seed, double tolerance,
                                const std::map<TensorId, Tensor>& extra_feeds, int64_t unknown_dim,
                                const std::map<TensorId, TensorId>& renamed_inputs) {
  Verification v;
  v.seed = seed;
  v.tolerance = tolerance;
  const std::vector<GraphInput> known = detect_inputs(before);
  FeedMap feeds;
  for (const TensorId& in : inputs) {
    const GraphInput* info = nullptr;
    for (const GraphInput& k : known)
      if (k.tensor() == in) info = &k;
    if (!info) {
      const Node* n = before.find(in.node);
      if (n && (n->op == "Placeholder" || n->op == "PlaceholderWithDefault")) {
        // An unconsumed placeholder: any value of its dtype will do.
        GraphInput gi{n->name, dtype_base(static_cast<int>(n->attr_type_or("dtype", DType::Float))),
                      n->has_attr("shape") ? n->attr("shape").shape() : PartialShape::unknown(), false, ""};
        feeds[in] = random_input(gi, seed, unknown_dim);
        continue;
      }
      v.skipped_reason = "input '" + in.to_string() + "' is not a placeholder; no random value for it";
      return v;
    }
    feeds[in] = random_input(*info, seed, unknown_dim);
  }
  FeedMap before_feeds = feeds;
  for (const auto& [id, value] : extra_feeds) before_feeds[id] = value;
  for (const auto& [from, to] : renamed_inputs)
    if (const auto it = feeds.find(from); it != feeds.end()) {
      const Tensor value = it->second;
      feeds.erase(it);
      feeds[to] = value;
    }

  std::vector<Tensor> expected, got;
  try {
    expected = run_reference(before, before_feeds, outputs);
  } catch (const Error& e) {
    v.skipped_reason = std::string("the original graph does not run on the reference backend: ") + e.what();
    return v;
  }
  v.ran = true;
  try {
    got = run_reference(after, feeds, outputs);
  } catch (const Error& e) {
    v.skipped_reason = std::string("the optimised graph failed to run: ") + e.what();
    v.max_relative_error = INFINITY;
    return v;
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Comparison c = compare_tensors(got[i], expected[i]);
    const double err = c.shape_matches && c.nan_mismatches == 0 ? c.relative_error() : INFINITY;
    v.per_output.emplace_back(outputs[i].to_string(), err);
    v.max_relative_error = std::max(v.max_relative_error, err);
  }
  set_tolerance(v, before, before_feeds, outputs, expected);
  v.passed = v.max_relative_error <= v.tolerance;
  return v;
}

namespace {

void run_pass(const Pass& pass, Graph& g, const PassContext& ctx, std::map<std::string, PassReport>& reports,
              bool& changed) {
  PassReport& r = reports[pass.name];
  r.name = pass.name;
  const int64_t before = static_cast<int64_t>(g.size());
  PassStats stats;
  try {
    stats = pass.run(g, ctx);
  } catch (Error& e) {
    e.item("pass " + pass.name);
    throw;
  }
  ++r.runs;
  r.nodes_removed += before - static_cast<int64_t>(g.size());
  r.stats.merge(stats);
  if (stats.changed()) changed = true;
}

}  // namespace

OptimizeResult optimize_graph(const Graph& original, const OptimizeOptions& options) {
  OptimizeResult result{original, {}};
  Graph& g = result.graph;
  OptimizeReport& report = result.report;
  report.nodes_before = static_cast<int64_t>(g.size());

  // The names to keep.
  PassContext ctx;
  ctx.max_folded_bytes = options.max_folded_bytes;
  ctx.runtime_fusions = options.runtime_fusions;
  ctx.cpu_fusions = options.cpu_fusions;
  if (options.outputs.empty()) {
    for (const GraphOutput& o : detect_outputs(original)) ctx.outputs.push_back(TensorId::parse(o.name));
  } else {
    for (const std::string& name : options.outputs) ctx.outputs.push_back(resolve_tensor(original, name));
  }
  if (options.inputs.empty()) {
    for (const GraphInput& in : detect_inputs(original))
      if (!in.has_default && !options.set.count(in.name)) ctx.inputs.push_back(in.tensor());
  } else {
    for (const std::string& name : options.inputs) ctx.inputs.push_back(resolve_tensor(original, name));
  }
  // Pipeline components fed by the user become Placeholders first.
  std::map<TensorId, TensorId> renamed;
  if (options.pipeline_placeholders)
    for (const PlaceholderForComponent& p : pipeline_inputs_to_placeholders(g, ctx.inputs, ctx.outputs)) {
      report.pipeline_placeholders.emplace_back(p.component.node + ":" + std::to_string(p.component.index), p.placeholder);
      renamed[p.component] = TensorId{p.placeholder, 0, false};
    }
  const std::vector<TensorId> original_inputs = ctx.inputs;
  for (TensorId& t : ctx.inputs)
    if (const auto it = renamed.find(t); it != renamed.end()) t = it->second;
  for (const TensorId& t : ctx.outputs) report.outputs.push_back(t.to_string());
  for (const TensorId& t : ctx.inputs) report.inputs.push_back(t.to_string());

  // Which passes.
  std::vector<const Pass*> early, late;
  std::set<std::string> wanted(options.passes.begin(), options.passes.end());
  for (const std::string& name : wanted) {
    bool found = false;
    for (const Pass& p : registered_passes()) found = found || p.name == name;
    if (!found) {
      std::string known;
      for (const Pass& p : registered_passes()) known += (known.empty() ? "" : ", ") + p.name;
      throw Error("unknown pass '" + name + "' (passes: " + known + ")");
    }
  }
  for (const Pass& p : registered_passes())
    if (wanted.empty() || wanted.count(p.name)) (p.late ? late : early).push_back(&p);

  std::map<std::string, PassReport> reports;
  // The original graph is fed the values `set` fixed, as the Consts hold them.
  std::map<TensorId, Tensor> set_feeds;
  if (!options.set.empty()) {
    PassReport& r = reports["set_inputs"];
    r.name = "set_inputs";
    r.runs = 1;
    r.stats.add("inputs_set", set_constant_inputs(g, options.set));
    for (const auto& [name, value] : options.set) {
      const TensorId id = TensorId::parse(name);
      set_feeds[TensorId{id.node, 0, false}] = g.at(id.node).attr_tensor("value");
    }
  }
  // Early passes to a fixed point, then the late ones, then clean up again.
  for (const auto* phase : {&early, &late}) {
    for (int it = 0; it < options.max_iterations; ++it) {
      bool changed = false;
      for (const Pass* p : *phase) run_pass(*p, g, ctx, reports, changed);
      if (phase == &late)
        for (const Pass* p : early) run_pass(*p, g, ctx, reports, changed);
      ++report.iterations;
      if (!changed) {
        report.reached_fixed_point = true;
        break;
      }
      report.reached_fixed_point = false;
    }
  }
  if (reports.count("set_inputs")) report.passes.push_back(reports["set_inputs"]);
  for (const Pass& p : registered_passes())
    if (reports.count(p.name)) report.passes.push_back(reports[p.name]);
  report.nodes_after = static_cast<int64_t>(g.size());

  if (options.verify) {
    report.verification = verify_equivalence(original, g, original_inputs, ctx.outputs, options.seed,
                                             options.tolerance, set_feeds, options.unknown_dim, renamed);
    const Verification& v = report.verification;
    if (v.ran && !v.passed)
      throw Error("optimised graph differs from the original: max relative error " +
                  short_number(v.max_relative_error) + " over tolerance " + short_number(v.tolerance) +
                  (v.tolerance_basis.empty() ? "" : " (" + v.tolerance_basis + ")") + (v.skipped_reason.empty() ? "" : " (" + v.skipped_reason + ")"));
  }
  return result;
}

Graph optimize_for_inference(const Graph& g, const OptimizeOptions& options) {
  return optimize_graph(g, options).graph;
}

}  // namespace frost
