// Moving the channel dimension between channels-first (NCHW, NCDHW, ...) and
// channels-last (NHWC, ...) layouts. `spatial` is the product of the spatial
// dimensions. Works on any element type (copies `element_bytes`-sized
// elements); source and destination must not overlap.
#pragma once

#include <cstddef>
#include <cstdint>

namespace frost::kernels {

// dst[n, s, c] = src[n, c, s]
void channels_first_to_last(const void* src, void* dst, int64_t batch, int64_t channels, int64_t spatial,
                            std::size_t element_bytes);
// dst[n, c, s] = src[n, s, c]
void channels_last_to_first(const void* src, void* dst, int64_t batch, int64_t channels, int64_t spatial,
                            std::size_t element_bytes);

}  // namespace frost::kernels
