// Core value types: dtypes, shapes, tensors, attrs, tensor names, errors.
#include <doctest/doctest.h>

#include <cmath>

#include "graph/attr.h"
#include "graph/error.h"
#include "graph/graph.h"
#include "graph/shape.h"
#include "graph/tensor.h"
#include "graph/tensor_limit.h"

using namespace frost;

TEST_CASE("shape: element count, axes and printing") {
  const Shape s{2, 3, 4};
  CHECK(s.num_elements() == 24);
  CHECK(s.axis(-1) == 2);
  CHECK(s.axis(0) == 0);
  CHECK_THROWS_AS(s.axis(3), Error);
  CHECK_THROWS_AS(s.axis(-4), Error);
  CHECK(s.to_string() == "[2,3,4]");
  CHECK(Shape{}.num_elements() == 1);
  CHECK(Shape{0, 5}.num_elements() == 0);
  CHECK_THROWS_AS(Shape({-1, 2}), Error);
  CHECK_THROWS_AS(Shape({INT64_MAX / 2, 4}).num_elements(), Error);
  CHECK_THROWS_AS(Shape({int64_t{1} << 32, int64_t{1} << 31}).num_elements(), Error);
  CHECK(Shape({int64_t{1} << 31, int64_t{1} << 31}).num_elements() == int64_t{1} << 62);
  CHECK(Shape({INT64_MAX, 1}).num_elements() == INT64_MAX);
  CHECK(Shape({INT64_MAX, 0, 2}).num_elements() == 0);  // a zero anywhere: no overflow
  CHECK(Shape({0, INT64_MAX, 2}).num_elements() == 0);
}

TEST_CASE("shape: numpy broadcasting, including rank mismatch and unknowns") {
  CHECK(broadcast_shapes(Shape{4, 1, 3}, Shape{5, 1}) == Shape{4, 5, 3});
  CHECK(broadcast_shapes(Shape{}, Shape{2, 2}) == Shape{2, 2});
  CHECK_THROWS_AS(broadcast_shapes(Shape{3}, Shape{4}), Error);
  CHECK(broadcast_shapes(PartialShape{-1, 3}, PartialShape{1}) == PartialShape{-1, 3});
  CHECK(broadcast_shapes(PartialShape{-1, 1}, PartialShape{7, 5}) == PartialShape{7, 5});
  CHECK_FALSE(broadcast_shapes(PartialShape::unknown(), PartialShape{1}).known_rank());
  CHECK(PartialShape{-1, 28}.accepts(Shape{5, 28}));
  CHECK_FALSE(PartialShape{-1, 28}.accepts(Shape{5, 27}));
  CHECK(PartialShape{-1, 28}.to_string() == "[?,28]");
}

TEST_CASE("tensor: allocation, typed access, storage classes, size limit") {
  Tensor t(DType::Float, Shape{2, 3});
  CHECK(t.byte_size() == 24);
  CHECK(t.data<float>()[5] == 0.0f);
  CHECK(reinterpret_cast<uintptr_t>(t.raw_data()) % 64 == 0);
  CHECK_THROWS_AS(t.data<int32_t>(), Error);
  Tensor q(DType::QUInt8, Shape{4});
  CHECK_NOTHROW(q.data<uint8_t>());
  CHECK_THROWS_AS(Tensor(DType::Float, Shape{int64_t{1} << 40}), Error);
  CHECK_THROWS_AS(Tensor(DType::Complex64, Shape{1}), Error);
  const Tensor v = Tensor::from_vector<int32_t>({3, -1, 7});
  CHECK(v.to_int64_vector() == std::vector<int64_t>{3, -1, 7});
  const Tensor r = v.reshaped(Shape{3, 1});
  CHECK(r.shape() == Shape{3, 1});
  CHECK(r.data<int32_t>() == v.data<int32_t>());  // shares storage
  CHECK(v.clone().data<int32_t>() != v.data<int32_t>());
  Tensor s = Tensor::string_scalar("hello");
  CHECK(s.strings()[0] == "hello");
  CHECK_THROWS_AS(t.strings(), Error);
}

