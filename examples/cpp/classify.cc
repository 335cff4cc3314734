// Classify images with a frozen TensorFlow model through Frost's C++ API and
// print the top-5 classes of each. Built outside Frost's build, against the
// installed library:
//
//   c++ -std=c++17 classify.cc $(pkg-config --cflags --libs frost) -o classify
//   ./classify frozen_graph.pb images.npy        # float32 [N,H,W,C] (or [H,W,C])
//   ./classify frozen_graph.pb image.raw         # H*W*C bytes (0-255), scaled to [0,1]
//
// The image is fed without a copy (Tensor::view over the file's pixels); the
// scores come back as a tensor this program owns.
#include <frost/frost.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "npy_file.h"

namespace {

// The pixels as float32 and the shape to feed: an .npy as it is (a batch
// dimension added when it has one axis fewer than the input), a raw file as
// one image of the input's shape with bytes scaled to [0, 1].
std::vector<float> load_pixels(const std::string& path, const frost::TensorInfo& input, std::vector<int64_t>& shape) {
  if (path.size() > 4 && path.substr(path.size() - 4) == ".npy") {
    const example::NpyArray a = example::read_npy(path);
    if (a.descr != "<f4") throw std::runtime_error(path + ": expected float32 pixels, got " + a.descr);
    shape = a.shape;
    if (shape.size() + 1 == input.shape.size()) shape.insert(shape.begin(), 1);
    const int64_t n = std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
    if (a.bytes.size() != static_cast<size_t>(n) * sizeof(float)) throw std::runtime_error(path + ": truncated data");
    std::vector<float> pixels(static_cast<size_t>(n));
    std::copy_n(a.bytes.data(), a.bytes.size(), reinterpret_cast<unsigned char*>(pixels.data()));
    return pixels;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  shape = input.shape;
  if (!shape.empty() && shape[0] < 0) shape[0] = 1;  // one image
  const int64_t n = std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
  if (n <= 0 || static_cast<int64_t>(bytes.size()) != n)
    throw std::runtime_error(path + ": " + std::to_string(bytes.size()) + " bytes, but the input '" + input.name +
                             "' takes " + std::to_string(n) + " pixels");
  std::vector<float> pixels(bytes.size());
  std::transform(bytes.begin(), bytes.end(), pixels.begin(), [](unsigned char b) { return b / 255.0f; });
  return pixels;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MODEL.pb IMAGES.npy|IMAGE.raw\n", argv[0]);
    return 2;
  }
  try {
    const frost::Model model = frost::Model::load(argv[1]);
    const frost::TensorInfo& input = model.inputs().at(0);
    const frost::TensorInfo& output = model.outputs().at(0);

    std::vector<int64_t> shape;
    std::vector<float> pixels = load_pixels(argv[2], input, shape);
    std::map<std::string, frost::Tensor> feeds;
    feeds.emplace(input.name, frost::Tensor::view(pixels.data(), shape));
    const std::map<std::string, frost::Tensor> results = model.run(feeds);

    const frost::Tensor& scores = results.at(output.name);
    const std::vector<int64_t> dims = scores.shape();
    const int64_t classes = dims.empty() ? 1 : dims.back();
    const int64_t images = classes > 0 ? scores.num_elements() / classes : 0;
    const float* s = scores.data<float>();
    for (int64_t i = 0; i < images; ++i) {
      std::vector<int64_t> order(static_cast<size_t>(classes));
      std::iota(order.begin(), order.end(), 0);
      const size_t k = std::min<size_t>(5, order.size());
      std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                        [&](int64_t a, int64_t b) { return s[i * classes + a] > s[i * classes + b]; });
      std::printf("image %lld:", static_cast<long long>(i));
      for (size_t r = 0; r < k; ++r)
        std::printf(" %lld (%.6f)", static_cast<long long>(order[r]), s[i * classes + order[r]]);
      std::printf("\n");
    }
    return 0;
  } catch (const frost::Error& e) {
    std::fprintf(stderr, "frost: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
}
