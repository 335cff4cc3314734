// frost bench MODEL: latency percentiles, throughput and peak memory of
// repeated runs on seeded random inputs (after warm-up runs, which also pack
// the weights), and with --profile the time per node with the implementation
// that ran it, per implementation and per op type.
#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "cli/model_args.h"
#include "kernels/max_isa.h"
#include "runtime/random_inputs.h"

namespace frost::cli {

namespace {

double percentile(std::vector<double> sorted, double p) {
  const size_t i = std::min(sorted.size() - 1, static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5));
  return sorted[i];
}

struct Row {
  std::string name, detail;
  double seconds = 0;
  int64_t calls = 0;
  int64_t team_calls = 0;  // calls that split across the worker team
};

// Rows by decreasing time: ms per run, share, calls per run, the share of
// the calls that split across threads, name, detail (numbers first, so that
// long node names do not break the columns).
void print_rows(const std::string& title, std::vector<Row> rows, long long runs, double total) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.seconds > b.seconds; });
  std::cout << title << " (kernels only, per run):\n";
  for (const Row& r : rows)
    std::cout << std::setw(10) << std::setprecision(4) << 1000.0 * r.seconds / static_cast<double>(runs) << " ms "
              << std::setw(6) << std::setprecision(1) << (total > 0 ? 100.0 * r.seconds / total : 0.0) << "% "
              << std::setw(5) << r.calls / runs << " calls " << std::setw(4) << std::setprecision(0)
              << (r.calls > 0 ? 100.0 * static_cast<double>(r.team_calls) / static_cast<double>(r.calls) : 0.0)
              << "% split  " << r.name << (r.detail.empty() ? "" : "  " + r.detail)
              << std::setprecision(3) << "\n";
}

// Time per node (with its op and implementation), per implementation, per op type.
void print_profile(const Session& model, Backend backend, const std::map<std::string, NodeTime>& profile,
                   long long runs) {
  std::vector<Row> nodes;
  std::map<std::string, Row> by_impl, by_op;
  double total = 0;
  for (const auto& [name, t] : profile) {
    std::string impl = model.implementation(name, backend);
    if (impl.empty()) impl = "?";
    nodes.push_back({name, "(" + t.op + ", " + impl + ")", t.seconds, t.calls, t.team_calls});
    for (auto* row : {&by_impl[impl], &by_op[t.op]}) {
      row->seconds += t.seconds;
      row->calls += t.calls;
      row->team_calls += t.team_calls;
    }
    total += t.seconds;
  }
  auto rows = [](std::map<std::string, Row>& m) {
    std::vector<Row> out;
    for (auto& [key, row] : m) {
      row.name = key;
      out.push_back(row);
    }
    return out;
  };
  print_rows("time per node (op, implementation)", nodes, runs, total);
  print_rows("time per implementation", rows(by_impl), runs, total);
  print_rows("time per op type", rows(by_op), runs, total);
}

}  // namespace

int bench_command(const Argv& argv) {
  const Args args(argv, {"threads", "runs", "warmup", "backend", "input", "random-inputs", "output", "set", "batch"},
                  {"profile", "no-optimize", "no-plan"});
  const Session model = prepared_model(args.only_positional("model file"), args);
  const Backend backend = parse_backend(args.value("backend", "cpu"));
  set_threads_from_args(args);
  const long long runs = args.integer("runs", 20), warmup = args.integer("warmup", 3);
  if (runs < 1 || warmup < 0) throw Error("--runs must be >= 1 and --warmup >= 0");

  FeedMap feeds;
  if (args.has("input")) {
    feeds = feeds_from_args(model, args);
  } else {
    const int64_t batch = args.integer("batch", 1);
    for (const GraphInput& in : model.inputs())
      if (!in.has_default) feeds[in.tensor()] = random_input(in, static_cast<uint64_t>(args.integer("random-inputs", 1)), batch);
  }
  const std::vector<TensorId> fetches = fetches_from_args(model, args);

  RunOptions options;
  options.use_plan = !args.flag("no-plan");
  for (long long i = 0; i < warmup; ++i) model.run(feeds, fetches, backend, options);
  std::map<std::string, NodeTime> profile;
  if (args.flag("profile")) options.profile = &profile;
  std::vector<double> ms;
  const auto start = std::chrono::steady_clock::now();
  for (long long i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    model.run(feeds, fetches, backend, options);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(ms.begin(), ms.end());
  int64_t batch = 1;
  if (!feeds.empty() && feeds.begin()->second.rank() > 0) batch = feeds.begin()->second.shape().dim(0);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);

  std::cout << std::fixed << std::setprecision(3) << model.graph().source << " on the " << backend_name(backend)
            << " backend" << (backend == Backend::Cpu ? std::string(" (") + kernels::gemm_isa_name(kernels::GemmIsa::kAuto) + " kernels)" : "")
            << ", " << omp_get_max_threads() << " thread(s), batch " << batch << ", " << runs << " runs after "
            << warmup << " warm-up\n"
            // Four decimals (0.1 µs): models of a microsecond or less would round to 0 ms at three.
            << std::setprecision(4) << "latency ms: p50 " << percentile(ms, 0.5) << "  p90 " << percentile(ms, 0.9) << "  p99 "
            << percentile(ms, 0.99) << "  min " << ms.front() << "\n" << std::setprecision(3)
            << "throughput: " << static_cast<double>(runs * batch) / total << " inferences/s\n"
            << "peak memory (max RSS): " << usage.ru_maxrss / 1024.0 << " MiB\n";
  if (const std::optional<PlanStats> plan = model.plan_stats(feeds, fetches)) {
    std::cout << "plan: " << plan->steps << " steps (" << plan->constant_nodes
              << " nodes computed when planning), activations in an arena of "
              << static_cast<double>(plan->arena_bytes) / 1024.0 << " KiB (" << plan->planned_values
              << " tensors totalling " << static_cast<double>(plan->intermediate_bytes) / 1024.0 << " KiB), "
              << plan->inplace_ops << " ops in place, " << plan->branch_groups << " branch groups ("
              << plan->branch_steps << " steps) on two threads when run on two"
              << (plan->arena_given_up ? " (arena given up: a kernel's output landed off plan)" : "") << "\n";
    if (plan->solo_runs > 0)
      std::cout << "threads: " << plan->solo_runs << " of " << plan->team_runs
                << " runs (warm-up included) on one thread: the team lacked a core (another program kept one busy), or one thread was faster\n";
  } else if (const size_t loops = model.loop_programs(feeds, fetches); backend == Backend::Cpu && options.use_plan && loops)
    std::cout << "plan: a loop program (" << loops << " while loop(s) compiled, runtime/loop_program.h)\n";
  else if (backend == Backend::Cpu && options.use_plan)
    std::cout << "plan: none (TF1 control flow runs on the dataflow executor)\n";
  if (args.flag("profile")) print_profile(model, backend, profile, runs);
  return 0;
}

}  // namespace frost::cli