TEST_CASE("tensor: a lowered byte limit refuses bigger tensors with one clean error, and is clamped") {
  REQUIRE(tensor_byte_limit() == kMaxTensorBytes);
  set_tensor_byte_limit(int64_t{1} << 20);
  CHECK_NOTHROW(Tensor(DType::Float, Shape{256, 1024}));  // exactly 1 MiB
  try {
    Tensor(DType::Float, Shape{257, 1024});
    FAIL("a tensor over the limit was allocated");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "tensor float [257,1024] exceeds the 1 MiB limit");
  }
  CHECK_THROWS_AS(Tensor(DType::String, Shape{int64_t{1} << 16}), Error);  // strings count 32 bytes each
  set_tensor_byte_limit(-5);
  CHECK(tensor_byte_limit() == 0);
  set_tensor_byte_limit(kMaxTensorBytes * 4);
  CHECK(tensor_byte_limit() == kMaxTensorBytes);
  CHECK_THROWS_AS(Tensor(DType::Float, Shape{int64_t{1} << 40}), Error);
}

TEST_CASE("dtype: half and bfloat16 conversions") {
  CHECK(half_to_float(0x3c00) == 1.0f);
  CHECK(half_to_float(0xc000) == -2.0f);
  CHECK(half_to_float(0x0001) == std::ldexp(1.0f, -24));  // smallest subnormal
  CHECK(std::isinf(half_to_float(0x7c00)));
  CHECK(std::isnan(half_to_float(0x7e00)));
  CHECK(float_to_half(1.0f) == 0x3c00);
  CHECK(float_to_half(65504.0f) == 0x7bff);
  CHECK(float_to_half(1e6f) == 0x7c00);
  for (uint16_t bits : {0x0001, 0x03ff, 0x0400, 0x3555, 0x7bff, 0x8001, 0xbc00})
    CHECK(float_to_half(half_to_float(bits)) == bits);
  CHECK(bfloat16_to_float(0x3f80) == 1.0f);
  CHECK(float_to_bfloat16(1.0f) == 0x3f80);
  CHECK(float_to_bfloat16(1.00390625f) == 0x3f80);  // tie rounds to even
  CHECK(dtype_base(101) == DType::Float);
  CHECK(dtype_name(DType::QUInt8) == "quint8");
}

TEST_CASE("tensor names: node, node:i, ^node") {
  CHECK(TensorId::parse("conv/Relu") == TensorId{"conv/Relu", 0, false});
  CHECK(TensorId::parse("split:2") == TensorId{"split", 2, false});
  CHECK(TensorId::parse("^init") == TensorId{"init", 0, true});
  CHECK(TensorId::parse("split:2").to_string() == "split:2");
  CHECK(TensorId::parse("x:0").to_string() == "x");
  CHECK_THROWS_AS(TensorId::parse("x:abc"), Error);
  CHECK_THROWS_AS(TensorId::parse(""), Error);
}

TEST_CASE("node attrs: typed reads, defaults, and errors that name node and attr") {
  Node n{"conv", "Conv2D", {"x", "w", "^dep"}, "", {}, ""};
  n.attrs["strides"] = std::vector<int64_t>{1, 2, 2, 1};
  n.attrs["padding"] = std::string("SAME");
  n.attrs["T"] = DType::Float;
  n.attrs["dilations"] = EmptyList{};
  CHECK(n.num_data_inputs() == 2);
  CHECK(n.attr_ints("strides") == std::vector<int64_t>{1, 2, 2, 1});
  CHECK(n.attr_ints("dilations").empty());
  CHECK(n.attr_string("padding") == "SAME");
  CHECK(n.attr_type("T") == DType::Float);
  CHECK(n.attr_string_or("data_format", "NHWC") == "NHWC");
  try {
    n.attr_int("padding");
    FAIL("expected an error");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK(what.find("conv") != std::string::npos);
    CHECK(what.find("Conv2D") != std::string::npos);
    CHECK(what.find("padding") != std::string::npos);
  }
  CHECK_THROWS_AS(n.attr("missing"), Error);
}

TEST_CASE("graph: add, find, duplicate names, remove, deep copy") {
  Graph g;
  g.add(Node{"a", "Placeholder", {}, "", {}, ""});
  g.add(Node{"b", "Relu", {"a"}, "", {}, ""});
  CHECK_THROWS_AS(g.add(Node{"a", "Const", {}, "", {}, ""}), Error);
  CHECK(g.find("b")->op == "Relu");
  Graph copy = g;
  g.remove({"b"});
  CHECK(g.find("b") == nullptr);
  CHECK(g.size() == 1);
  CHECK(copy.size() == 2);
  CHECK(copy.at("b").inputs[0] == "a");
  CHECK_THROWS_AS(g.at("b"), Error);
}

TEST_CASE("error: context pieces compose into one line, innermost wins") {
  Error e("bad thing");
  e.node("n1").op("MatMul");
  e.file("model.pb");
  e.node("outer");
  CHECK(std::string(e.what()) == "model.pb: node 'n1' (MatMul): bad thing");
}
