// Moving blocks of spatial positions into the batch dimension and back
// (TensorFlow's SpaceToBatchND and BatchToSpaceND), for any number of
// spatial dimensions. Both ops share one mapping between
//   the space tensor   [batch, space[0], ..., space[M-1], depth...]
//   the batched tensor [prod(block) * batch, batched[0], ..., batched[M-1], depth...]
// with batched[i] * block[i] == pad_before[i] + space[i] + pad_after[i].
// Batched element (b, j_0..j_{M-1}) with b = ((o_0 * block[1] + o_1) ... ) * batch + n
// corresponds to space element (n, j_i * block[i] + o_i - pad_before[i]).
// For BatchToSpaceND, pad_before/after are the crops.
// Elements are copied whole (`element_bytes`), so every dtype is served.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace frost::kernels {

struct SpaceBatchParams {
  int64_t batch = 0;                // batch of the space tensor
  std::vector<int64_t> space;       // M spatial dimensions of the space tensor
  std::vector<int64_t> block;       // M block sizes, each >= 1
  std::vector<int64_t> pad_before;  // M leading paddings (crops for BatchToSpace)
  std::vector<int64_t> batched;     // M spatial dimensions of the batched tensor
  int64_t depth = 1;                // product of the dimensions after the spatial ones
  std::size_t element_bytes = 4;
};

// Writes the whole batched tensor; positions in the padding become zero bytes.
void space_to_batch_reference(const SpaceBatchParams& p, const void* space, void* batched);
// Writes the whole space tensor from the batched one (cropped positions are dropped).
void batch_to_space_reference(const SpaceBatchParams& p, const void* batched, void* space);

}  // namespace frost::kernels
