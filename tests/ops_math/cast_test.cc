// Cast between every supported dtype kind.
#include <cmath>

#include "math_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {
Tensor cast(const Tensor& x, DType to, bool truncate = false) {
  return run_op1("Cast", {x}, {{"DstT", to}, {"SrcT", x.dtype()}, {"Truncate", truncate}});
}
}  // namespace

TEST_CASE("float -> int truncates toward zero") {
  check_equal(cast(f32({1.9f, -1.9f, 0.5f, -0.5f, 7}, {5}), DType::Int32), i32({1, -1, 0, 0, 7}, {5}));
  check_equal(cast(f64({-2.99, 1e12}, {2}), DType::Int64), i64({-2, 1000000000000}, {2}));
}

TEST_CASE("float -> int out of range gives what TensorFlow's x86 kernels give") {
  const int32_t min32 = std::numeric_limits<int32_t>::min();
  check_equal(cast(f32({3e9f, -3e9f, kNaN, kInf}, {4}), DType::Int32), i32({min32, min32, min32, min32}, {4}));
  // Narrow types wrap the 32-bit conversion: 100000 -> -31072 (TensorFlow issue 12235).
  check_equal(cast(f32({100000}, {1}), DType::Int16), Tensor::from_vector<int16_t>({-31072}));
  check_equal(cast(f32({-1, 300, 255.9f}, {3}), DType::UInt8), u8({255, 44, 255}, {3}));
  check_equal(cast(f64({1e300}, {1}), DType::Int64), i64({std::numeric_limits<int64_t>::min()}, {1}));
  check_equal(cast(f32({-1, 5e9f}, {2}), DType::UInt32),
              Tensor::from_vector<uint32_t>({0xFFFFFFFFu, static_cast<uint32_t>(5000000000ull & 0xFFFFFFFFu)}));
  // 1.5 * 2^63 is above int64 but within uint64.
  check_equal(cast(f32({1.5f * 9223372036854775808.0f}, {1}), DType::UInt64),
              Tensor::from_vector<uint64_t>({13835058055282163712ull}));
}

TEST_CASE("int -> int wraps, int -> float rounds to nearest") {
  check_equal(cast(i32({257, -1, 128}, {3}), DType::UInt8), u8({1, 255, 128}, {3}));
  check_equal(cast(i32({128}, {1}), DType::Int8), Tensor::from_vector<int8_t>({-128}));
  check_equal(cast(i64({(int64_t{1} << 53) + 1}, {1}), DType::Double), f64({9007199254740992.0}, {1}));
  check_equal(cast(i32({16777217}, {1}), DType::Float), f32({16777216}, {1}));
  check_equal(cast(u8({255}, {1}), DType::Int32), i32({255}, {1}));
}

TEST_CASE("bool casts") {
  check_equal(cast(f32({0, 2.5f, -0.0f, kNaN}, {4}), DType::Bool), boolean({0, 1, 0, 1}, {4}));
  check_equal(cast(i32({0, -3}, {2}), DType::Bool), boolean({0, 1}, {2}));
  check_equal(cast(boolean({1, 0}, {2}), DType::Float), f32({1, 0}, {2}));
  check_equal(cast(boolean({1}, {1}), DType::Int64), i64({1}, {1}));
}

TEST_CASE("half and bfloat16 round to nearest even") {
  // 1/3 -> half 0x3555 = 0.333251953125.
  check_equal(cast(f32({1.0f / 3, 65520, 1e-8f}, {3}), DType::Half), f16({0.333251953125f, kInf, 0}, {3}));
  // 1 + 2^-8 is half-way between bfloat16 neighbours 1 and 1 + 2^-7: to even, 1.
  check_equal(cast(f32({1.00390625f, 1.005859375f}, {2}), DType::BFloat16), bf16({1, 1.0078125f}, {2}));
  check_equal(cast(f16({2.5f, -3.75f}, {2}), DType::Int32), i32({2, -3}, {2}));
  check_equal(cast(bf16({-3.75f}, {1}), DType::Float), f32({-3.75f}, {1}));
  check_equal(cast(f16({0.1f}, {1}), DType::BFloat16), bf16({0.099975586f}, {1}));
  check_equal(cast(i32({2049}, {1}), DType::Half), f16({2048}, {1}));
  check_equal(cast(f64({0.1}, {1}), DType::Float), f32({0.1f}, {1}));
}

TEST_CASE("Truncate clears the mantissa bits instead of rounding") {
  // 1 + 0.75 bfloat16 steps: rounds up to 1 + 2^-7, truncates to 1.
  check_equal(cast(f32({1.005859375f, -1.005859375f}, {2}), DType::BFloat16, true), bf16({1, -1}, {2}));
  // 1 + 0.75 half steps (2^-10): rounds up, truncates to 1.
  check_equal(cast(f32({1.000732421875f}, {1}), DType::Half, false), f16({1.0009765625f}, {1}));
  check_equal(cast(f32({1.000732421875f}, {1}), DType::Half, true), f16({1}, {1}));
  // double -> float: 1 + 0.75 * 2^-23 truncates to 1.
  check_equal(cast(f64({1 + 0.75 * std::ldexp(1.0, -23)}, {1}), DType::Float, true), f32({1}, {1}));
  check_equal(cast(f64({1 + 0.75 * std::ldexp(1.0, -23)}, {1}), DType::Float, false),
              f32({1 + std::ldexp(1.0f, -23)}, {1}));
  // NaN stays NaN; infinity stays infinity.
  check_equal(cast(f32({kNaN, kInf}, {2}), DType::BFloat16, true), bf16({kNaN, kInf}, {2}));
  // Truncate does not touch conversions to integers.
  check_equal(cast(f32({2.7f}, {1}), DType::Int32, true), i32({2}, {1}));
}

TEST_CASE("Cast keeps shape, forwards same-type input, refuses bad types") {
  CHECK(cast(f32({}, {0, 2}), DType::Int32).shape() == Shape{0, 2});
  check_equal(cast(f32({1.5f}, {1}), DType::Float), f32({1.5f}, {1}));
  check_error([] { run_op1("Cast", {f32({1}, {1})}, {{"DstT", DType::Int32}, {"SrcT", DType::Int64}}); },
              {"Cast", "SrcT", "int64", "float"});
  check_error([] { run_op1("Cast", {f32({1}, {1})}, {{"DstT", DType::String}}); }, {"Cast", "string"});
  check_error([] { run_op1("Cast", {f32({1}, {1})}, {}); }, {"Cast", "DstT"});
}
