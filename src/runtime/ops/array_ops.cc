// The array/shape op family, split by what the ops do; each file registers
// its part. All of them move elements of any dtype (strings included) with
// the strided copy and gather kernels (src/kernels/strided_copy.h, gather.h).
#include "graph/op_registry.h"

namespace frost {

namespace array_ops {
void register_array_shape_ops(OpRegistry& r);      // Reshape, Squeeze, ExpandDims, Shape, ShapeN, Size, Rank
void register_array_slice_ops(OpRegistry& r);      // Slice, StridedSlice, Split, SplitV, Unpack
void register_array_join_ops(OpRegistry& r);       // ConcatV2, Concat, Pack
void register_array_transform_ops(OpRegistry& r);  // Transpose, Tile, Pad, PadV2, MirrorPad
void register_array_fill_ops(OpRegistry& r);       // Fill, ZerosLike, OnesLike, Range
void register_array_gather_ops(OpRegistry& r);     // GatherV2, Gather, OneHot, Where, SparseToDense
}  // namespace array_ops

void register_array_ops(OpRegistry& r) {
  array_ops::register_array_shape_ops(r);
  array_ops::register_array_slice_ops(r);
  array_ops::register_array_join_ops(r);
  array_ops::register_array_transform_ops(r);
  array_ops::register_array_fill_ops(r);
  array_ops::register_array_gather_ops(r);
}

}  // namespace frost
