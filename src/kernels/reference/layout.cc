#include "kernels/layout.h"

#include <cstring>

namespace frost::kernels {

void channels_first_to_last(const void* src, void* dst, int64_t batch, int64_t channels, int64_t spatial,
                            std::size_t element_bytes) {
  const auto* s = static_cast<const unsigned char*>(src);
  auto* d = static_cast<unsigned char*>(dst);
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < spatial; ++i)
        std::memcpy(d + static_cast<std::size_t>((n * spatial + i) * channels + c) * element_bytes,
                    s + static_cast<std::size_t>((n * channels + c) * spatial + i) * element_bytes, element_bytes);
}

void channels_last_to_first(const void* src, void* dst, int64_t batch, int64_t channels, int64_t spatial,
                            std::size_t element_bytes) {
  const auto* s = static_cast<const unsigned char*>(src);
  auto* d = static_cast<unsigned char*>(dst);
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < spatial; ++i)
        std::memcpy(d + static_cast<std::size_t>((n * channels + c) * spatial + i) * element_bytes,
                    s + static_cast<std::size_t>((n * spatial + i) * channels + c) * element_bytes, element_bytes);
}

}  // namespace frost::kernels
