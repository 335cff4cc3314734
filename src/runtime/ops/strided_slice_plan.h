// TensorFlow's StridedSlice semantics, resolved once into a per-input-dim
// plan: the sparse spec (begin/end/strides + five masks, one entry per index
// expression like x[..., 1:3, tf.newaxis, 0]) is expanded to the input's
// dims, indices are canonicalised and clamped exactly as TensorFlow's
// ValidateStridedSliceOp does, and the final shape drops shrunk axes and adds
// new ones. Used by the kernel (all values known) and by the shape function
// (input dims may be -1, begin/end/strides may be unknown).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace frost::array_ops {

struct StridedSliceMasks {
  int64_t begin = 0, end = 0, ellipsis = 0, new_axis = 0, shrink = 0;
};

struct StridedSlicePlan {
  // One entry per input dim.
  std::vector<int64_t> begin;       // first element read (canonical, in range when size > 0)
  std::vector<int64_t> strides;     // step, may be negative
  std::vector<int64_t> processing;  // elements read along the dim (-1 if unknown)
  // The output: processing dims minus shrunk ones plus new 1-sized axes.
  std::vector<int64_t> final_dims;
  // Per output dim: the input dim it comes from, or -1 for a new axis.
  std::vector<int> final_source;
};

// `input_dims` may hold -1 (unknown); `spec_len` is the length of begin/end/
// strides. Unknown values (nullopt) give unknown sizes where they matter.
// Errors go through `fail`, which must throw.
StridedSlicePlan plan_strided_slice(const std::vector<int64_t>& input_dims, size_t spec_len,
                                    const std::optional<std::vector<int64_t>>& begin,
                                    const std::optional<std::vector<int64_t>>& end,
                                    const std::optional<std::vector<int64_t>>& strides, const StridedSliceMasks& masks,
                                    const std::function<void(const std::string&)>& fail);

}  // namespace frost::array_ops
