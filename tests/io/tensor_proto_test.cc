// TensorProto decoding and encoding: every dtype through tensor_content and
// through the typed *_val fields, TensorFlow's fill-with-last rule, and bad
// protos (byte counts, dims) refused before allocating.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "io/tensor_proto.h"

using namespace frost;

namespace {

tensorflow::TensorProto make_proto(DType dtype, std::vector<int64_t> dims) {
  tensorflow::TensorProto p;
  p.set_dtype(static_cast<tensorflow::DataType>(dtype));
  for (int64_t d : dims) p.mutable_tensor_shape()->add_dim()->set_size(d);
  return p;
}

template <class T>
std::string raw_bytes(const std::vector<T>& values) {
  std::string s(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(s.data(), values.data(), s.size());
  return s;
}

std::vector<double> as_doubles(const Tensor& t) {
  std::vector<double> out;
  for (int64_t i = 0; i < t.num_elements(); ++i) out.push_back(t.as_double(i));
  return out;
}

}  // namespace

TEST_CASE("tensor_proto: float from tensor_content") {
  auto p = make_proto(DType::Float, {2, 2});
  p.set_tensor_content(raw_bytes<float>({1.0f, -2.5f, 3.25f, 1e-3f}));
  const Tensor t = tensor_from_proto(p);
  CHECK(t.dtype() == DType::Float);
  CHECK(t.shape() == Shape{2, 2});
  CHECK(std::vector<float>(t.values<float>().begin(), t.values<float>().end()) ==
        std::vector<float>{1.0f, -2.5f, 3.25f, 1e-3f});
}

TEST_CASE("tensor_proto: every numeric dtype from tensor_content") {
  auto check = [](DType dtype, std::string bytes, std::vector<int64_t> dims, std::vector<double> want) {
    CAPTURE(dtype_name(dtype));
    auto p = make_proto(dtype, dims);
    p.set_tensor_content(bytes);
    const Tensor t = tensor_from_proto(p);
    CHECK(t.dtype() == dtype);
    CHECK(as_doubles(t) == want);
  };
  check(DType::Double, raw_bytes<double>({0.5, -1e300}), {2}, {0.5, -1e300});
  check(DType::Int8, raw_bytes<int8_t>({-128, 127, 0}), {3}, {-128, 127, 0});
  check(DType::Int16, raw_bytes<int16_t>({-32768, 1234}), {2}, {-32768, 1234});
  check(DType::Int32, raw_bytes<int32_t>({-7, 2147483647}), {2}, {-7, 2147483647});
  check(DType::Int64, raw_bytes<int64_t>({-5, int64_t{1} << 40}), {2}, {-5, 1099511627776.0});
  check(DType::UInt8, raw_bytes<uint8_t>({0, 200, 255}), {3}, {0, 200, 255});
  check(DType::UInt16, raw_bytes<uint16_t>({65535, 1}), {2}, {65535, 1});
  check(DType::UInt32, raw_bytes<uint32_t>({4000000000u}), {1}, {4000000000.0});
  check(DType::UInt64, raw_bytes<uint64_t>({uint64_t{1} << 63}), {1}, {9223372036854775808.0});
  check(DType::QUInt8, raw_bytes<uint8_t>({3, 250}), {2}, {3, 250});
  check(DType::QInt8, raw_bytes<int8_t>({-3, 100}), {2}, {-3, 100});
  check(DType::QInt16, raw_bytes<int16_t>({-300}), {1}, {-300});
  check(DType::QUInt16, raw_bytes<uint16_t>({60000}), {1}, {60000});
  check(DType::QInt32, raw_bytes<int32_t>({-100000, 5}), {1, 2}, {-100000, 5});
  // 0x3c00 = 1.0, 0xc000 = -2.0, 0x3555 ~ 0.33325 in binary16.
  check(DType::Half, raw_bytes<uint16_t>({0x3c00, 0xc000, 0x3555}), {3}, {1.0, -2.0, 0.333251953125});
  // bfloat16 is the top half of a float32: 0x3f80 = 1.0, 0x4049 = 3.140625.
  check(DType::BFloat16, raw_bytes<uint16_t>({0x3f80, 0x4049}), {2}, {1.0, 3.140625});
  check(DType::Bool, std::string("\x01\x00\x01", 3), {3}, {1, 0, 1});
}

TEST_CASE("tensor_proto: bool bytes other than 0/1 read as true") {
  auto p = make_proto(DType::Bool, {2});
  p.set_tensor_content(std::string("\x02\x00", 2));
  const Tensor t = tensor_from_proto(p);
  CHECK(t.data<bool>()[0] == true);
  CHECK(t.data<bool>()[1] == false);
}

TEST_CASE("tensor_proto: typed *_val fields for every dtype") {
  SUBCASE("float_val") {
    auto p = make_proto(DType::Float, {3});
    for (float v : {1.5f, -2.0f, 0.25f}) p.add_float_val(v);
    CHECK(as_doubles(tensor_from_proto(p)) == std::vector<double>{1.5, -2.0, 0.25});
  }
  SUBCASE("double_val") {
    auto p = make_proto(DType::Double, {2});
    p.add_double_val(0.1);
    p.add_double_val(-7);
    const Tensor t = tensor_from_proto(p);
    CHECK(t.data<double>()[0] == 0.1);
    CHECK(t.data<double>()[1] == -7.0);
  }
  SUBCASE("int_val for the small ints and the quantised types") {
    for (DType d : {DType::Int8, DType::Int16, DType::Int32, DType::UInt8, DType::UInt16, DType::QInt8,
                    DType::QUInt8, DType::QInt16, DType::QUInt16, DType::QInt32}) {
      CAPTURE(dtype_name(d));
      auto p = make_proto(d, {2});
      p.add_int_val(7);
      p.add_int_val(100);
      CHECK(as_doubles(tensor_from_proto(p)) == std::vector<double>{7, 100});
    }
    auto neg = make_proto(DType::Int8, {1});
    neg.add_int_val(-128);
    CHECK(tensor_from_proto(neg).data<int8_t>()[0] == -128);
    auto big = make_proto(DType::UInt16, {1});
    big.add_int_val(65535);
    CHECK(tensor_from_proto(big).data<uint16_t>()[0] == 65535);
  }
  SUBCASE("int64_val, uint32_val, uint64_val, bool_val") {
    auto i64 = make_proto(DType::Int64, {1});
    i64.add_int64_val(-(int64_t{1} << 50));
    CHECK(tensor_from_proto(i64).data<int64_t>()[0] == -(int64_t{1} << 50));
    auto u32 = make_proto(DType::UInt32, {1});
    u32.add_uint32_val(4000000000u);
    CHECK(tensor_from_proto(u32).data<uint32_t>()[0] == 4000000000u);
    auto u64 = make_proto(DType::UInt64, {1});
    u64.add_uint64_val((uint64_t{1} << 63) + 5);
    CHECK(tensor_from_proto(u64).data<uint64_t>()[0] == (uint64_t{1} << 63) + 5);
    auto b = make_proto(DType::Bool, {2});
    b.add_bool_val(false);
    b.add_bool_val(true);
    CHECK(as_doubles(tensor_from_proto(b)) == std::vector<double>{0, 1});
  }
  SUBCASE("half_val holds half and bfloat16 bits") {
    auto h = make_proto(DType::Half, {2});
    h.add_half_val(0x3c00);
    h.add_half_val(0x7c00);  // +infinity
    const Tensor th = tensor_from_proto(h);
    CHECK(th.data<uint16_t>()[0] == 0x3c00);
    CHECK(th.as_double(0) == 1.0);
    CHECK(std::isinf(th.as_double(1)));
    auto bf = make_proto(DType::BFloat16, {2});
    bf.add_half_val(0xbf80);  // -1.0
    bf.add_half_val(0x4049);
    CHECK(as_doubles(tensor_from_proto(bf)) == std::vector<double>{-1.0, 3.140625});
  }
  SUBCASE("string_val") {
    auto p = make_proto(DType::String, {2});
    p.add_string_val(std::string("hello"));
    p.add_string_val(std::string("a\0b", 3));  // strings are bytes, NULs included
    const Tensor t = tensor_from_proto(p);
    CHECK(t.strings() == std::vector<std::string>{"hello", std::string("a\0b", 3)});
  }
}

TEST_CASE("tensor_proto: a short *_val list is filled with its last value") {
  auto p = make_proto(DType::Float, {2, 3});
  p.add_float_val(1.5f);
  p.add_float_val(2.5f);
  CHECK(as_doubles(tensor_from_proto(p)) == std::vector<double>{1.5, 2.5, 2.5, 2.5, 2.5, 2.5});

  auto one = make_proto(DType::Int32, {4});
  one.add_int_val(-9);  // the common "splat" constant
  CHECK(as_doubles(tensor_from_proto(one)) == std::vector<double>{-9, -9, -9, -9});

  auto s = make_proto(DType::String, {3});
  s.add_string_val(std::string("a"));
  s.add_string_val(std::string("bc"));
  CHECK(tensor_from_proto(s).strings() == std::vector<std::string>{"a", "bc", "bc"});

  auto b = make_proto(DType::Bool, {3});
  b.add_bool_val(true);
  CHECK(as_doubles(tensor_from_proto(b)) == std::vector<double>{1, 1, 1});

  auto h = make_proto(DType::Half, {3});
  h.add_half_val(0x4000);  // 2.0
  CHECK(as_doubles(tensor_from_proto(h)) == std::vector<double>{2, 2, 2});
}

TEST_CASE("tensor_proto: an empty value list means zeros; empty and scalar tensors") {
  auto zeros = make_proto(DType::Float, {2, 2});
  CHECK(as_doubles(tensor_from_proto(zeros)) == std::vector<double>{0, 0, 0, 0});

  auto empty_strings = make_proto(DType::String, {2});
  CHECK(tensor_from_proto(empty_strings).strings() == std::vector<std::string>{"", ""});

  auto empty = make_proto(DType::Float, {0, 3});
  const Tensor e = tensor_from_proto(empty);
  CHECK(e.shape() == Shape{0, 3});
  CHECK(e.num_elements() == 0);

  auto scalar = make_proto(DType::Int64, {});
  scalar.add_int64_val(42);
  const Tensor s = tensor_from_proto(scalar);
  CHECK(s.rank() == 0);
  CHECK(s.data<int64_t>()[0] == 42);
}

TEST_CASE("tensor_proto: byte counts that do not match the shape are errors") {
  auto p = make_proto(DType::Float, {2, 2});
  p.set_tensor_content(std::string(12, '\0'));
  CHECK_THROWS_WITH_AS(tensor_from_proto(p), doctest::Contains("needs 4 x 4 bytes but tensor_content has 12"), Error);
  p.set_tensor_content(std::string(17, '\0'));
  CHECK_THROWS_AS(tensor_from_proto(p), Error);
  auto odd = make_proto(DType::Int16, {1});
  odd.set_tensor_content(std::string(3, '\0'));
  CHECK_THROWS_AS(tensor_from_proto(odd), Error);
  // Content for an empty tensor.
  auto empty = make_proto(DType::Float, {0});
  empty.set_tensor_content(std::string(4, '\0'));
  CHECK_THROWS_AS(tensor_from_proto(empty), Error);
  // Strings never come as tensor_content.
  auto str = make_proto(DType::String, {1});
  str.set_tensor_content("abc");
  CHECK_THROWS_AS(tensor_from_proto(str), Error);
}

TEST_CASE("tensor_proto: more values than elements is an error") {
  auto p = make_proto(DType::Float, {2});
  for (float v : {1.0f, 2.0f, 3.0f}) p.add_float_val(v);
  CHECK_THROWS_WITH_AS(tensor_from_proto(p), doctest::Contains("has 3 values for 2 elements"), Error);
  auto empty = make_proto(DType::Int32, {0});
  empty.add_int_val(1);
  CHECK_THROWS_AS(tensor_from_proto(empty), Error);
  auto strings = make_proto(DType::String, {1});
  strings.add_string_val(std::string("a"));
  strings.add_string_val(std::string("b"));
  CHECK_THROWS_AS(tensor_from_proto(strings), Error);
}

TEST_CASE("tensor_proto: negative, absurd and unknown dimensions are refused before allocating") {
  auto negative = make_proto(DType::Float, {-1, 2});
  CHECK_THROWS_WITH_AS(tensor_from_proto(negative), doctest::Contains("negative dimension"), Error);

  // 2^40 x 2^40 elements overflows any allocation; refused from the shape alone.
  auto absurd = make_proto(DType::Float, {int64_t{1} << 40, int64_t{1} << 40});
  CHECK_THROWS_AS(tensor_from_proto(absurd), Error);
  auto huge_dim = make_proto(DType::Float, {INT64_MAX});
  CHECK_THROWS_AS(tensor_from_proto(huge_dim), Error);

  // A splat that would need 32 GiB: the one value is legal, the size is not.
  auto splat = make_proto(DType::Float, {int64_t{1} << 33});
  splat.add_float_val(1.0f);
  CHECK_THROWS_AS(tensor_from_proto(splat), Error);

  // tensor_content claiming 16 GiB with 4 bytes present: a mismatch, no allocation.
  auto content = make_proto(DType::Float, {int64_t{1} << 30, 4});
  content.set_tensor_content(std::string(4, '\0'));
  CHECK_THROWS_AS(tensor_from_proto(content), Error);

  auto unknown_rank = make_proto(DType::Float, {});
  unknown_rank.mutable_tensor_shape()->set_unknown_rank(true);
  CHECK_THROWS_AS(tensor_from_proto(unknown_rank), Error);

  auto deep = make_proto(DType::Float, std::vector<int64_t>(300, 1));
  CHECK_THROWS_AS(tensor_from_proto(deep), Error);

  // A zero dimension makes later large dims harmless (zero elements).
  auto zero = make_proto(DType::Float, {0, int64_t{1} << 32});
  CHECK(tensor_from_proto(zero).num_elements() == 0);
}

TEST_CASE("tensor_proto: dtypes Frost cannot hold are reported") {
  CHECK_FALSE(tensor_proto_dtype_decodable(0));
  CHECK_FALSE(tensor_proto_dtype_decodable(static_cast<int>(DType::Complex64)));
  CHECK_FALSE(tensor_proto_dtype_decodable(static_cast<int>(DType::Complex128)));
  CHECK_FALSE(tensor_proto_dtype_decodable(static_cast<int>(DType::Resource)));
  CHECK_FALSE(tensor_proto_dtype_decodable(static_cast<int>(DType::Variant)));
  CHECK_FALSE(tensor_proto_dtype_decodable(101));  // float_ref: never a tensor's dtype
  CHECK_FALSE(tensor_proto_dtype_decodable(24));
  CHECK(tensor_proto_dtype_decodable(static_cast<int>(DType::QUInt16)));
  auto complex = make_proto(DType::Complex64, {1});
  complex.add_scomplex_val(1);
  complex.add_scomplex_val(2);
  CHECK_THROWS_WITH_AS(tensor_from_proto(complex), doctest::Contains("complex64"), Error);
}

TEST_CASE("tensor_proto: export writes tensor_content (numbers) and string_val (strings)") {
  const Tensor f = Tensor::from_vector<float>({1.0f, 2.0f, 3.0f}, Shape{3, 1});
  const auto p = tensor_to_proto(f);
  CHECK(p.dtype() == tensorflow::DT_FLOAT);
  REQUIRE(p.tensor_shape().dim_size() == 2);
  CHECK(p.tensor_shape().dim(0).size() == 3);
  CHECK(p.tensor_shape().dim(1).size() == 1);
  CHECK(p.tensor_content() == raw_bytes<float>({1.0f, 2.0f, 3.0f}));
  CHECK(p.float_val_size() == 0);

  Tensor s(DType::String, Shape{2});
  s.strings() = {"x", ""};
  const auto ps = tensor_to_proto(s);
  CHECK(ps.tensor_content().empty());
  REQUIRE(ps.string_val_size() == 2);
  CHECK(ps.string_val(0) == "x");
  CHECK(ps.string_val(1) == "");

  Tensor scalar = Tensor::scalar<int32_t>(-3);
  CHECK(tensor_to_proto(scalar).tensor_shape().dim_size() == 0);
  CHECK_THROWS_AS(tensor_to_proto(Tensor()), Error);
}

TEST_CASE("tensor_proto: encode then decode gives the same tensor for every dtype") {
  for (int d = 1; d <= static_cast<int>(DType::UInt64); ++d) {
    if (!tensor_proto_dtype_decodable(d)) continue;
    const auto dtype = static_cast<DType>(d);
    CAPTURE(dtype_name(dtype));
    Tensor t(dtype, Shape{2, 3});
    if (dtype == DType::String) {
      t.strings() = {"a", "b", "", "ddd", "e", "f"};
    } else {
      auto* bytes = static_cast<uint8_t*>(t.raw_data());
      for (size_t i = 0; i < t.byte_size(); ++i) bytes[i] = static_cast<uint8_t>(dtype == DType::Bool ? i % 2 : i * 37 + 1);
    }
    const Tensor back = tensor_from_proto(tensor_to_proto(t));
    CHECK(back.dtype() == dtype);
    CHECK(back.shape() == t.shape());
    if (dtype == DType::String) CHECK(back.strings() == t.strings());
    else CHECK(std::memcmp(back.raw_data(), t.raw_data(), t.byte_size()) == 0);
  }
}
