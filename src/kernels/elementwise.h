// Element-wise kernels: unary math, binary arithmetic and comparisons with
// numpy broadcasting, logical ops, select, n-ary add and dtype casts.
//
// Semantics are TensorFlow's (tensorflow/core/kernels/cwise_ops.h): integer
// Div truncates, FloorDiv floors, FloorMod takes the divisor's sign, Round
// rounds half to even, Maximum/Minimum propagate NaN, INT_MIN / -1 wraps
// instead of trapping.
//
// Element types: the templates are instantiated for float, double, int8..int64
// and uint8..uint64. Half and bfloat16 are not computed here: callers widen
// them to float, compute, and round back (what Eigen's half arithmetic does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "graph/dtype.h"
#include "kernels/gemm.h"

namespace frost::kernels {

// ---------------------------------------------------------------- broadcasting

// Largest rank of the output after merging adjacent dimensions that every
// input treats alike. TensorFlow's binary ops have a similar limit.
constexpr int kMaxBroadcastRank = 8;
constexpr int kMaxBroadcastInputs = 3;

// How each input of an element-wise op maps onto the output: the output
// dimensions (outermost first, merged where possible) and, per input, the
// element stride along each of them (0 where that input is broadcast).
struct Broadcast {
  int rank = 0;
  int num_inputs = 0;
  int64_t out_dims[kMaxBroadcastRank] = {};
  int64_t strides[kMaxBroadcastInputs][kMaxBroadcastRank] = {};
  int64_t num_elements = 0;
};

// Plans the broadcast of `inputs` (each a list of dims, outermost first) onto
// `out_dims`. Contract: out_dims is the numpy broadcast of the inputs (callers
// compute it with frost::broadcast_shapes) and there are at most
// kMaxBroadcastInputs inputs. The plan has rank >= 1 (a scalar is [1]).
// Returns false if the merged rank is over kMaxBroadcastRank.
bool plan_broadcast(std::span<const int64_t> out_dims, std::span<const std::span<const int64_t>> inputs,
                    Broadcast* plan);

// Calls f(out_index, offsets) for every output element in row-major order;
// offsets[k] is the element offset of that element's source in input k.
template <class F>
void for_each_broadcast(const Broadcast& b, F&& f) {
  if (b.num_elements == 0) return;
  const int inner = b.rank - 1;  // plan_broadcast makes rank >= 1
  int64_t index[kMaxBroadcastRank] = {};
  int64_t offset[kMaxBroadcastInputs] = {};
  int64_t lane[kMaxBroadcastInputs] = {};
  int64_t out = 0;
  while (out < b.num_elements) {
    // The innermost dimension as a tight loop.
    for (int64_t j = 0; j < b.out_dims[inner]; ++j, ++out) {
      for (int k = 0; k < b.num_inputs; ++k) lane[k] = offset[k] + j * b.strides[k][inner];
      f(out, static_cast<const int64_t*>(lane));
    }
    // Odometer over the outer dimensions.
    for (int d = inner - 1; d >= 0; --d) {
      if (++index[d] < b.out_dims[d]) {
        for (int k = 0; k < b.num_inputs; ++k) offset[k] += b.strides[k][d];
        break;
      }
      index[d] = 0;
      for (int k = 0; k < b.num_inputs; ++k) offset[k] -= b.strides[k][d] * (b.out_dims[d] - 1);
    }
  }
}

// ---------------------------------------------------------------- unary

enum class UnaryOp {
  // any numeric type
  Abs, Neg, Square, Sign, Round,
  // floating types only (callers check)
  Rsqrt, Sqrt, Exp, Log, Log1p, Floor, Ceil, Reciprocal, Erf,
};

bool unary_op_needs_float(UnaryOp op);

// out[i] = op(x[i]) for i < n. x and out may alias.
template <class T>
void unary_reference(UnaryOp op, int64_t n, const T* x, T* out);

// The CPU backend's twin for float32 (src/kernels/simd/eltwise_f32.cc), for
// the ops unary_f32_supported accepts (Abs, Neg, Square, Sqrt, Rsqrt,
// Reciprocal: bit-identical; Exp: a vectorised polynomial, a few ulp).
// Threads and ISA as in GemmRun.
bool unary_f32_supported(UnaryOp op);
void unary_f32(UnaryOp op, int64_t n, const float* x, float* out, const GemmRun& run = {});
// The per-ISA kernels behind the float32 element-wise twins in this file,
// pool.h, activation_elementwise.h and softmax.h: "eltwise_f32_<isa>".
const char* eltwise_kernel_name(GemmIsa isa = GemmIsa::kAuto);

// out[i] = !x[i].
void logical_not_reference(int64_t n, const bool* x, bool* out);

// ---------------------------------------------------------------- binary

enum class BinaryOp {
  Add, Sub, Mul,
  Div,       // floats: x / y; integers: truncating division
  FloorDiv,  // floats: floor(x / y); integers: rounds toward -inf
  FloorMod,  // result has the sign of y
  Maximum, Minimum, SquaredDifference,
  Pow,       // integers: exponent must be >= 0
};

// What went wrong in a binary kernel on integers; the output is then
// unspecified. TensorFlow raises an error in these cases.
enum class BinaryStatus { Ok, IntegerDivisionByZero, NegativeIntegerExponent };

// out = op(x, y) broadcast as planned in b (input 0 is x, input 1 is y).
template <class T>
BinaryStatus binary_reference(BinaryOp op, const Broadcast& b, const T* x, const T* y, T* out);

// The CPU backend's twin for float32 (src/kernels/simd/eltwise_f32.cc), for
// the ops binary_f32_supported accepts (Add, Sub, Mul, Div, Maximum, Minimum,
// SquaredDifference); bit-identical to binary_reference. out must not
// overlap x or y unless it is equal to one that is not broadcast.
bool binary_f32_supported(BinaryOp op);
void binary_f32(BinaryOp op, const Broadcast& b, const float* x, const float* y, float* out, const GemmRun& run = {});

enum class CompareOp { Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual };

// out = op(x, y) broadcast as planned; also instantiated for bool (Equal, NotEqual).
template <class T>
void compare_reference(CompareOp op, const Broadcast& b, const T* x, const T* y, bool* out);

enum class LogicalOp { And, Or };
void logical_reference(LogicalOp op, const Broadcast& b, const bool* x, const bool* y, bool* out);

// out = cond ? x : y broadcast as planned (inputs: 0 cond, 1 x, 2 y). Copies
// elements as raw bytes of elem_size (1, 2, 4 or 8), so it serves every dtype.
void select_reference(const Broadcast& b, const bool* cond, const void* x, const void* y, void* out,
                      std::size_t elem_size);

// out[i] = inputs[0][i] + inputs[1][i] + ... summed left to right in T.
template <class T>
void add_n_reference(int64_t n, std::span<const T* const> inputs, T* out);

// ---------------------------------------------------------------- cast

// Whether cast_reference handles this dtype: float, double, half, bfloat16,
// int8/16/32/64, uint8/16/32/64 and bool.
bool cast_supported(DType t);

// Converts n elements from `src` to `dst` as TensorFlow's Cast does:
//  - float -> int truncates toward zero; NaN and out-of-range values give what
//    TensorFlow's x86-64 CPU kernels give (C++ leaves it undefined): the
//    conversion's "integer indefinite" value INT32_MIN/INT64_MIN, narrower
//    integers wrap the 32-bit result, uint32 wraps the 64-bit result;
//  - int -> int wraps (two's complement); anything -> bool is x != 0;
//  - to half/bfloat16 goes through float and rounds to nearest even;
//  - truncate (the Truncate attr): for float->half, float->bfloat16,
//    double->float and double->half, the mantissa bits the target cannot hold
//    are cleared first, so the conversion truncates instead of rounding.
// Contract: both dtypes satisfy cast_supported.
void cast_reference(DType src_type, const void* src, DType dst_type, void* dst, int64_t n, bool truncate);

}  // namespace frost::kernels
