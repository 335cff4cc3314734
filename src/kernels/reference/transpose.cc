#include <cstring>

#include "kernels/transpose.h"

namespace frost::kernels {

void transpose_reference(const TransposeParams& p, const void* src, void* dst, std::size_t elem_bytes) {
  const size_t rank = p.dims.size();
  int64_t src_strides[kMaxTransposeRank], out_dims[kMaxTransposeRank], index[kMaxTransposeRank] = {};
  int64_t total = 1;
  for (size_t k = rank; k-- > 0;) {
    src_strides[k] = total;
    total *= p.dims[k];
  }
  for (size_t k = 0; k < rank; ++k) out_dims[k] = p.dims[static_cast<size_t>(p.perm[k])];
  const auto* s = static_cast<const unsigned char*>(src);
  auto* d = static_cast<unsigned char*>(dst);
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t from = 0;
    for (size_t k = 0; k < rank; ++k) from += index[k] * src_strides[static_cast<size_t>(p.perm[k])];
    std::memcpy(d + static_cast<size_t>(flat) * elem_bytes, s + static_cast<size_t>(from) * elem_bytes, elem_bytes);
    for (size_t k = rank; k-- > 0;) {  // next output index, last dim fastest
      if (++index[k] < out_dims[k]) break;
      index[k] = 0;
    }
  }
}

}  // namespace frost::kernels
