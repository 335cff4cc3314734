// Quantisation ops against numbers worked out by hand from TensorFlow's
// formulas (dequantize_op.cc, quantize_op.cc, quantization_utils.h).
#include <cmath>
#include <random>

#include "kernels/quantize.h"
#include "math_test_util.h"

using namespace frost;
using namespace frost::testing;

namespace {
template <class T>
Tensor quantized(DType t, std::vector<T> v, Shape s) {
  Tensor out(t, std::move(s));
  REQUIRE(static_cast<int64_t>(v.size()) == out.num_elements());
  for (size_t i = 0; i < v.size(); ++i) out.data<T>()[i] = v[i];
  return out;
}
Tensor quint8(std::vector<uint8_t> v, Shape s) { return quantized(DType::QUInt8, std::move(v), std::move(s)); }
Tensor qint8(std::vector<int8_t> v, Shape s) { return quantized(DType::QInt8, std::move(v), std::move(s)); }
Tensor qint32(std::vector<int32_t> v, Shape s) { return quantized(DType::QInt32, std::move(v), std::move(s)); }
Tensor scalar(float v) { return Tensor::scalar<float>(v); }

Tensor dequantize(const Tensor& x, float lo, float hi, const std::string& mode, Attrs extra = {}) {
  extra["mode"] = mode;
  extra["T"] = x.dtype();
  return run_op1("Dequantize", {x, scalar(lo), scalar(hi)}, extra);
}

std::vector<Tensor> quantize(const Tensor& x, float lo, float hi, DType t, const std::string& mode, Attrs extra = {}) {
  extra["mode"] = mode;
  extra["T"] = t;
  return run_op("QuantizeV2", {x, scalar(lo), scalar(hi)}, extra);
}
}  // namespace

TEST_CASE("Dequantize MIN_COMBINED") {
  // quint8 over [0, 6]: in * 6/255.
  check_close(dequantize(quint8({0, 128, 255}, {3}), 0, 6, "MIN_COMBINED"), f32({0, 128 * 6.0f / 255, 6}, {3}), 1e-6);
  // qint8 over [-1, 1]: (in + 128) * 2/255 - 1.
  check_close(dequantize(qint8({-128, 0, 127}, {3}), -1, 1, "MIN_COMBINED"), f32({-1, 128 * 2.0f / 255 - 1, 1}, {3}),
              1e-6);
  // qint32 over [-1, 1]: the midpoint code 0 is 0.0.
  check_close(dequantize(qint32({0}, {1}), -1, 1, "MIN_COMBINED"), f32({0}, {1}), 1e-6);
  // bfloat16 output: 6/255 * 128 = 3.01176... rounds to bfloat16 3.015625.
  const Tensor bf = dequantize(quint8({128}, {1}), 0, 6, "MIN_COMBINED", {{"dtype", DType::BFloat16}});
  check_equal(bf, bf16({3.015625f}, {1}));
}

TEST_CASE("Dequantize MIN_FIRST rounds the range minimum to a whole step") {
  check_close(dequantize(quint8({0, 128, 255}, {3}), 0, 6, "MIN_FIRST"), f32({0, 128 * 6.0f / 255, 6}, {3}), 1e-6);
  // Over [-1, 1]: step = 2/255 in float is 0.0078431377, and -1 / step is
  // -127.4999924 in float, which rounds to -127 whole steps: code 0 means
  // -127 steps and code 127 means 0.
  const float step = 2.0f / 255;
  check_close(dequantize(quint8({0, 127, 255}, {3}), -1, 1, "MIN_FIRST"), f32({-127 * step, 0, 128 * step}, {3}), 1e-6);
  // qint8 codes are shifted by lowest = -128: the same values.
  check_close(dequantize(qint8({-128, -1, 127}, {3}), -1, 1, "MIN_FIRST"), f32({-127 * step, 0, 128 * step}, {3}), 1e-6);
  // Over [-1.5, 1]: step 2.5/255; -1.5 / step = -153 exactly, code 153 is 0.
  const float step2 = 2.5f / 255;
  check_close(dequantize(quint8({0, 153}, {2}), -1.5f, 1, "MIN_FIRST"), f32({-153 * step2, 0}, {2}), 1e-6);
  // An empty range gives its one value.
  check_close(dequantize(quint8({7}, {1}), 2, 2, "MIN_FIRST"), f32({2}, {1}), 0);
}

