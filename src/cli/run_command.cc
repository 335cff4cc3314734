// frost run MODEL: feed inputs, compute outputs, print a summary of each and
// write them as .npy files.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "cli/commands.h"
#include "cli/fpga_args.h"
#include "cli/model_args.h"
#include "io/npy.h"

namespace frost::cli {

namespace {

// One line per output: dtype, shape, min/max/mean/std; the per-row argmax of
// a [batch, classes] output; the values themselves when there are few.
void print_summary(const std::string& name, const Tensor& t) {
  std::cout << name << ": " << t.summary();
  const int64_t n = t.num_elements();
  if (t.dtype() == DType::String || n == 0) {
    std::cout << "\n";
    return;
  }
  double lo = INFINITY, hi = -INFINITY, sum = 0, sum_sq = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double v = t.as_double(i);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
    sum_sq += v * v;
  }
  const double mean = sum / static_cast<double>(n);
  const double stddev = std::sqrt(std::max(0.0, sum_sq / static_cast<double>(n) - mean * mean));
  std::cout << std::setprecision(6) << "  min " << lo << "  max " << hi << "  mean " << mean << "  std " << stddev;
  if (t.rank() == 2 && t.shape().dim(1) > 1) {
    std::cout << "\n  argmax per row:";
    const int64_t rows = t.shape().dim(0), cols = t.shape().dim(1);
    for (int64_t r = 0; r < std::min<int64_t>(rows, 16); ++r) {
      int64_t best = 0;
      for (int64_t c = 1; c < cols; ++c)
        if (t.as_double(r * cols + c) > t.as_double(r * cols + best)) best = c;
      std::cout << " " << best;
    }
    if (rows > 16) std::cout << " ...";
  }
  if (n <= 10) {
    std::cout << "\n  values:";
    for (int64_t i = 0; i < n; ++i) std::cout << " " << t.as_double(i);
  }
  std::cout << "\n";
}

}  // namespace

int run_command(const Argv& argv) {
  const Args args(argv,
                  {"input", "random-inputs", "output", "save", "backend", "set", "arch", "calib", "calib-count", "threads"},
                  {"no-optimize"});
  set_threads_from_args(args);
  Session model = prepared_model(args.only_positional("model file"), args);
  const Backend backend = parse_backend(args.value("backend", "cpu"));
  const FeedMap feeds = feeds_from_args(model, args);
  const std::vector<TensorId> fetches = fetches_from_args(model, args);

  if (backend == Backend::Fpga)  // calibrated on --calib, else on this run's own inputs
    std::cerr << "fpga calibration: " << prepare_fpga(model, args, fetches, "", {feeds}) << "\n";
  const std::vector<Tensor> results = model.run(feeds, fetches, backend);

  const std::filesystem::path dir = args.value("save", "frost-out");
  std::filesystem::create_directories(dir);
  for (size_t i = 0; i < fetches.size(); ++i) {
    const std::string name = fetches[i].to_string();
    print_summary(name, results[i]);
    if (results[i].dtype() != DType::String) {
      const std::filesystem::path file = dir / (file_safe_name(name) + ".npy");
      write_npy(file.string(), results[i]);
      std::cout << "  saved " << file.string() << "\n";
    }
  }
  return 0;
}

}  // namespace frost::cli
