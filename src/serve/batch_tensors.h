// Dim-0 tensor plumbing for dynamic batching: stacking the rows of several
// requests (zero-padded to a bucket size) and cutting a batch's outputs back.
#pragma once

#include <vector>

#include "graph/tensor.h"

namespace frost::serve {

// Whether `a` and `b` have the same dtype and the same shape past dim 0.
bool same_row_shape(const Tensor& a, const Tensor& b);

// The parts stacked along dim 0, then zero rows (empty strings) up to
// `total_rows` (>= the parts' rows). Every part has rank >= 1 and the same
// dtype and row shape.
Tensor concat_rows(const std::vector<const Tensor*>& parts, int64_t total_rows);

// Rows [begin, begin + count) of `t` (rank >= 1), as a tensor of its own.
Tensor slice_rows(const Tensor& t, int64_t begin, int64_t count);

}  // namespace frost::serve
