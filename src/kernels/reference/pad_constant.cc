#include "kernels/pad_constant.h"

#include <cstring>
#include <vector>

namespace frost::kernels {

void pad_constant_reference(const PadConstantParams& p, const void* src, void* dst, std::size_t elem_bytes,
                            const void* fill) {
  const size_t rank = p.in_dims.size();
  std::vector<int64_t> out_dims(rank), index(rank, 0);
  int64_t total = 1;
  for (size_t k = 0; k < rank; ++k) {
    out_dims[k] = p.before[k] + p.in_dims[k] + p.after[k];
    total *= out_dims[k];
  }
  const std::vector<std::byte> zero(elem_bytes, std::byte{0});
  const auto* from = static_cast<const std::byte*>(src);
  auto* to = static_cast<std::byte*>(dst);
  // Output element i (row-major) at index; it is the input's element at
  // index - before when that lies inside the input, else fill.
  for (int64_t i = 0; i < total; ++i) {
    bool inside = true;
    int64_t src_i = 0;
    for (size_t k = 0; k < rank; ++k) {
      const int64_t j = index[k] - p.before[k];
      inside = inside && j >= 0 && j < p.in_dims[k];
      src_i = src_i * p.in_dims[k] + j;
    }
    const void* value = inside ? from + src_i * static_cast<int64_t>(elem_bytes) : fill ? fill : zero.data();
    std::memcpy(to + i * static_cast<int64_t>(elem_bytes), value, elem_bytes);
    for (size_t k = rank; k-- > 0;) {  // next index, last dim fastest
      if (++index[k] < out_dims[k]) break;
      index[k] = 0;
    }
  }
}

}  // namespace frost::kernels
