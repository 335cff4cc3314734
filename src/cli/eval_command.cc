// frost eval MODEL --dataset fashion-mnist[:test|:train]: top-1 accuracy of a
// classifier on a labelled image set, per class, throughput, and how many
// predictions differ from Keras's.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>

#include "cli/commands.h"
#include "cli/model_args.h"
#include "graph/tensor_names.h"
#include "io/datasets.h"
#include "io/npy.h"

namespace frost::cli {

namespace {

// The one input to feed images into: --input, or the only required placeholder.
GraphInput image_input(const Model& model, const Args& args) {
  if (args.has("input")) {
    const TensorId id = resolve_tensor(model.graph(), args.value("input"));
    for (const GraphInput& in : model.inputs())
      if (in.name == id.node) return in;
    throw Error("'" + id.node + "' is not a placeholder of the model");
  }
  std::vector<GraphInput> required;
  for (const GraphInput& in : model.inputs())
    if (!in.has_default) required.push_back(in);
  if (required.size() != 1)
    throw Error("the model has " + std::to_string(required.size()) + " inputs; name the image input with --input");
  return required[0];
}

// A float batch of images scaled to [0, 1] (pixel / 255, as the generators
// trained with), shaped like the placeholder with the batch dimension filled.
Tensor image_batch(const LabelledImages& data, int64_t first, int64_t count, const GraphInput& input) {
  const int64_t pixels = data.images.shape().dim(1) * data.images.shape().dim(2);
  std::vector<int64_t> dims = input.shape.known_rank() ? input.shape.dims() : std::vector<int64_t>{-1, pixels};
  int64_t per_image = 1;
  for (size_t i = 1; i < dims.size(); ++i) per_image *= dims[i] < 0 ? 1 : dims[i];
  if (dims.empty() || per_image != pixels)
    throw Error("input '" + input.name + "' has shape " + input.shape.to_string() + ", which does not hold " +
                std::to_string(pixels) + "-pixel images");
  dims[0] = count;
  for (size_t i = 1; i < dims.size(); ++i)
    if (dims[i] < 0) dims[i] = 1;
  Tensor batch(DType::Float, Shape(dims));
  const uint8_t* src = data.images.data<uint8_t>() + first * pixels;
  float* dst = batch.data<float>();
  for (int64_t i = 0; i < count * pixels; ++i) dst[i] = static_cast<float>(src[i]) / 255.0f;
  return batch;
}

}  // namespace

int eval_command(const Argv& argv) {
  const Args args(argv, {"dataset", "limit", "batch", "keras-predictions", "input", "output", "backend", "set"},
                  {"no-optimize"});
  const Model model = prepared_model(args.only_positional("model file"), args);
  const Backend backend = parse_backend(args.value("backend", "cpu"));
  const LabelledImages data = load_dataset(args.value("dataset", "fashion-mnist:test"));
  const GraphInput input = image_input(model, args);
  const std::vector<TensorId> fetches = fetches_from_args(model, args);
  if (fetches.size() != 1) throw Error("the model has several outputs; name the class scores with --output");

  const int64_t total = std::min<int64_t>(data.labels.num_elements(), args.integer("limit", data.labels.num_elements()));
  int64_t batch_size = args.integer("batch", 100);
  if (input.shape.known_rank() && input.shape.rank() > 0 && input.shape.dim(0) > 0) batch_size = input.shape.dim(0);
  if (total <= 0 || batch_size <= 0) throw Error("--limit and --batch must be positive");

  Tensor keras;
  if (args.has("keras-predictions")) {
    keras = read_npy(args.value("keras-predictions"));
    if (keras.num_elements() < total)
      throw Error("holds " + std::to_string(keras.num_elements()) + " predictions, fewer than the " +
                  std::to_string(total) + " images evaluated")
          .file(args.value("keras-predictions"));
  }

  FeedMap feeds;
  for (const GraphInput& in : model.inputs())  // other inputs keep their defaults
    if (in.name != input.name && !in.has_default)
      throw Error("input '" + in.name + "' has no value during eval; the model must take images only");

  std::vector<int64_t> correct(static_cast<size_t>(data.num_classes)), seen(correct.size());
  int64_t right = 0, differs_from_keras = 0;
  const bool tty = isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t first = 0; first < total; first += batch_size) {
    int64_t count = std::min(batch_size, total - first);
    // A model with a fixed batch size gets full batches (the tail is padded, and ignored).
    const bool fixed = input.shape.known_rank() && input.shape.dim(0) > 0;
    const int64_t fed_count = fixed ? batch_size : count;
    if (first + fed_count > data.labels.num_elements()) throw Error("dataset too small for the fixed batch size");
    feeds[TensorId{input.name, 0, false}] = image_batch(data, first, fed_count, input);
    const Tensor scores = model.run(feeds, fetches, backend)[0];
    if (scores.rank() < 1 || scores.shape().dim(0) != fed_count)
      throw Error("output " + fetches[0].to_string() + " has shape " + scores.shape().to_string() +
                  ", expected [batch, classes]");
    const int64_t classes = scores.num_elements() / fed_count;
    for (int64_t i = 0; i < count; ++i) {
      int64_t best = 0;
      for (int64_t k = 1; k < classes; ++k)
        if (scores.as_double(i * classes + k) > scores.as_double(i * classes + best)) best = k;
      const int64_t label = data.labels.data<uint8_t>()[first + i];
      ++seen[static_cast<size_t>(label)];
      if (best == label) {
        ++right;
        ++correct[static_cast<size_t>(label)];
      }
      if (keras.valid() && keras.as_int64(first + i) != best) ++differs_from_keras;
    }
    if (tty) std::cerr << "\r  " << std::min(first + count, total) << "/" << total << " images" << std::flush;
  }
  if (tty) std::cerr << "\r" << std::string(40, ' ') << "\r";
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::cout << std::fixed << std::setprecision(2) << data.name << ", " << total << " images, "
            << backend_name(backend) << " backend\n"
            << "top-1 accuracy: " << 100.0 * static_cast<double>(right) / static_cast<double>(total) << "% (" << right
            << "/" << total << ")\nper class:";
  for (size_t k = 0; k < correct.size(); ++k)
    if (seen[k]) std::cout << " " << k << ":" << 100.0 * static_cast<double>(correct[k]) / static_cast<double>(seen[k]) << "%";
  std::cout << "\nthroughput: " << static_cast<double>(total) / seconds << " images/s (" << seconds << " s)\n";
  if (keras.valid())
    std::cout << "predictions differing from Keras: " << differs_from_keras << " of " << total << "\n";
  return 0;
}

}  // namespace frost::cli
