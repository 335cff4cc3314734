// Gather along one axis: the data movement of GatherV2 / Gather.
//
// Layouts (row-major, elements):
//   params  [batch, outer, axis_dim, inner]
//   indices [batch, num_indices]            each already checked in [0, axis_dim)
//   out     [batch, outer, num_indices, inner]
// out[b, o, j, :] = params[b, o, indices[b, j], :]
// `batch` is the product of the leading batch_dims (1 without batch dims).
// No allocation, no exceptions: the caller validates indices.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace frost::kernels {

struct GatherParams {
  int64_t batch = 1;
  int64_t outer = 1;
  int64_t axis_dim = 0;
  int64_t num_indices = 0;
  int64_t inner = 1;  // elements per gathered slice
};

void gather_reference(const GatherParams& p, const void* params, const int64_t* indices, void* out,
                      std::size_t elem_bytes);
void gather_reference(const GatherParams& p, const std::string* params, const int64_t* indices, std::string* out);

}  // namespace frost::kernels