TEST_CASE("Dequantize SCALED") {
  // qint8 over [-1, 1]: scale = max(-1/-128, 1/127) = 1/127.
  check_close(dequantize(qint8({-128, -127, 0, 127}, {4}), -1, 1, "SCALED"), f32({-128.0f / 127, -1, 0, 1}, {4}), 1e-6);
  // Over [-2, 1] the minimum side wins: scale = -2/-128 = 1/64.
  check_close(dequantize(qint8({-128, 64, 127}, {3}), -2, 1, "SCALED"), f32({-2, 1, 127.0f / 64}, {3}), 1e-6);
  // narrow_range: min code -127, so scale = max(-2/-127, 1/127) = 2/127.
  check_close(dequantize(qint8({-127, 127}, {2}), -2, 1, "SCALED", {{"narrow_range", true}}), f32({-2, 2}, {2}), 1e-6);
  // Unsigned: scale = max / 255.
  check_close(dequantize(quint8({0, 100, 255}, {3}), 0, 2.55f, "SCALED"), f32({0, 1, 2.55f}, {3}), 1e-6);
}

TEST_CASE("Dequantize per channel (axis)") {
  // [2,2] quint8, axis 1: column c over [0, max[c]], SCALED: in * max[c] / 255.
  const Tensor x = quint8({255, 255, 51, 102}, {2, 2});
  const Tensor out = run_op1("Dequantize", {x, f32({0, 0}, {2}), f32({1, 2}, {2})},
                             {{"mode", "SCALED"}, {"axis", 1}, {"T", DType::QUInt8}});
  check_close(out, f32({1, 2, 0.2f, 0.8f}, {2, 2}), 1e-6);
  check_error([&] { run_op1("Dequantize", {x, f32({0, 0}, {2}), f32({1, 2}, {2})}, {{"mode", "MIN_FIRST"}, {"axis", 1}}); },
              {"Dequantize", "MIN_FIRST", "axis"});
  check_error([&] { run_op1("Dequantize", {x, f32({0}, {1}), f32({1}, {1})}, {{"axis", 0}}); },
              {"Dequantize", "2 element"});
}

TEST_CASE("Dequantize bad inputs") {
  check_error([] { dequantize(quint8({1}, {1}), 0, 1, "FANCY"); }, {"Dequantize", "FANCY"});
  check_error([] { run_op1("Dequantize", {f32({1}, {1}), scalar(0), scalar(1)}); }, {"Dequantize", "float"});
  check_error([] { run_op1("Dequantize", {quint8({1}, {1}), f32({0, 1}, {2}), scalar(1)}); },
              {"Dequantize", "min_range"});
  check_error([] { dequantize(quint8({1}, {1}), 0, 1, "SCALED", {{"dtype", DType::BFloat16}}); },
              {"Dequantize", "MIN_COMBINED"});
}

TEST_CASE("QuantizeV2 MIN_FIRST") {
  // [0, 6]: scale 255/6 = 42.5; 3 * 42.5 = 127.5 rounds away from zero to 128.
  auto out = quantize(f32({0, 3, 6}, {3}), 0, 6, DType::QUInt8, "MIN_FIRST");
  check_equal(out[0], quint8({0, 128, 255}, {3}));
  check_equal(out[1], scalar(0));
  check_equal(out[2], scalar(6));
  // [-1, 1]: scale 127.5, round(-127.5) = -128, so code = round(127.5 x) + 128 (clamped).
  out = quantize(f32({-1, 0, 0.5f, 1}, {4}), -1, 1, DType::QUInt8, "MIN_FIRST");
  check_equal(out[0], quint8({0, 128, 192, 255}, {4}));
  // Back through Dequantize. TensorFlow's quantiser rounds -127.5 steps to
  // -128 in exact arithmetic but its dequantiser gets -127 in float (see
  // above), so values come back one step (2/255) high; we reproduce that.
  const float step = 2.0f / 255;
  check_close(dequantize(out[0], -1, 1, "MIN_FIRST"), f32({-127 * step, step, 65 * step, 128 * step}, {4}), 1e-6);
}

TEST_CASE("QuantizeV2 MIN_COMBINED") {
  // quint8 [0, 6]: (x - 0) * 42.5 + 0.5, truncated.
  auto out = quantize(f32({0, 3, 6, 7, -1}, {5}), 0, 6, DType::QUInt8, "MIN_COMBINED");
  check_equal(out[0], quint8({0, 128, 255, 255, 0}, {5}));
  // qint8 [-1, 1]: round((x + 1) * 127.5 - 128); x = 0 gives round(-0.5) = -1.
  out = quantize(f32({-1, 0, 1}, {3}), -1, 1, DType::QInt8, "MIN_COMBINED");
  check_equal(out[0], qint8({-128, -1, 127}, {3}));
}

