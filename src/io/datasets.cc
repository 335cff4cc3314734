#include "io/datasets.h"

#include <cstdlib>
#include <filesystem>

#include "io/idx.h"

namespace frost {

std::string fashion_mnist_dir() {
  if (const char* env = std::getenv("FROST_FASHION_MNIST")) return env;
  return "/usr/share/datasets/fashion-mnist";
}

LabelledImages load_dataset(const std::string& spec) {
  const size_t colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  const std::string split = colon == std::string::npos ? "test" : spec.substr(colon + 1);
  if (name != "fashion-mnist") throw Error("unknown dataset '" + name + "' (available: fashion-mnist)");
  if (split != "test" && split != "train")
    throw Error("unknown split '" + split + "' of fashion-mnist (test or train)");

  const std::filesystem::path dir = fashion_mnist_dir();
  const std::string prefix = split == "test" ? "t10k" : "train";
  const auto images_file = dir / (prefix + "-images-idx3-ubyte.gz");
  const auto labels_file = dir / (prefix + "-labels-idx1-ubyte.gz");
  for (const auto& f : {images_file, labels_file})
    if (!std::filesystem::exists(f))
      throw Error("dataset file not found (install Debian package dataset-fashion-mnist, or set FROST_FASHION_MNIST)")
          .file(f.string());

  LabelledImages d{"fashion-mnist:" + split, read_idx(images_file.string()), read_idx(labels_file.string()), 10};
  if (d.images.rank() != 3 || d.labels.rank() != 1 || d.images.shape().dim(0) != d.labels.shape().dim(0))
    throw Error("images " + d.images.shape().to_string() + " and labels " + d.labels.shape().to_string() +
                " do not match")
        .file(images_file.string());
  return d;
}

}  // namespace frost
