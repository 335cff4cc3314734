#include "cli/fpga_args.h"

#include <algorithm>
#include <filesystem>

#include "cli/image_inputs.h"
#include "cli/model_args.h"
#include "io/datasets.h"

namespace frost::cli {

namespace fs = std::filesystem;

std::shared_ptr<fpga::FpgaBackend> fpga_plan(const Session& model, const Args& args,
                                             const std::vector<TensorId>& fetches) {
  fpga::DpuArch arch = args.has("arch") ? fpga::load_dpu_arch(args.value("arch")) : fpga::default_dpu_arch();
  return std::make_shared<fpga::FpgaBackend>(model.graph(), std::move(arch), fetches);
}

std::vector<FeedMap> calibration_feeds(const Session& model, const Args& args, const std::string& spec, int64_t count) {
  if (count <= 0) throw Error("--calib-count must be positive");
  const GraphInput input = image_input(model, args);
  const TensorId id = input.tensor();
  std::vector<FeedMap> batches;
  if (fs::is_directory(spec)) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(spec))
      if (entry.path().extension() == ".npy") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw Error("no .npy calibration inputs in the folder").file(spec);
    for (size_t i = 0; i < files.size() && static_cast<int64_t>(i) < count; ++i) {
      FeedMap feeds;
      feeds[id] = read_input_file(files[i]);
      try {
        check_feed(model.graph(), id, feeds[id]);
      } catch (Error& e) {
        e.file(files[i]);
        throw;
      }
      batches.push_back(std::move(feeds));
    }
    return batches;
  }
  if (spec.find('/') != std::string::npos || fs::exists(spec))
    throw Error("--calib: not a folder of .npy inputs, and not a dataset spec such as fashion-mnist:train").file(spec);
  const LabelledImages data = load_dataset(spec);
  const int64_t total = std::min<int64_t>(count, data.labels.num_elements());
  const int64_t batch = image_batch_size(input, std::min<int64_t>(total, 100));
  for (int64_t first = 0; first < total; first += batch) {
    const int64_t n = input.shape.known_rank() && input.shape.dim(0) > 0 ? batch : std::min(batch, total - first);
    if (first + n > data.labels.num_elements()) break;
    FeedMap feeds;
    feeds[id] = image_batch(data, first, n, input);
    batches.push_back(std::move(feeds));
  }
  return batches;
}

std::string calibrate_fpga(fpga::FpgaBackend& plan, const Session& model, const Args& args,
                           const std::string& default_spec, const std::vector<FeedMap>& fallback) {
  const int64_t count = args.integer("calib-count", kDefaultCalibCount);
  if (args.has("calib") || (fallback.empty() && !default_spec.empty())) {
    const std::string spec = args.value("calib", default_spec);
    const std::vector<FeedMap> batches = calibration_feeds(model, args, spec, count);
    plan.calibrate(batches);
    int64_t samples = 0;
    for (const FeedMap& feeds : batches)
      for (const auto& [id, value] : feeds) samples += value.rank() > 0 ? value.shape()[0] : 1;
    return spec + ", " + std::to_string(samples) + " samples in " + std::to_string(batches.size()) + " run(s)";
  }
  if (fallback.empty()) throw Error("the fpga backend needs calibration inputs: give --calib DIR_OR_DATASET");
  plan.calibrate(fallback);
  return "the run's own inputs (" + std::to_string(fallback.size()) + " run(s); give --calib for representative data)";
}

std::string prepare_fpga(Session& model, const Args& args, const std::vector<TensorId>& fetches,
                         const std::string& default_spec, const std::vector<FeedMap>& fallback) {
  std::shared_ptr<fpga::FpgaBackend> plan = fpga_plan(model, args, fetches);
  const std::string used = calibrate_fpga(*plan, model, args, default_spec, fallback);
  model.set_fpga(plan);
  return used;
}

}  // namespace frost::cli
