#include "runtime/random_inputs.h"

#include <functional>
#include <random>

namespace frost {

Tensor random_input(const GraphInput& input, uint64_t seed, int64_t unknown_dim) {
  if (!input.shape.known_rank())
    throw Error("input '" + input.name + "' has no known rank: feed it a value");
  std::vector<int64_t> dims = input.shape.dims();
  for (int64_t& d : dims)
    if (d < 0) d = unknown_dim;
  Tensor t(input.dtype, Shape(dims));
  std::mt19937_64 rng(seed ^ std::hash<std::string>{}(input.name));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> small(0, 9);
  const int64_t n = t.num_elements();
  switch (input.dtype) {
    case DType::Float: for (int64_t i = 0; i < n; ++i) t.data<float>()[i] = static_cast<float>(unit(rng)); break;
    case DType::Double: for (int64_t i = 0; i < n; ++i) t.data<double>()[i] = unit(rng); break;
    case DType::Int32: for (int64_t i = 0; i < n; ++i) t.data<int32_t>()[i] = small(rng); break;
    case DType::Int64: for (int64_t i = 0; i < n; ++i) t.data<int64_t>()[i] = small(rng); break;
    case DType::UInt8: for (int64_t i = 0; i < n; ++i) t.data<uint8_t>()[i] = static_cast<uint8_t>(small(rng)); break;
    case DType::Bool: for (int64_t i = 0; i < n; ++i) t.data<bool>()[i] = (rng() & 1) != 0; break;
    default:
      throw Error("cannot make random values of dtype " + dtype_name(input.dtype) + " for input '" + input.name +
                  "': feed it a value");
  }
  return t;
}

}  // namespace frost
