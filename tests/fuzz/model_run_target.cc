// A frozen graph run as `frost run --random-inputs 1` runs it: loaded,
// optimised for inference, then run on the cpu backend and on the reference
// backend with seeded random inputs (unknown dimensions 1). Tensors are capped
// at kFuzzTensorBytes (prepare_process), so a graph that asks for more ends
// in a clean error.
#include "api/load_session.h"
#include "fuzz_target.h"
#include "runtime/random_inputs.h"
#include "scratch_file.h"

namespace frost::fuzz {

void model_run(const std::string& bytes) {
  const Session loaded = Session::load(write_scratch("model.pb", bytes));
  if (loaded.outputs().empty()) return;
  const Session model = prepare_session(loaded, LoadOptions{});
  FeedMap feeds;
  for (const GraphInput& in : model.inputs())
    if (!in.has_default) feeds[TensorId{in.name, 0, false}] = random_input(in, /*seed=*/1);
  std::vector<TensorId> fetches;
  for (const GraphOutput& out : model.outputs()) fetches.push_back(TensorId::parse(out.name));
  if (fetches.empty()) return;
  model.run(feeds, fetches, Backend::Cpu);
  model.run(feeds, fetches, Backend::Reference);
}

}  // namespace frost::fuzz
