// Whole models on Frost's CPU backend, 1 and 2 threads, on each model's
// reference input (bench/model_cases.h): model/<name>/frost/threads:<t>, the
// wall time of one inference and max_rel_err against TensorFlow's outputs.
// The graph is optimised in memory exactly as `frost bench` does
// (cli::optimized_model) and run once before timing (plans the graph, packs
// the weights). bench_model_opencv times OpenCV's DNN module on the same
// cases; tools/bench_model_report.py runs both and writes docs/bench/models.md.
#include <benchmark/benchmark.h>

#include "bench_util.h"
#include "cli/model_args.h"
#include "cli/omp_wait.h"
#include "graph/tensor_names.h"
#include "model_cases.h"
#include "runtime/model.h"

namespace {

using namespace frost;

void bm_frost(benchmark::State& st, const bench::ModelCase& c, int threads) {
  bench::set_threads(threads);
  try {
    const Model loaded = Model::load(c.stanza.graph);
    const std::vector<Tensor> values = bench::reference_inputs(c.stanza);
    FeedMap feeds;
    std::vector<TensorId> inputs, fetches;
    for (size_t i = 0; i < values.size(); ++i) {
      inputs.push_back(resolve_tensor(loaded.graph(), c.stanza.inputs[i].tensor));
      feeds[inputs.back()] = values[i];
    }
    for (const ReferenceTensor& out : c.stanza.outputs) fetches.push_back(resolve_tensor(loaded.graph(), out.tensor));
    const Model model = cli::optimized_model(loaded, fetches, inputs);
    const double err =
        bench::max_relative_error(model.run(feeds, fetches, Backend::Cpu), bench::expected_outputs(c.stanza));
    for (auto _ : st) benchmark::DoNotOptimize(model.run(feeds, fetches, Backend::Cpu));
    st.counters["max_rel_err"] = err;
  } catch (const std::exception& e) {
    st.SkipWithError(e.what());
  }
}

void register_all() { bench::register_model_benchmarks("frost", bm_frost); }

}  // namespace

int main(int argc, char** argv) {
  frost::cli::prefer_passive_omp_wait(argv);  // as the frost CLI runs
  return frost::bench::run_benchmarks(argc, argv, frost::bench::Peak::kSkip, register_all);
}
