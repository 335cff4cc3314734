// Single-precision matrix multiply, C = op(A) · op(B), row-major.
//
// Two twins with the same shapes and pointers:
//  - gemm_reference / gemm_f32_reference: obvious loops accumulated in double,
//    the oracle for every optimised GEMM and for the MatMul reference kernels;
//  - gemm_f32 / gemm_f32_packed: the CPU backend's kernel (src/kernels/simd):
//    packed panels, register-blocked xsimd micro-kernels chosen at run time by
//    ISA, cache blocking, OpenMP threads, and a fused epilogue.
//
// Strides make the optimised GEMM usable in place inside other kernels: a 1×1
// convolution on NHWC is a GEMM with A = the input viewed as (N·H·W)×C_in
// (lda = C_in, or the row pitch of a strided view) and C = the output
// (ldc = C_out), with no copy.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/activation.h"

namespace frost::kernels {

struct GemmShape {
  int64_t m = 0, n = 0, k = 0;  // C is m×n, the inner dimension is k
  bool trans_a = false;         // A stored k×m (read transposed)
  bool trans_b = false;         // B stored n×k (read transposed)
  int64_t lda = 0, ldb = 0, ldc = 0;  // row strides in elements of A, B and C as stored
};

// Untransposed, densely stored A (m×k) and B (k×n); C's rows `ldc` apart
// (a cell writes its gates into a wider row).
inline GemmShape dense_gemm_shape(int64_t m, int64_t k, int64_t n, int64_t ldc) {
  GemmShape s;
  s.m = m;
  s.k = k;
  s.n = n;
  s.lda = k;
  s.ldb = n;
  s.ldc = ldc;
  return s;
}

// C = op(A)·op(B), accumulated in double; C is overwritten. No aliasing.
void gemm_reference(const GemmShape& s, const float* a, const float* b, float* c);

// What is done to each element of the product P = op(A)·op(B) before it is
// stored, in this order:
//   x = P[i,j] + (accumulate ? C_old[i,j] : 0) + bias[j]
//   x = x + residual[i,j]                     (unless residual_after_activation)
//   x = act(x)
//   x = x * post_scale[j] + post_shift[j]     (either may be null: 1 / 0)
//   x = x + residual[i,j]                     (if residual_after_activation)
//   C[i,j] = x
// The default (all null / kNone / false) stores the plain product.
// ResNet's "conv → bias → add shortcut → relu" is bias + residual + kRelu;
// Keras' "conv → relu → BatchNormalization" is bias + kRelu + post_scale/shift.
struct GemmEpilogue {
  const float* bias = nullptr;      // n floats, one per output column, or null
  const float* residual = nullptr;  // m×n with row stride ldr, or null; must not overlap C
  int64_t ldr = 0;                  // row stride of residual in elements
  Activation activation = Activation::kNone;
  float alpha = 0.0f;               // slope of kLeakyRelu, scale of kElu; unused otherwise
  bool accumulate = false;          // add the previous contents of C (C is read)
  bool residual_after_activation = false;
  // A per-column affine after the activation, n floats each, or null.
  const float* post_scale = nullptr;
  const float* post_shift = nullptr;
};

// Instruction sets the optimised GEMM has micro-kernels for. kAuto picks the
// best one the running CPU (and OS) supports.
enum class GemmIsa : uint8_t { kAuto, kSse2, kAvx2, kAvx512 };

bool gemm_isa_available(GemmIsa isa);
GemmIsa gemm_best_isa();
// The micro-kernel behind an ISA, named by tile and ISA, e.g. "gemm_f32_6x16_avx2".
const char* gemm_kernel_name(GemmIsa isa);

struct GemmRun {
  // 0: omp_get_max_threads(); always 1 when called inside a parallel region.
  // Small problems, and problems on a machine whose cores are busy, use
  // fewer threads (kernels/simd/thread_policy.h) unless force_threads is set
  // (tests of the threaded paths).
  int threads = 0;
  bool force_threads = false;
  GemmIsa isa = GemmIsa::kAuto;
  // Working memory of at least gemm_scratch_floats(...) floats (any alignment),
  // or null: then each calling thread keeps its own grow-only buffer.
  float* scratch = nullptr;
};

// Constant weights are packed once (at plan time) into the layout of one ISA's
// micro-kernel. The packed buffer depends only on op(B) (s.n, s.k, s.trans_b,
// s.ldb are read) and on the ISA, and must be used with that same ISA
// (kAuto resolves the same way throughout a process).
size_t gemm_packed_b_floats(int64_t n, int64_t k, GemmIsa isa = GemmIsa::kAuto);
void gemm_pack_b(const GemmShape& s, const float* b, float* packed_b, GemmIsa isa = GemmIsa::kAuto);

// Scratch needed by one call with this shape; `threads` as in GemmRun.
size_t gemm_scratch_floats(const GemmShape& s, bool b_packed, int threads = 0,
                           GemmIsa isa = GemmIsa::kAuto);

// C = epilogue(op(A)·op(B)) with B as stored (s.trans_b, s.ldb).
// C must not overlap A, B or the residual. Shapes are trusted (kernels assert,
// adapters validate); m, n or k may be 0.
void gemm_f32(const GemmShape& s, const float* a, const float* b, float* c,
              const GemmEpilogue& ep = {}, const GemmRun& run = {});

// The same with B prepacked by gemm_pack_b (s.trans_b and s.ldb are ignored).
void gemm_f32_packed(const GemmShape& s, const float* a, const float* packed_b, float* c,
                     const GemmEpilogue& ep = {}, const GemmRun& run = {});

// The reference twin of gemm_f32: double accumulation, then the epilogue in
// double with activation_reference.
void gemm_f32_reference(const GemmShape& s, const float* a, const float* b, float* c,
                        const GemmEpilogue& ep);

}  // namespace frost::kernels
