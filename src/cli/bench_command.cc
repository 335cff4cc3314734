// frost bench MODEL: latency percentiles, throughput and peak memory of
// repeated runs on seeded random inputs (after warm-up runs, which also pack
// the weights), and with --profile the time per op type.
#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "cli/model_args.h"
#include "runtime/random_inputs.h"

namespace frost::cli {

namespace {

double percentile(std::vector<double> sorted, double p) {
  const size_t i = std::min(sorted.size() - 1, static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5));
  return sorted[i];
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
  std::map<std::string, OpTime> profile;
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
            << " backend, " << omp_get_max_threads() << " thread(s), batch " << batch << ", " << runs << " runs after "
            << warmup << " warm-up\n"
            << "latency ms: p50 " << percentile(ms, 0.5) << "  p90 " << percentile(ms, 0.9) << "  p99 "
            << percentile(ms, 0.99) << "  min " << ms.front() << "\n"
            << "throughput: " << static_cast<double>(runs * batch) / total << " inferences/s\n"
            << "peak memory (max RSS): " << usage.ru_maxrss / 1024.0 << " MiB\n";
  if (const std::optional<PlanStats> plan = model.plan_stats(feeds, fetches))
    std::cout << "plan: " << plan->steps << " steps, activations in an arena of "
              << static_cast<double>(plan->arena_bytes) / 1024.0 << " KiB (" << plan->planned_values
              << " tensors totalling " << static_cast<double>(plan->intermediate_bytes) / 1024.0 << " KiB), "
              << plan->inplace_ops << " ops in place"
              << (plan->arena_given_up ? " (arena given up: a kernel's output landed off plan)" : "") << "\n";
  else if (backend == Backend::Cpu && options.use_plan)
    std::cout << "plan: none (TF1 control flow runs on the dataflow executor)\n";
  if (args.flag("profile")) {
    std::vector<std::pair<std::string, OpTime>> ops(profile.begin(), profile.end());
    std::sort(ops.begin(), ops.end(), [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
    double sum = 0;
    for (const auto& [op, t] : ops) sum += t.seconds;
    std::cout << "time per op type (kernels only, per run):\n";
    for (const auto& [op, t] : ops)
      std::cout << "  " << std::setw(28) << std::left << op << std::right << std::setw(10)
                << 1000.0 * t.seconds / static_cast<double>(runs) << " ms  " << std::setw(6) << std::setprecision(1)
                << 100.0 * t.seconds / sum << "%  " << t.calls / runs << " calls" << std::setprecision(3) << "\n";
  }
  return 0;
}

}  // namespace frost::cli