TEST_CASE("QuantizeV2 SCALED and round modes") {
  // qint8 over [-127, 127]: scale = min(-128/-127, 127/127) = 1, range becomes [-128, 127].
  auto out = quantize(f32({2.5f, -2.5f, 200, -200}, {4}), -127, 127, DType::QInt8, "SCALED");
  check_equal(out[0], qint8({3, -3, 127, -128}, {4}));
  check_equal(out[1], scalar(-128));
  check_equal(out[2], scalar(127));
  out = quantize(f32({2.5f, -2.5f, 3.5f}, {3}), -127, 127, DType::QInt8, "SCALED", {{"round_mode", "HALF_TO_EVEN"}});
  check_equal(out[0], qint8({2, -2, 4}, {3}));
  // narrow_range: scale = min(-127/-127, 127/127) = 1, range [-127, 127].
  out = quantize(f32({-200}, {1}), -127, 127, DType::QInt8, "SCALED", {{"narrow_range", true}});
  check_equal(out[0], qint8({-127}, {1}));
  check_equal(out[1], scalar(-127));
  check_error([] { quantize(f32({1}, {1}), 0, 1, DType::QUInt8, "MIN_FIRST", {{"round_mode", "HALF_TO_EVEN"}}); },
              {"QuantizeV2", "SCALED"});
}

TEST_CASE("QuantizeV2 widens the range to contain 0 and a minimum width") {
  // [0, 0] becomes [0, 0.01]; [2, 3] becomes [0, 3].
  auto out = quantize(f32({0}, {1}), 0, 0, DType::QUInt8, "MIN_FIRST");
  check_equal(out[2], scalar(0.01f));
  out = quantize(f32({3}, {1}), 2, 3, DType::QUInt8, "MIN_COMBINED");
  check_equal(out[1], scalar(0));
  check_equal(out[0], quint8({255}, {1}));
  check_error([] { quantize(f32({1}, {1}), 1, 0, DType::QUInt8, "MIN_FIRST"); }, {"QuantizeV2", "max_range"});
  check_error([] { quantize(f32({1}, {1}), 0, 1, DType::Float, "MIN_FIRST"); }, {"QuantizeV2", "quantised"});
}

TEST_CASE("QuantizedMatMul subtracts each operand's zero point") {
  // a over [-1, 1]: zero point 128. b over [0, 2.55]: zero point 0.
  const Tensor a = quint8({0, 255, 128, 64}, {2, 2});
  const Tensor b = quint8({1, 2, 3, 4}, {2, 2});
  auto out = run_op("QuantizedMatMul", {a, b, scalar(-1), scalar(1), scalar(0), scalar(2.55f)});
  // (a - 128) = [[-128, 127], [0, -64]] times b = [[1, 2], [3, 4]].
  check_equal(out[0], qint32({253, 252, -192, -256}, {2, 2}));
  const float step = (2.0f / 255) * (2.55f / 255);
  check_equal(out[1], scalar(step * -2147483648.0f));
  check_equal(out[2], scalar(step * 2147483648.0f));
  // Transposed operands give the same product.
  const Tensor at = quint8({0, 128, 255, 64}, {2, 2});
  const Tensor bt = quint8({1, 3, 2, 4}, {2, 2});
  out = run_op("QuantizedMatMul", {at, bt, scalar(-1), scalar(1), scalar(0), scalar(2.55f)},
               {{"transpose_a", true}, {"transpose_b", true}});
  check_equal(out[0], qint32({253, 252, -192, -256}, {2, 2}));
  check_error([&] { run_op("QuantizedMatMul", {a, quint8({1, 2, 3}, {3, 1}), scalar(-1), scalar(1), scalar(0), scalar(1)}); },
              {"QuantizedMatMul", "[2,2]", "[3,1]"});
  check_error([&] { run_op("QuantizedMatMul", {a, b, scalar(1), scalar(1), scalar(0), scalar(1)}); },
              {"QuantizedMatMul", "max_a"});
}

TEST_CASE("Requantize qint32 -> quint8 (fixed point)") {
  // qint32 over [-8, 8] (2^28 is 1.0) into quint8 over [0, 4]: 1.0 -> 63.75 -> 64.
  const Tensor x = qint32({1 << 28, -(1 << 28), 1 << 30, 2147483647, 0}, {5});
  auto out = run_op("Requantize", {x, scalar(-8), scalar(8), scalar(0), scalar(4)}, {{"out_type", DType::QUInt8}});
  check_equal(out[0], quint8({64, 0, 255, 255, 0}, {5}));
  check_equal(out[1], scalar(0));
  check_equal(out[2], scalar(4));
  // qint8 over [-4, 4]: 1.0 -> round(1.0 * 255/8) - round(-4 * 255/8) - 128 = 32 - 128 + 128 = 32.
  out = run_op("Requantize", {x, scalar(-8), scalar(8), scalar(-4), scalar(4)}, {{"out_type", DType::QInt8}});
  check_equal(out[0], qint8({32, -32, 127, 127, 0}, {5}));
  check_error([&] { run_op("Requantize", {x, scalar(-8), scalar(8), scalar(1), scalar(4)}, {{"out_type", DType::QUInt8}}); },
              {"Requantize", "requested_output_min"});
}

