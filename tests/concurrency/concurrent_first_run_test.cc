// Session::run is thread-safe from the very first call: eight threads released
// together on a freshly built (optimised) model, with no warm-up, each get
// exactly the bits a serial run gives. Repeated on a new model every round,
// for every bundled model, because the races this guards against (weights
// packed on first use, plans compiled on first use) happen only once per model.
#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <latch>
#include <thread>

#include "freeze/pass_driver.h"
#include "graph/tensor_names.h"
#include "io/graphdef_convert.h"
#include "io/npy.h"
#include "io/reference_file.h"
#include "runtime/session.h"

using namespace frost;
namespace fs = std::filesystem;

namespace {

constexpr int kThreads = 8;
constexpr int kRounds = 50;

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() && a.byte_size() == b.byte_size() &&
         std::memcmp(a.raw_data(), b.raw_data(), a.byte_size()) == 0;
}

}  // namespace

TEST_CASE("models: 8 threads on the first run of a new model give the serial result, bit for bit") {
  const fs::path models = fs::path(std::getenv("FROST_SOURCE_ROOT")) / "models";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(models)) {
    const fs::path reference = entry.path() / "reference.txt";
    std::error_code unreadable;  // e.g. a models/large link that loops: not a bundled model
    if (!fs::exists(reference, unreadable)) continue;
    const ReferenceStanza stanza = read_reference_file(reference.string()).front();
    CAPTURE(stanza.graph);
    const Graph g = load_graph(stanza.graph);
    FeedMap feeds;
    for (const ReferenceTensor& in : stanza.inputs) feeds[resolve_tensor(g, in.tensor)] = read_npy(in.file);
    std::vector<TensorId> fetches;
    for (const ReferenceTensor& out : stanza.outputs) fetches.push_back(resolve_tensor(g, out.tensor));
    OptimizeOptions options;
    for (const TensorId& id : fetches) options.outputs.push_back(id.to_string());
    for (const auto& [id, value] : feeds) options.inputs.push_back(id.to_string());
    const Graph optimised = optimize_for_inference(g, options);

    const std::vector<Tensor> serial = Session(optimised).run(feeds, fetches, Backend::Cpu);
    int mismatches = 0;
    for (int round = 0; round < kRounds; ++round) {
      const Session fresh(optimised);
      std::latch start(kThreads);
      std::vector<std::vector<Tensor>> results(kThreads);
      std::vector<std::thread> threads;
      for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
          start.arrive_and_wait();
          results[t] = fresh.run(feeds, fetches, Backend::Cpu);
        });
      for (std::thread& t : threads) t.join();
      for (const std::vector<Tensor>& got : results)
        for (size_t i = 0; i < fetches.size(); ++i) mismatches += same_bits(got[i], serial[i]) ? 0 : 1;
    }
    MESSAGE(entry.path().filename().string() << ": " << mismatches << " of " << kRounds * kThreads * fetches.size()
                                             << " outputs differ from the serial run");
    CHECK(mismatches == 0);
    ++checked;
  }
  CHECK(checked >= 9);
}
