// IDX files, the format of MNIST and Fashion-MNIST: a big-endian magic
// 0x0000TTNN (TT = element type, NN = number of dims), NN big-endian uint32
// dims, then the elements in C order. Read through zlib, so the .gz files as
// distributed and plain files both work. Only unsigned-byte data (TT = 0x08:
// labels 0x00000801, images 0x00000803) is supported; it loads as a uint8
// tensor of the file's dims (images: N x 28 x 28).
#pragma once

#include <string>

#include "graph/tensor.h"

namespace frost {

// Throws (naming the file) on a missing file, a bad magic or element type,
// absurd dims (checked against kMaxTensorBytes before allocating), truncated
// data or bytes past the end of the data.
Tensor read_idx(const std::string& path);

}  // namespace frost
