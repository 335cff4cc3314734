#include "cli/image_inputs.h"

#include "graph/tensor_names.h"

namespace frost::cli {

GraphInput image_input(const Session& model, const Args& args) {
  if (args.has("input")) {
    const std::string spec = args.value("input");  // NAME, or run's NAME=FILE
    const TensorId id = resolve_tensor(model.graph(), spec.substr(0, spec.find('=')));
    for (const GraphInput& in : model.inputs())
      if (in.tensor() == id) return in;
    throw Error("'" + id.node + "' is not a placeholder of the model");
  }
  std::vector<GraphInput> required;
  for (const GraphInput& in : model.inputs())
    if (!in.has_default) required.push_back(in);
  if (required.size() != 1)
    throw Error("the model has " + std::to_string(required.size()) + " inputs; name the image input with --input");
  return required[0];
}

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

int64_t image_batch_size(const GraphInput& input, int64_t preferred) {
  if (input.shape.known_rank() && input.shape.rank() > 0 && input.shape.dim(0) > 0) return input.shape.dim(0);
  return preferred;
}

}  // namespace frost::cli
