// The image op family, one file per kind of op.
#include "graph/op_registry.h"

namespace frost {

void register_image_resize_ops(OpRegistry& r);       // ResizeBilinear, ResizeNearestNeighbor
void register_image_space_batch_ops(OpRegistry& r);  // SpaceToBatchND, BatchToSpaceND (+ 4-D v1 ops)

void register_image_ops(OpRegistry& r) {
  register_image_resize_ops(r);
  register_image_space_batch_ops(r);
}

}  // namespace frost
