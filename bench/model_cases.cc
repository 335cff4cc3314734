#include "model_cases.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "io/npy.h"
#include "runtime/compare.h"

namespace frost::bench {

namespace fs = std::filesystem;

namespace {

fs::path models_dir() {
  const char* env = std::getenv("FROST_BENCH_MODELS");
  return env ? fs::path(env) : fs::path(FROST_BENCH_SOURCE_ROOT) / "models";
}

std::vector<Tensor> read_all(const std::vector<ReferenceTensor>& tensors) {
  std::vector<Tensor> out;
  for (const ReferenceTensor& t : tensors) out.push_back(read_npy(t.file));
  return out;
}

}  // namespace

std::vector<ModelCase> model_cases() {
  std::vector<ModelCase> out;
  for (const auto& [dir, prefix] : {std::pair{models_dir(), ""}, std::pair{models_dir() / "large", "large/"}}) {
    if (!fs::is_directory(dir)) continue;
    std::vector<fs::path> folders;
    for (const auto& e : fs::directory_iterator(dir))
      if (fs::exists(e.path() / "reference.txt")) folders.push_back(e.path());
    std::sort(folders.begin(), folders.end());
    for (const fs::path& f : folders) {
      const std::vector<ReferenceStanza> stanzas = read_reference_file((f / "reference.txt").string());
      if (!stanzas.empty()) out.push_back({prefix + f.filename().string(), stanzas.front()});
    }
  }
  return out;
}

std::vector<Tensor> reference_inputs(const ReferenceStanza& s) { return read_all(s.inputs); }
std::vector<Tensor> expected_outputs(const ReferenceStanza& s) { return read_all(s.outputs); }

double max_relative_error(const std::vector<Tensor>& got, const std::vector<Tensor>& expected) {
  if (got.size() != expected.size())
    throw std::runtime_error(std::to_string(got.size()) + " outputs, expected " + std::to_string(expected.size()));
  double worst = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    const Comparison c = compare_tensors(got[i], expected[i]);
    if (!c.shape_matches)
      throw std::runtime_error("output " + std::to_string(i) + " has shape " + got[i].shape().to_string() +
                               ", TensorFlow's " + expected[i].shape().to_string());
    worst = std::max(worst, c.nan_mismatches ? std::numeric_limits<double>::infinity() : c.relative_error());
  }
  return worst;
}

void register_model_benchmarks(const std::string& engine, ModelBenchmark fn) {
  for (const ModelCase& c : model_cases())
    for (int t : {1, 2})
      benchmark::RegisterBenchmark(("model/" + c.name + "/" + engine + "/threads:" + std::to_string(t)).c_str(), fn,
                                   c, t)
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
}

}  // namespace frost::bench
