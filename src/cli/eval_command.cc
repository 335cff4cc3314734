// frost eval MODEL --dataset fashion-mnist[:test|:train]: top-1 accuracy of a
// classifier on a labelled image set, per class, throughput, and how many
// predictions differ from Keras's. With --backend fpga the model is
// calibrated for the DPU emulator and float and int8 accuracy are shown side
// by side.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>

#include "cli/commands.h"
#include "cli/fpga_args.h"
#include "cli/image_inputs.h"
#include "cli/model_args.h"
#include "graph/tensor_names.h"
#include "io/datasets.h"
#include "io/npy.h"

namespace frost::cli {

namespace {

struct EvalSetup {
  const LabelledImages& data;
  GraphInput input;
  std::vector<TensorId> fetches;
  int64_t total = 0, batch_size = 0;
  Tensor keras = {};
};

struct Accuracy {
  std::vector<int64_t> correct, seen;
  int64_t right = 0, differs_from_keras = 0;
  double seconds = 0;
  std::vector<int64_t> predictions;

  double percent() const { return predictions.empty() ? 0.0 : 100.0 * double(right) / double(predictions.size()); }
};

Accuracy evaluate(const Session& model, Backend backend, const EvalSetup& s) {
  Accuracy acc;
  acc.correct.assign(static_cast<size_t>(s.data.num_classes), 0);
  acc.seen = acc.correct;
  FeedMap feeds;
  const bool tty = isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t first = 0; first < s.total; first += s.batch_size) {
    int64_t count = std::min(s.batch_size, s.total - first);
    // A model with a fixed batch size gets full batches (the tail is padded, and ignored).
    const bool fixed = s.input.shape.known_rank() && s.input.shape.dim(0) > 0;
    const int64_t fed_count = fixed ? s.batch_size : count;
    if (first + fed_count > s.data.labels.num_elements()) throw Error("dataset too small for the fixed batch size");
    feeds[s.input.tensor()] = image_batch(s.data, first, fed_count, s.input);
    const Tensor scores = model.run(feeds, s.fetches, backend)[0];
    if (scores.rank() < 1 || scores.shape().dim(0) != fed_count)
      throw Error("output " + s.fetches[0].to_string() + " has shape " + scores.shape().to_string() +
                  ", expected [batch, classes]");
    const int64_t classes = scores.num_elements() / fed_count;
    for (int64_t i = 0; i < count; ++i) {
      int64_t best = 0;
      for (int64_t k = 1; k < classes; ++k)
        if (scores.as_double(i * classes + k) > scores.as_double(i * classes + best)) best = k;
      const int64_t label = s.data.labels.data<uint8_t>()[first + i];
      ++acc.seen[static_cast<size_t>(label)];
      acc.predictions.push_back(best);
      if (best == label) {
        ++acc.right;
        ++acc.correct[static_cast<size_t>(label)];
      }
      if (s.keras.valid() && s.keras.as_int64(first + i) != best) ++acc.differs_from_keras;
    }
    if (tty) std::cerr << "\r  " << std::min(first + count, s.total) << "/" << s.total << " images" << std::flush;
  }
  if (tty) std::cerr << "\r" << std::string(40, ' ') << "\r";
  acc.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return acc;
}

void print_accuracy(const Accuracy& a, const EvalSetup& s, const std::string& label) {
  std::cout << label << "top-1 accuracy: " << a.percent() << "% (" << a.right << "/" << s.total << ")\n"
            << label << "per class:";
  for (size_t k = 0; k < a.correct.size(); ++k)
    if (a.seen[k]) std::cout << " " << k << ":" << 100.0 * double(a.correct[k]) / double(a.seen[k]) << "%";
  std::cout << "\n" << label << "throughput: " << double(s.total) / a.seconds << " images/s (" << a.seconds << " s)\n";
  if (s.keras.valid())
    std::cout << label << "predictions differing from Keras: " << a.differs_from_keras << " of " << s.total << "\n";
}

}  // namespace

int eval_command(const Argv& argv) {
  const Args args(argv,
                  {"dataset", "limit", "batch", "keras-predictions", "input", "output", "backend", "set", "arch",
                   "calib", "calib-count"},
                  {"no-optimize"});
  Session model = prepared_model(args.only_positional("model file"), args);
  const Backend backend = parse_backend(args.value("backend", "cpu"));
  const LabelledImages data = load_dataset(args.value("dataset", "fashion-mnist:test"));
  EvalSetup s{data, image_input(model, args), fetches_from_args(model, args)};
  if (s.fetches.size() != 1) throw Error("the model has several outputs; name the class scores with --output");

  s.total = std::min<int64_t>(data.labels.num_elements(), args.integer("limit", data.labels.num_elements()));
  s.batch_size = image_batch_size(s.input, args.integer("batch", 100));
  if (s.total <= 0 || s.batch_size <= 0) throw Error("--limit and --batch must be positive");

  if (args.has("keras-predictions")) {
    s.keras = read_npy(args.value("keras-predictions"));
    if (s.keras.num_elements() < s.total)
      throw Error("holds " + std::to_string(s.keras.num_elements()) + " predictions, fewer than the " +
                  std::to_string(s.total) + " images evaluated")
          .file(args.value("keras-predictions"));
  }
  for (const GraphInput& in : model.inputs())  // other inputs keep their defaults
    if (in.name != s.input.name && !in.has_default)
      throw Error("input '" + in.name + "' has no value during eval; the model must take images only");

  std::cout << std::fixed << std::setprecision(2) << data.name << ", " << s.total << " images, "
            << backend_name(backend) << " backend\n";
  if (backend != Backend::Fpga) {
    print_accuracy(evaluate(model, backend, s), s, "");
    return 0;
  }
  // Calibrate on the training images by default: never on the images scored.
  const std::string calib = prepare_fpga(model, args, s.fetches, "fashion-mnist:train", {});
  std::cout << "calibration: " << calib << "\n";
  const Accuracy f = evaluate(model, Backend::Cpu, s);
  const Accuracy q = evaluate(model, Backend::Fpga, s);
  int64_t disagree = 0;
  for (size_t i = 0; i < f.predictions.size(); ++i) disagree += f.predictions[i] != q.predictions[i];
  print_accuracy(f, s, "float (cpu)       ");
  print_accuracy(q, s, "int8 (fpga emul.) ");
  std::cout << "int8 - float: " << std::showpos << q.percent() - f.percent() << std::noshowpos
            << " percentage points; predictions differing: " << disagree << " of " << s.total << "\n";
  return 0;
}

}  // namespace frost::cli
