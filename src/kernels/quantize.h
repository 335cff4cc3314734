// Quantised tensors: (de)quantisation and TensorFlow's eight-bit ops
// (QuantizeV2, Dequantize, Requantize, RequantizationRange, QuantizedMatMul,
// QuantizedRelu/Relu6).
//
// Every formula follows TensorFlow's CPU kernels (dequantize_op.cc,
// quantize_op.cc, quantization_utils.h, requantize.cc, quantized_matmul_op.cc),
// including where they compute in float rather than double, so results match
// bit for bit up to the fused multiply-adds Eigen may use. Quantised storage
// types: quint8 = uint8_t, qint8 = int8_t, quint16 = uint16_t, qint16 = int16_t,
// qint32 = int32_t.
#pragma once

#include <cstdint>

namespace frost::kernels {

enum class QuantizeMode { MinCombined, MinFirst, Scaled };
enum class QuantizeRound { HalfAwayFromZero, HalfToEven };

// A tensor viewed as [outer, channels, inner]: channel c uses range c
// (channels = 1 for one scalar range over the whole tensor).
struct QuantizedSlices {
  int64_t outer = 1;
  int64_t channels = 1;
  int64_t inner = 0;
};

// ---- the shared number mappings (quantization_utils.h), for Q as above

// Quantised value of `value` in [range_min, range_max] (MIN_FIRST mapping),
// before clamping to Q's range; range_min == range_max gives Q's lowest.
template <class Q>
int64_t float_to_quantized_unclamped(float value, float range_min, float range_max);
// The same, clamped to Q's range.
template <class Q>
Q float_to_quantized(float value, float range_min, float range_max);
// Float value of a quantised one (MIN_FIRST mapping, in double).
template <class Q>
float quantized_to_float(Q value, float range_min, float range_max);

// ---- ops

// Dequantize: out = float value of in, per channel. Contract: for MinFirst,
// channels == 1 (TensorFlow does not define per-channel MIN_FIRST).
template <class Q>
void dequantize_reference(QuantizeMode mode, bool narrow_range, const QuantizedSlices& s, const float* min_range,
                          const float* max_range, const Q* in, float* out);

struct QuantizeParams {
  QuantizeMode mode = QuantizeMode::MinCombined;
  QuantizeRound round = QuantizeRound::HalfAwayFromZero;  // used by Scaled
  bool narrow_range = false;                              // used by Scaled
  float ensure_minimum_range = 0.01f;
};

// QuantizeV2: quantises `in` per channel and writes the range actually used
// (the given one widened to contain 0 and to a minimum width, and for Scaled
// made symmetric to the scale) to out_min/out_max[channel]. Contract:
// max_range[c] >= min_range[c]. NaN inputs quantise as the range's minimum
// (TensorFlow leaves them undefined).
template <class Q>
void quantize_reference(const QuantizeParams& p, const QuantizedSlices& s, const float* min_range,
                        const float* max_range, const float* in, Q* out, float* out_min, float* out_max);

// Requantize from qint32 to Q (quint8 via TensorFlow's 16.16 fixed-point
// path, qint8 through float): values in [in_min, in_max] re-expressed in
// [out_min, out_max].
template <class Q>
void requantize_reference(int64_t n, const int32_t* in, float in_min, float in_max, float out_min, float out_max,
                          Q* out);

// RequantizationRange: the float range the qint32 values actually use, with
// the minimum widened to include 0.
void requantization_range_reference(int64_t n, const int32_t* in, float in_min, float in_max, float* used_min,
                                    float* used_max);

// QuantizedMatMul for quint8 x quint8 -> qint32:
// c[i][j] = sum_k (a[i][k] - offset_a) * (b[k][j] - offset_b), row-major,
// each operand optionally stored transposed. Sums saturate to int32.
struct QuantizedGemmShape {
  int64_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
};
void quantized_matmul_reference(const QuantizedGemmShape& s, const uint8_t* a, int32_t offset_a, const uint8_t* b,
                                int32_t offset_b, int32_t* c);
// Whether no sum of this shape can leave int32 (then nothing saturates), and
// for those shapes the same result in int32 loops that vectorise
// (reference/quantize_gemm.cc).
bool quantized_matmul_fits_int32(const QuantizedGemmShape& s);
void quantized_matmul_rows(const QuantizedGemmShape& s, const uint8_t* a, int32_t offset_a, const uint8_t* b,
                           int32_t offset_b, int32_t* c);
// The float range of one step of a product's accumulator (min_c, max_c of
// QuantizedMatMul) for quint8 operands and a qint32 result.
void quantized_matmul_output_range(float min_a, float max_a, float min_b, float max_b, float* min_c, float* max_c);

// out = clamp(in, lower, upper) (QuantizedRelu and QuantizedRelu6 on quantised values).
template <class Q>
void quantized_clamp_reference(int64_t n, const Q* in, Q lower, Q upper, Q* out);

}  // namespace frost::kernels
