// SpaceToBatchND / BatchToSpaceND (any number M of spatial dimensions;
// block_shape [M] and paddings/crops [M, 2] as int32/int64 tensors), and the
// older 4-D SpaceToBatch / BatchToSpace with a block_size attr. Any dtype.
#include <cstdint>

#include "kernels/space_batch.h"
#include "runtime/ops/nn_common.h"

namespace frost {

namespace {

enum class Direction { ToBatch, ToSpace };

Direction direction(const Node& node) {
  return node.op.rfind("SpaceToBatch", 0) == 0 ? Direction::ToBatch : Direction::ToSpace;
}
bool is_nd(const Node& node) { return node.op.back() == 'D'; }  // ...ND, not the 4-D v1 ops
const char* amounts_name(Direction d) { return d == Direction::ToBatch ? "paddings" : "crops"; }

// Block sizes and (before, after) amounts for each of the M spatial
// dimensions, from the ND ops' inputs or the v1 ops' block_size attr.
struct Blocks {
  std::vector<int64_t> block, before, after;
};

std::vector<int64_t> read_int_tensor(const Node& node, const Tensor& t, const std::string& what) {
  if (t.dtype() != DType::Int32 && t.dtype() != DType::Int64)
    throw node.error(what + " must be int32 or int64, got " + dtype_name(t.dtype()));
  return t.to_int64_vector();
}

// `block_shape` is nullptr for the v1 ops (block_size attr, M = 2).
Blocks read_blocks(const Node& node, const Tensor* block_shape, const Tensor& amounts) {
  const Direction dir = direction(node);
  Blocks b;
  if (block_shape != nullptr) {
    if (block_shape->rank() != 1)
      throw node.error("block_shape must be 1-D, got shape " + block_shape->shape().to_string());
    b.block = read_int_tensor(node, *block_shape, "block_shape");
  } else {
    const int64_t size = node.attr_int("block_size");
    b.block = {size, size};
  }
  const int64_t m = static_cast<int64_t>(b.block.size());
  if (amounts.rank() != 2 || amounts.shape()[0] != m || amounts.shape()[1] != 2)
    throw node.error(std::string(amounts_name(dir)) + " must have shape [" + std::to_string(m) + ",2], got " +
                     amounts.shape().to_string());
  const std::vector<int64_t> v = read_int_tensor(node, amounts, amounts_name(dir));
  for (int64_t i = 0; i < m; ++i) {
    // TensorFlow's limits are int32-sized; larger values could overflow the
    // size arithmetic below.
    if (b.block[static_cast<size_t>(i)] < 1 || b.block[static_cast<size_t>(i)] > INT32_MAX)
      throw node.error("block sizes must be >= 1 and < 2^31");
    b.before.push_back(v[static_cast<size_t>(2 * i)]);
    b.after.push_back(v[static_cast<size_t>(2 * i + 1)]);
    if (b.before.back() < 0 || b.after.back() < 0 || b.before.back() > INT32_MAX || b.after.back() > INT32_MAX)
      throw node.error(std::string(amounts_name(dir)) + " must be non-negative (and < 2^31)");
  }
  return b;
}

// Output shape from the input shape (dims may be -1) and the blocks; throws
// when known sizes do not divide. Fills *params when every dim is known.
PartialShape output_shape(const Node& node, const PartialShape& in, const Blocks& b,
                          kernels::SpaceBatchParams* params) {
  const Direction dir = direction(node);
  const int m = static_cast<int>(b.block.size());
  if (in.rank() < 1 + m)
    throw node.error("input must have rank >= " + std::to_string(1 + m) + ", got shape " + in.to_string());
  int64_t blocks = 1;
  for (const int64_t x : b.block)
    if (__builtin_mul_overflow(blocks, x, &blocks) || blocks > kMaxTensorBytes)
      throw node.error("the product of block_shape is too large");
  std::vector<int64_t> out = in.dims();
  const int64_t n = in.dim(0);
  if (dir == Direction::ToBatch) {
    if (n >= 0 && n > kMaxTensorBytes / blocks) throw node.error("the output batch is too large");
    out[0] = n < 0 ? -1 : n * blocks;
  } else {
    if (n >= 0 && n % blocks != 0)
      throw node.error("input batch " + std::to_string(n) + " is not divisible by the product of block_shape " +
                       std::to_string(blocks));
    out[0] = n < 0 ? -1 : n / blocks;
  }
  for (int i = 0; i < m; ++i) {
    const auto k = static_cast<size_t>(i);
    const int64_t d = in.dim(i + 1);
    if (d < 0) continue;
    if (d > kMaxTensorBytes) throw node.error("spatial dimension " + std::to_string(i) + " is too large");
    if (dir == Direction::ToBatch) {
      const int64_t padded = d + b.before[k] + b.after[k];
      if (padded % b.block[k] != 0)
        throw node.error("padded spatial dimension " + std::to_string(i) + " (" + std::to_string(padded) +
                         ") is not divisible by block size " + std::to_string(b.block[k]));
      out[k + 1] = padded / b.block[k];
    } else {
      const int64_t full = d * b.block[k];  // both below 2^33: no overflow
      if (b.before[k] + b.after[k] > full)
        throw node.error("crops of spatial dimension " + std::to_string(i) + " exceed its size " +
                         std::to_string(full));
      out[k + 1] = full - b.before[k] - b.after[k];
    }
  }
  if (params != nullptr) {
    const std::vector<int64_t>& space = dir == Direction::ToBatch ? in.dims() : out;
    const std::vector<int64_t>& batched = dir == Direction::ToBatch ? out : in.dims();
    params->batch = space[0];
    params->space.assign(space.begin() + 1, space.begin() + 1 + m);
    params->batched.assign(batched.begin() + 1, batched.begin() + 1 + m);
    params->block = b.block;
    params->pad_before = b.before;
    params->depth = 1;
    for (size_t i = static_cast<size_t>(1 + m); i < space.size(); ++i) params->depth *= space[i];
  }
  return PartialShape(out);
}

std::vector<PartialShape> space_batch_shape(const ShapeContext& ctx) {
  const PartialShape in = nn::input_shape(ctx, 0);
  const bool nd = is_nd(ctx.node);
  const size_t amounts_index = nd ? 2 : 1;
  const Tensor* block = nd && ctx.input_values.size() > 1 ? ctx.input_values[1] : nullptr;
  const Tensor* amounts = ctx.input_values.size() > amounts_index ? ctx.input_values[amounts_index] : nullptr;
  if (!in.known_rank()) return {PartialShape::unknown()};
  if ((nd && block == nullptr) || amounts == nullptr) return {PartialShape(std::vector<int64_t>(in.dims().size(), -1))};
  return {output_shape(ctx.node, in, read_blocks(ctx.node, block, *amounts), nullptr)};
}

void space_batch(OpContext& ctx) {
  const bool nd = is_nd(ctx.node());
  nn::check_num_inputs(ctx, nd ? 3 : 2);
  const Tensor& input = ctx.input(0);
  const Blocks b = read_blocks(ctx.node(), nd ? &ctx.input(1) : nullptr, ctx.input(nd ? 2 : 1));
  if (!is_nd(ctx.node()) && input.rank() != 4)
    throw ctx.error("input must be 4-D, got shape " + input.shape().to_string());
  kernels::SpaceBatchParams p;
  p.element_bytes = dtype_size(input.dtype());
  if (p.element_bytes == 0) throw ctx.error("input dtype " + dtype_name(input.dtype()) + " is not supported");
  const Shape out_shape = output_shape(ctx.node(), input.shape(), b, &p).to_shape();
  Tensor out(input.dtype(), out_shape);
  if (direction(ctx.node()) == Direction::ToBatch)
    kernels::space_to_batch_reference(p, input.raw_data(), out.raw_data());
  else
    kernels::batch_to_space_reference(p, input.raw_data(), out.raw_data());
  ctx.set_output(0, out);
}

}  // namespace

void register_image_space_batch_ops(OpRegistry& r) {
  for (const char* name : {"SpaceToBatchND", "BatchToSpaceND"})
    r.add({.name = name, .infer_shapes = space_batch_shape, .reference = space_batch, .required_attrs = {}});
  for (const char* name : {"SpaceToBatch", "BatchToSpace"})
    r.add({.name = name,
           .infer_shapes = space_batch_shape,
           .reference = space_batch,
           .required_attrs = {{"block_size", "int"}}});
}

}  // namespace frost
