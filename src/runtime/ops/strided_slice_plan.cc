#include "runtime/ops/strided_slice_plan.h"

#include <algorithm>

namespace frost::array_ops {

namespace {
constexpr int kNewAxis = -1;
constexpr int kShrinkAxis = -2;
bool bit(int64_t mask, size_t i) { return i < 63 && ((mask >> i) & 1) != 0; }
}  // namespace

StridedSlicePlan plan_strided_slice(const std::vector<int64_t>& input_dims, size_t spec_len,
                                    const std::optional<std::vector<int64_t>>& begin,
                                    const std::optional<std::vector<int64_t>>& end,
                                    const std::optional<std::vector<int64_t>>& strides, const StridedSliceMasks& m,
                                    const std::function<void(const std::string&)>& fail) {
  if (spec_len > 62) fail("slice spec has " + std::to_string(spec_len) + " entries, at most 62 are supported");
  if (m.ellipsis & (m.ellipsis - 1)) fail("multiple ellipses in slice spec not allowed");

  // Step 1: the sparse spec; an ellipsis is implied at the end if none is given.
  size_t sparse_dims = spec_len;
  int64_t ellipsis_mask = m.ellipsis;
  bool found_ellipsis = false;
  size_t new_axes_after_ellipsis = 0;
  for (size_t i = 0; i < sparse_dims; ++i) {
    if (found_ellipsis && bit(m.new_axis, i)) ++new_axes_after_ellipsis;
    if (bit(ellipsis_mask, i)) found_ellipsis = true;
  }
  if (!found_ellipsis) ellipsis_mask |= int64_t{1} << sparse_dims++;

  // Step 2: the dense spec, one entry per input dim.
  const size_t dims = input_dims.size();
  std::vector<int64_t> d_begin(dims, 0), d_end(dims, 0), d_stride(dims, 1);
  std::vector<bool> d_begin_mask(dims, false), d_end_mask(dims, false), d_shrink(dims, false);
  std::vector<int> gather;  // per output dim: dense index, kNewAxis or kShrinkAxis
  size_t full = 0;
  for (size_t i = 0; i < sparse_dims; ++i) {
    if (bit(ellipsis_mask, i)) {
      const int64_t next = std::min<int64_t>(static_cast<int64_t>(dims) - static_cast<int64_t>(sparse_dims - i) + 1 +
                                                 static_cast<int64_t>(new_axes_after_ellipsis),
                                             static_cast<int64_t>(dims));
      for (; static_cast<int64_t>(full) < next; ++full) {
        d_begin_mask[full] = d_end_mask[full] = true;
        gather.push_back(static_cast<int>(full));
      }
    } else if (bit(m.new_axis, i)) {
      gather.push_back(kNewAxis);
    } else {
      if (full == dims)
        fail("index out of range using input dim " + std::to_string(full) + "; input has only " +
             std::to_string(dims) + " dims");
      if (begin) d_begin[full] = (*begin)[i];
      if (end) d_end[full] = (*end)[i];
      if (strides) d_stride[full] = (*strides)[i];
      d_begin_mask[full] = bit(m.begin, i);
      d_end_mask[full] = bit(m.end, i);
      if (bit(m.shrink, i)) {
        d_shrink[full] = true;
        gather.push_back(kShrinkAxis);
      } else {
        gather.push_back(static_cast<int>(full));
      }
      ++full;
    }
  }

  // Step 3: canonical begin/end and the number of elements read per dim.
  StridedSlicePlan plan;
  plan.begin.assign(dims, 0);
  plan.strides.assign(dims, 1);
  plan.processing.assign(dims, -1);
  const bool values_known = begin.has_value() && end.has_value();
  for (size_t i = 0; i < dims; ++i) {
    const int64_t stride = d_stride[i];
    const int64_t dim = input_dims[i];
    const bool shrink = d_shrink[i];
    if (strides && stride == 0) fail("strides[" + std::to_string(i) + "] must be non-zero");
    plan.strides[i] = stride;
    if (dim == -1 || !strides) {
      plan.processing[i] = shrink ? 1 : -1;
      continue;
    }
    const bool masks[2] = {d_begin_mask[i], d_end_mask[i]};
    const int64_t valid_range[2] = {stride > 0 ? 0 : -1, stride > 0 ? dim : dim - 1};
    const auto canonical = [&](int64_t x, int c) {
      if (masks[c]) return stride > 0 ? valid_range[c] : valid_range[(c + 1) & 1];
      const int64_t fwd = x < 0 ? dim + x : x;
      return fwd < valid_range[0] ? valid_range[0] : fwd > valid_range[1] ? valid_range[1] : fwd;
    };
    if (shrink && stride <= 0) fail("only stride 1 allowed on non-range indexing");
    int64_t b = d_begin[i], e = d_end[i];
    if (values_known) {
      if (shrink) {
        // foo[-1] arrives as begin -1, end 0; the interval is [begin, begin + 1).
        const int64_t fwd = b < 0 ? dim + b : b;
        if (fwd < 0 || fwd >= dim)
          fail("slice index " + std::to_string(b) + " of dimension " + std::to_string(i) + " out of bounds");
        b = fwd;
        e = fwd + 1;
      } else {
        b = canonical(b, 0);
        e = canonical(e, 1);
      }
    }
    bool known = false;
    int64_t interval = 0;
    if (values_known) {
      interval = e - b;
      known = true;
    } else if (shrink) {
      interval = 1;
      known = true;
    } else if (d_begin_mask[i] && d_end_mask[i]) {
      interval = stride < 0 ? -dim : dim;
      known = true;
    }
    if (known) {
      int64_t size = 0;
      if (interval != 0 && ((interval < 0) == (stride < 0)))
        size = interval / stride + (interval % stride != 0 ? 1 : 0);
      plan.processing[i] = size;
    }
    plan.begin[i] = b;
  }

  for (int g : gather) {
    if (g == kShrinkAxis) continue;
    if (g == kNewAxis) {
      plan.final_dims.push_back(1);
      plan.final_source.push_back(-1);
    } else {
      plan.final_dims.push_back(plan.processing[static_cast<size_t>(g)]);
      plan.final_source.push_back(g);
    }
  }
  return plan;
}

}  // namespace frost::array_ops
