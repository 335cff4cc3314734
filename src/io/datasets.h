// Datasets Frost can evaluate on without downloading anything. Fashion-MNIST
// comes from Debian's dataset-fashion-mnist package (gzipped IDX files).
#pragma once

#include <string>

#include "graph/tensor.h"

namespace frost {

struct LabelledImages {
  std::string name;  // "fashion-mnist:test"
  Tensor images;     // uint8 [N, rows, cols]
  Tensor labels;     // uint8 [N]
  int num_classes = 0;
};

// Where the IDX files are: $FROST_FASHION_MNIST, else /usr/share/datasets/fashion-mnist.
std::string fashion_mnist_dir();

// "fashion-mnist", "fashion-mnist:test" or "fashion-mnist:train". Throws naming
// the missing file and the package that provides it.
LabelledImages load_dataset(const std::string& spec);

}  // namespace frost
