// The limit Tensor's constructor enforces for this process: kMaxTensorBytes
// (tensor.h) unless lowered. A fuzzer lowers it so that a few bytes of graph
// cannot make a model ask for gigabytes; a program with a memory budget may do
// the same. Apart from tensor.h so that changing it rebuilds one file.
#pragma once

#include <cstdint>

namespace frost {

int64_t tensor_byte_limit();
// Values outside [0, kMaxTensorBytes] are clamped.
void set_tensor_byte_limit(int64_t bytes);

}  // namespace frost
