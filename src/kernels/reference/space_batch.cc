#include "kernels/space_batch.h"

#include <cstring>

namespace frost::kernels {

namespace {

// Visits every batched element position with the matching space element
// offset (in elements, excluding depth), or -1 when it lies in the padding.
template <class F>
void for_each_pair(const SpaceBatchParams& p, F visit) {
  const size_t m = p.space.size();
  int64_t blocks = 1, batched_spatial = 1;
  for (size_t i = 0; i < m; ++i) {
    blocks *= p.block[i];
    batched_spatial *= p.batched[i];
  }
  std::vector<int64_t> offset(m), pos(m);
  for (int64_t b = 0; b < blocks * p.batch; ++b) {
    const int64_t n = b % p.batch;
    int64_t rest = b / p.batch;
    for (size_t i = m; i-- > 0;) {  // offsets within the block, the last dimension fastest
      offset[i] = rest % p.block[i];
      rest /= p.block[i];
    }
    for (int64_t s = 0; s < batched_spatial; ++s) {
      int64_t rest_s = s, space_index = 0, space_stride = 1;
      bool inside = true;
      for (size_t i = m; i-- > 0;) {
        const int64_t j = rest_s % p.batched[i];
        rest_s /= p.batched[i];
        const int64_t x = j * p.block[i] + offset[i] - p.pad_before[i];
        if (x < 0 || x >= p.space[i]) inside = false;
        space_index += x * space_stride;
        space_stride *= p.space[i];
      }
      const int64_t batched_index = b * batched_spatial + s;
      visit(batched_index, inside ? n * space_stride + space_index : int64_t{-1});
    }
  }
}

}  // namespace

void space_to_batch_reference(const SpaceBatchParams& p, const void* space, void* batched) {
  const std::size_t chunk = static_cast<std::size_t>(p.depth) * p.element_bytes;
  const auto* src = static_cast<const unsigned char*>(space);
  auto* dst = static_cast<unsigned char*>(batched);
  for_each_pair(p, [&](int64_t batched_index, int64_t space_index) {
    unsigned char* to = dst + static_cast<std::size_t>(batched_index) * chunk;
    if (space_index < 0)
      std::memset(to, 0, chunk);
    else
      std::memcpy(to, src + static_cast<std::size_t>(space_index) * chunk, chunk);
  });
}

void batch_to_space_reference(const SpaceBatchParams& p, const void* batched, void* space) {
  const std::size_t chunk = static_cast<std::size_t>(p.depth) * p.element_bytes;
  const auto* src = static_cast<const unsigned char*>(batched);
  auto* dst = static_cast<unsigned char*>(space);
  for_each_pair(p, [&](int64_t batched_index, int64_t space_index) {
    if (space_index >= 0)
      std::memcpy(dst + static_cast<std::size_t>(space_index) * chunk,
                  src + static_cast<std::size_t>(batched_index) * chunk, chunk);
  });
}

}  // namespace frost::kernels
