// Shared pieces of the array/shape op adapters (array_*_ops.cc): reading index
// tensors, allocating outputs within kMaxTensorBytes, moving elements between
// tensors of any dtype (flat bytes or strings) through kernels/strided_copy.h,
// and reading constant inputs in shape functions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "graph/op_registry.h"

namespace frost::array_ops {

using Dims = std::vector<int64_t>;

// Registers an op whose kernel and shape function get the node/op named on
// every frost::Error thrown below them (e.g. by Tensor or Shape helpers).
void add_op(OpRegistry& r, const std::string& name, std::function<void(OpContext&)> kernel,
            std::function<std::vector<PartialShape>(const ShapeContext&)> shapes,
            std::function<int(const Node&)> num_outputs = nullptr,
            std::vector<std::pair<std::string, std::string>> required_attrs = {});

// Row-major strides (elements) of a shape.
Dims row_major_strides(const Dims& dims);

// a * b, or an error naming `what` if the product overflows int64.
int64_t checked_mul(const OpContext& ctx, int64_t a, int64_t b, const std::string& what);

// Refuses dtypes whose elements are neither flat bytes nor strings (resource, variant).
void require_movable(const OpContext& ctx, const Tensor& t, const std::string& what);

// Allocates a zero-filled output ("" for strings), refusing one whose byte
// size is over kMaxTensorBytes before any memory is taken.
Tensor allocate(const OpContext& ctx, DType dtype, const Dims& dims);
// Output i of these dims through ctx.allocate_output (the runtime's arena
// where planned): same checks as allocate, but the contents are unspecified.
Tensor& allocate_output(OpContext& ctx, int i, DType dtype, const Dims& dims);

// A strided copy between two tensors of one dtype (see kernels/strided_copy.h);
// offsets and strides in elements. The caller guarantees the bounds.
struct CopyRegion {
  int64_t src_offset = 0;
  int64_t dst_offset = 0;
  Dims dims, src_strides, dst_strides;
};
// The reference ops copy with the oracle's kernel; the CPU backend's
// implementations (runtime/impl_*.cc) with its fast twin, which may use
// threads. Strings always take the reference's.
enum class CopyKernel { Reference, Cpu };
void copy_region(const Tensor& src, Tensor& dst, CopyRegion region, CopyKernel kernel = CopyKernel::Reference);
// The region that reads the box input[begin + k*steps] (k < sizes, per dim)
// of an input of `in_dims` into a dense tensor of `sizes` (Slice, StridedSlice).
CopyRegion box_region(const Dims& in_dims, const Dims& begin, const Dims& steps, const Dims& sizes);
// Copies a whole contiguous tensor into `dst` at `dst_offset`, laid out by
// `dst_strides` over src's dims (Concat, Pack, Pad's interior).
void copy_into(const Tensor& src, Tensor& dst, int64_t dst_offset, const Dims& dst_strides);
// Sets every element of `dst` to element 0 of `value` (same dtype).
void fill_with(Tensor& dst, const Tensor& value);

// dst[di] = src[si] for tensors of one movable dtype (flat bytes or strings).
void copy_element(const Tensor& src, int64_t si, Tensor& dst, int64_t di);

// Index/shape tensors: integer dtype, `what` names the input in errors.
std::vector<int64_t> read_int_vector(const OpContext& ctx, const Tensor& t, const std::string& what);
// A scalar, or a vector of one element (TensorFlow accepts both for axes).
int64_t read_int_scalar(const OpContext& ctx, const Tensor& t, const std::string& what);
void require_scalar(const OpContext& ctx, const Tensor& t, const std::string& what);

// Number of data inputs a variadic op must have per its attr (N), checked
// against the node's actual inputs.
int attr_count(const OpContext& ctx, const std::string& attr, int fallback);

// Output count of a node whose count comes from an attr (Split's num_split,
// Unpack's num): clamped to [0, kMaxOutputs] so a corrupt attr cannot make the
// runtime allocate unboundedly; `check_output_count` then refuses the node.
constexpr int64_t kMaxOutputs = 1 << 16;
std::function<int(const Node&)> outputs_from_attr(const std::string& attr, int64_t fallback);
int check_output_count(const OpContext& ctx, int64_t wanted, const std::string& what);
std::vector<PartialShape> unknown_outputs(int64_t n, const PartialShape& each = PartialShape::unknown());

// Resolves a possibly negative axis against `rank`, or throws naming `what`.
int resolve_axis(const OpContext& ctx, int64_t axis, int rank, const std::string& what);

// Stores a number into element i of a numeric/bool tensor, converting to its dtype.
void store_number(Tensor& t, int64_t i, double value);

// ---- shape functions ----
PartialShape input_shape(const ShapeContext& ctx, int i);
const Tensor* input_value(const ShapeContext& ctx, int i);
std::optional<std::vector<int64_t>> const_ints(const ShapeContext& ctx, int i);
// Rank-`rank` shape with every dimension unknown.
PartialShape unknown_dims(int rank);

}  // namespace frost::array_ops