TEST_CASE("RequantizationRange") {
  // Over [-8, 8], -2^28 is -1.0 and 2^29 is 2.0.
  auto out = run_op("RequantizationRange", {qint32({-(1 << 28), 1 << 29, 7}, {3}), scalar(-8), scalar(8)});
  check_close(out[0], scalar(-1), 1e-6);
  check_close(out[1], scalar(2), 1e-6);
  // Positive values only: the minimum is widened to 0.
  out = run_op("RequantizationRange", {qint32({1 << 28}, {1}), scalar(-8), scalar(8)});
  check_equal(out[0], scalar(0));
  check_close(out[1], scalar(1), 1e-6);
}

TEST_CASE("QuantizedRelu and QuantizedRelu6 clamp at quantised 0 and 6") {
  // quint8 over [-1, 1]: 0.0 is code 128.
  auto out = run_op("QuantizedRelu", {quint8({0, 100, 200}, {3}), scalar(-1), scalar(1)}, {{"out_type", DType::QUInt8}});
  check_equal(out[0], quint8({128, 128, 200}, {3}));
  check_equal(out[1], scalar(-1));
  // Over [-1, 11]: step 12/255, 0.0 is code 21, 6.0 is round(127.5) + 21 = 149.
  out = run_op("QuantizedRelu6", {quint8({0, 100, 200}, {3}), scalar(-1), scalar(11)}, {{"out_type", DType::QUInt8}});
  check_equal(out[0], quint8({21, 100, 149}, {3}));
  check_error([] { run_op("QuantizedRelu", {quint8({0}, {1}), scalar(-1), scalar(1)}, {{"out_type", DType::QInt32}}); },
              {"QuantizedRelu", "qint32", "quint8"});
}

TEST_CASE("QuantizedMatMul: the int32 row kernel gives the oracle's integers on random shapes and layouts") {
  std::mt19937 rng(17);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int trial = 0; trial < 24; ++trial) {
    kernels::QuantizedGemmShape s;
    s.m = std::uniform_int_distribution<int64_t>(1, 5)(rng);
    s.n = std::uniform_int_distribution<int64_t>(1, 70)(rng);
    s.k = std::uniform_int_distribution<int64_t>(1, 300)(rng);
    s.trans_a = trial % 2 == 1;
    s.trans_b = trial % 4 >= 2;
    CAPTURE(s.m);
    CAPTURE(s.n);
    CAPTURE(s.k);
    std::vector<uint8_t> a(static_cast<size_t>(s.m * s.k)), b(static_cast<size_t>(s.k * s.n));
    for (uint8_t& v : a) v = trial % 3 == 0 && byte(rng) < 128 ? 0 : static_cast<uint8_t>(byte(rng));  // zeros, as after a ReLU
    for (uint8_t& v : b) v = static_cast<uint8_t>(byte(rng));
    const int32_t offset_a = trial % 3 == 0 ? 0 : byte(rng), offset_b = byte(rng);
    REQUIRE(kernels::quantized_matmul_fits_int32(s));
    std::vector<int32_t> want(static_cast<size_t>(s.m * s.n)), got(want.size(), -1);
    kernels::quantized_matmul_reference(s, a.data(), offset_a, b.data(), offset_b, want.data());
    kernels::quantized_matmul_rows(s, a.data(), offset_a, b.data(), offset_b, got.data());
    CHECK(got == want);
    // Through the op: quantized_matmul/rows against the reference (run_op checks every implementation).
    const Tensor ta = quint8(a, s.trans_a ? Shape{s.k, s.m} : Shape{s.m, s.k});
    const Tensor tb = quint8(b, s.trans_b ? Shape{s.n, s.k} : Shape{s.k, s.n});
    run_op("QuantizedMatMul", {ta, tb, scalar(-1), scalar(1), scalar(0), scalar(2.55f)},
           {{"transpose_a", s.trans_a}, {"transpose_b", s.trans_b}});
  }
  // Sums that could leave int32 keep the saturating oracle.
  kernels::QuantizedGemmShape huge;
  huge.k = 40000;
  CHECK_FALSE(kernels::quantized_matmul_fits_int32(huge));
}
