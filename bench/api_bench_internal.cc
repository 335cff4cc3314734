#include <benchmark/benchmark.h>

#include "api/load_session.h"
#include "api_bench.h"
#include "bench_util.h"
#include "graph/tensor_names.h"
#include "io/npy.h"

namespace frost::bench {

std::string api_bench_model() { return std::string(FROST_BENCH_SOURCE_ROOT) + "/models/mlp/frozen_graph.pb"; }
std::string api_bench_inputs() { return std::string(FROST_BENCH_SOURCE_ROOT) + "/models/mlp/inputs.npy"; }

namespace {

void bm_session_run(benchmark::State& st) {
  const Session session = load_session(api_bench_model());
  const FeedMap feeds{{TensorId::parse("features"), read_npy(api_bench_inputs())}};
  const std::vector<TensorId> fetches{TensorId::parse("dense_2/Softmax")};
  session.run(feeds, fetches);  // plans the graph
  for (auto _ : st) benchmark::DoNotOptimize(session.run(feeds, fetches));
}

}  // namespace

void register_internal_api_benchmarks() {
  benchmark::RegisterBenchmark("api/mlp/internal_session_run", bm_session_run)->Threads(1)->UseRealTime();
}

}  // namespace frost::bench

namespace {

void register_all() {
  frost::bench::register_internal_api_benchmarks();
  frost::bench::register_public_api_benchmarks();
}

}  // namespace

int main(int argc, char** argv) {
  return frost::bench::run_benchmarks(argc, argv, frost::bench::Peak::kSkip, register_all);
}
