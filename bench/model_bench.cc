// Whole models on Frost's CPU backend, 1 and 2 threads, on each model's
// reference input (bench/model_cases.h): model/<name>/frost/threads:<t>, the
// wall time of one inference and max_rel_err against TensorFlow's outputs.
// The graph is prepared by the library's facade, as `frost bench` does
// (load_session, src/api/load_session.h), and run once before timing (plans the graph, packs
// the weights). bench_model_opencv times OpenCV's DNN module on the same
// cases; tools/bench_model_report.py runs both and writes docs/bench/models.md.
#include <benchmark/benchmark.h>

#include "bench_util.h"
#include "api/load_session.h"
#include "graph/tensor_names.h"
#include "model_cases.h"

namespace {

using namespace frost;

void bm_frost(benchmark::State& st, const bench::ModelCase& c, int threads) {
  bench::set_threads(threads);
  try {
    const Session loaded = Session::load(c.stanza.graph);
    const std::vector<Tensor> values = bench::reference_inputs(c.stanza);
    FeedMap feeds;
    std::vector<TensorId> fetches;
    LoadOptions kept;
    for (size_t i = 0; i < values.size(); ++i) {
      const TensorId id = resolve_tensor(loaded.graph(), c.stanza.inputs[i].tensor);
      kept.inputs.push_back(id.to_string());
      feeds[id] = values[i];
    }
    for (const ReferenceTensor& out : c.stanza.outputs) {
      fetches.push_back(resolve_tensor(loaded.graph(), out.tensor));
      kept.outputs.push_back(fetches.back().to_string());
    }
    const Session model = prepare_session(loaded, kept);
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
  return frost::bench::run_benchmarks(argc, argv, frost::bench::Peak::kSkip, register_all);
}
