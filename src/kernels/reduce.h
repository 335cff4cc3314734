// Reductions over any set of axes (Sum, Mean, Max, Min, Prod) and ArgMax/ArgMin
// over one axis.
//
// Semantics are TensorFlow's: reducing zero elements gives the reduction's
// identity (Sum 0, Prod 1, Max -inf or the lowest integer, Min +inf or the
// highest integer, Mean NaN for floats and 0 for integers); Max and Min
// propagate NaN; integer Mean is the truncating quotient of a 64-bit sum (as
// TensorFlow's mean reducer for int8..int32 does). Floating Sum, Mean and Prod
// accumulate in double. Half and bfloat16 are widened to float by callers.
#pragma once

#include <cstdint>
#include <span>

#include "kernels/gemm.h"  // GemmRun

namespace frost::kernels {

// Most merged kept (or reduced) dimension groups; they alternate, so this
// covers any input of rank up to 2 * kMaxReduceRank.
constexpr int kMaxReduceRank = 16;

// The input viewed as two interleaved index spaces: kept dimensions (the
// output, row-major) and reduced ones, each with its input element strides.
// Adjacent dimensions of the same kind are merged; size-1 ones are dropped.
struct ReducePlan {
  int kept_rank = 0;
  int reduced_rank = 0;
  int64_t kept_dims[kMaxReduceRank] = {};
  int64_t kept_strides[kMaxReduceRank] = {};
  int64_t reduced_dims[kMaxReduceRank] = {};
  int64_t reduced_strides[kMaxReduceRank] = {};
  int64_t out_elements = 1;      // product of the kept dimensions
  int64_t reduced_elements = 1;  // input elements folded into each output element
};

// Plans reducing a row-major input of `dims` over `axes` (each in [0, rank),
// duplicates allowed). Returns false if the merged view has more than
// kMaxReduceRank groups of one kind.
bool plan_reduce(std::span<const int64_t> dims, std::span<const int> axes, ReducePlan* plan);

enum class ReduceOp { Sum, Mean, Max, Min, Prod };

// out[plan.out_elements] = op over the reduced elements of `in`.
// Instantiated for float, double, int8..int64 and uint8..uint64.
template <class T>
void reduce_reference(ReduceOp op, const ReducePlan& plan, const T* in, T* out);

// The CPU backend's float32 twins (src/kernels/simd/reduce_impl.h) for Sum,
// Mean, Max and Min (not Prod) on a [rows, depth] input: over each row (the
// innermost dimension), and over all rows for each column. Sums in double as
// the reference's (only the order of the additions differs); Max/Min exactly. Threads and ISA
// as in GemmRun (kernels/gemm.h).
bool reduce_f32_supported(ReduceOp op);
void reduce_rows_f32(ReduceOp op, int64_t rows, int64_t depth, const float* in, float* out, const GemmRun& run = {});
void reduce_columns_f32(ReduceOp op, int64_t rows, int64_t cols, const float* in, float* out,
                        const GemmRun& run = {});

// Index of the largest (is_max) or smallest element along the middle axis of
// an input viewed as [outer, n, inner]; ties pick the first. n >= 1.
// out has outer * inner elements. Index is int32_t or int64_t.
template <class T, class Index>
void arg_reduce_reference(bool is_max, int64_t outer, int64_t n, int64_t inner, const T* in, Index* out);

}  // namespace frost::kernels
