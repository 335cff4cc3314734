// TensorArray (resource semantics) and TensorList (value semantics) ops.
#include <doctest/doctest.h>

#include "op_test_util.h"

using namespace frost;
using namespace frost::testing;

TEST_CASE("TensorArrayV3: write, read, scatter, gather, size; unwritten elements read as zeros") {
  const auto created = run_op("TensorArrayV3", {Tensor::scalar<int32_t>(3)},
                              {{"dtype", DType::Float}, {"element_shape", PartialShape{2}}});
  const Tensor handle = created[0], flow = created[1];
  run_op("TensorArrayWriteV3", {handle, Tensor::scalar<int32_t>(1), f32({5, 6}, Shape{2}), flow});
  check_close(run_op1("TensorArrayReadV3", {handle, Tensor::scalar<int32_t>(1), flow}, {{"dtype", DType::Float}}),
              f32({5, 6}, Shape{2}));
  check_close(run_op1("TensorArrayGatherV3", {handle, i32({1, 0}, Shape{2}), flow}, {{"dtype", DType::Float}}),
              f32({5, 6, 0, 0}, Shape{2, 2}));
  run_op("TensorArrayScatterV3", {handle, i32({2, 0}, Shape{2}), f32({1, 2, 3, 4}, Shape{2, 2}), flow});
  check_close(run_op1("TensorArrayGatherV3", {handle, i32({0, 1, 2}, Shape{3}), flow}, {{"dtype", DType::Float}}),
              f32({3, 4, 5, 6, 1, 2}, Shape{3, 2}));
  CHECK(run_op1("TensorArraySizeV3", {handle, flow}).data<int32_t>()[0] == 3);
  CHECK_THROWS_AS(run_op("TensorArrayReadV3", {handle, Tensor::scalar<int32_t>(3), flow}, {{"dtype", DType::Float}}),
                  Error);
  CHECK_THROWS_AS(run_op("TensorArrayWriteV3", {handle, Tensor::scalar<int32_t>(-1), f32({1, 2}, Shape{2}), flow}),
                  Error);
}

TEST_CASE("TensorList: reserve, set (a new list), get, stack, from tensor, length") {
  const Attrs dtype{{"element_dtype", DType::Float}};
  const Tensor empty = run_op1("TensorListReserve", {i32({2}, Shape{1}), Tensor::scalar<int32_t>(2)}, dtype);
  const Tensor one = run_op1("TensorListSetItem", {empty, Tensor::scalar<int32_t>(0), f32({7, 8}, Shape{2})}, dtype);
  check_close(run_op1("TensorListStack", {one, i32({2}, Shape{1})}, dtype), f32({7, 8, 0, 0}, Shape{2, 2}));
  // The original list is unchanged: lists are values.
  check_close(run_op1("TensorListStack", {empty, i32({2}, Shape{1})}, dtype), f32({0, 0, 0, 0}, Shape{2, 2}));
  const Tensor rows = run_op1("TensorListFromTensor", {f32({1, 2, 3, 4, 5, 6}, Shape{3, 2}), i32({2}, Shape{1})}, dtype);
  check_close(run_op1("TensorListGetItem", {rows, Tensor::scalar<int32_t>(2), i32({2}, Shape{1})}, dtype),
              f32({5, 6}, Shape{2}));
  CHECK(run_op1("TensorListLength", {rows}).data<int32_t>()[0] == 3);
  CHECK_THROWS_AS(run_op("TensorListGetItem", {rows, Tensor::scalar<int32_t>(3), i32({2}, Shape{1})}, dtype), Error);
}

TEST_CASE("TensorListSetItem: a list no other tensor holds is written in place; a held one is copied") {
  const Attrs dtype{{"element_dtype", DType::Float}};
  const OpDef& def = *OpRegistry::global().find("TensorListSetItem");
  const Node node = make_node("TensorListSetItem", 3, dtype);
  auto set = [&](const std::vector<Tensor>& inputs) {
    std::vector<Tensor> outputs(1);
    OpContext ctx(node, inputs, outputs);
    def.reference(ctx);
    return outputs[0];
  };
  const Tensor shape = i32({2}, Shape{1});
  const Tensor empty = run_op1("TensorListReserve", {shape, Tensor::scalar<int32_t>(2)}, dtype);
  // Held by `empty` too: copied, `empty` unchanged.
  Tensor one = set({empty, Tensor::scalar<int32_t>(0), f32({7, 8}, Shape{2})});
  CHECK(one.payload() != empty.payload());
  check_close(run_op1("TensorListStack", {empty, shape}, dtype), f32({0, 0, 0, 0}, Shape{2, 2}));
  check_close(run_op1("TensorListStack", {one, shape}, dtype), f32({7, 8, 0, 0}, Shape{2, 2}));
  // Moved in, nothing else holds it: the same list, written in place.
  const OpaquePayload* list = one.payload().get();
  std::vector<Tensor> inputs;
  inputs.push_back(std::move(one));
  inputs.push_back(Tensor::scalar<int32_t>(1));
  inputs.push_back(f32({1, 2}, Shape{2}));
  std::vector<Tensor> outputs(1);
  {
    OpContext ctx(node, inputs, outputs);
    def.reference(ctx);
  }
  CHECK(outputs[0].payload().get() == list);
  inputs.clear();
  check_close(run_op1("TensorListStack", {outputs[0], shape}, dtype), f32({7, 8, 1, 2}, Shape{2, 2}));
}
