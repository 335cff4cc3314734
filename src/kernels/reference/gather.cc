#include "kernels/gather.h"

#include <cstring>

namespace frost::kernels {

void gather_reference(const GatherParams& p, const void* params, const int64_t* indices, void* out,
                      std::size_t elem_bytes) {
  const auto* src = static_cast<const std::byte*>(params);
  auto* dst = static_cast<std::byte*>(out);
  const std::size_t slice_bytes = static_cast<std::size_t>(p.inner) * elem_bytes;
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t o = 0; o < p.outer; ++o) {
      const std::byte* block = src + static_cast<std::size_t>((b * p.outer + o) * p.axis_dim) * slice_bytes;
      for (int64_t j = 0; j < p.num_indices; ++j) {
        const int64_t row = indices[b * p.num_indices + j];
        std::memcpy(dst, block + static_cast<std::size_t>(row) * slice_bytes, slice_bytes);
        dst += slice_bytes;
      }
    }
}

void gather_reference(const GatherParams& p, const std::string* params, const int64_t* indices, std::string* out) {
  for (int64_t b = 0; b < p.batch; ++b)
    for (int64_t o = 0; o < p.outer; ++o) {
      const std::string* block = params + (b * p.outer + o) * p.axis_dim * p.inner;
      for (int64_t j = 0; j < p.num_indices; ++j) {
        const std::string* slice = block + indices[b * p.num_indices + j] * p.inner;
        for (int64_t k = 0; k < p.inner; ++k) *out++ = slice[k];
      }
    }
}

}  // namespace frost::kernels
