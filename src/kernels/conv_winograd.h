// Winograd convolution F(4×4, 3×3) on NHWC, the twin of conv2d_reference for
// 3×3 filters with stride 1, dilation 1 and one group (any padding, batch,
// size and channel counts). Source: Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks" (CVPR 2016), with the interpolation points
// 0, ±1, 1/2, −2, ∞ (more accurate than their 0, ±1, ±2, ∞; see
// simd/winograd_impl.h).
//
// The output is cut into 4×4 tiles; tile t reads the 6×6 input patch that
// starts at (4·ty − pad_top, 4·tx − pad_left) (outside the input: zeros). Then
//   V[ξ] = (Bᵀ d B)[ξ]      per tile and input channel   (input transform)
//   M[ξ] = V[ξ] · U[ξ]      36 GEMMs: tiles × in_c by in_c × out_c
//   y    = Aᵀ M A           per tile and output channel  (output transform)
// where U[ξ] = (G g Gᵀ)[ξ] is the filter transformed once, in double, and
// packed into the GEMM's B layout when the model is planned. A 4×4 tile costs
// 36 multiply-adds per channel pair instead of 144: the product is 4× cheaper
// than the direct one, the transforms add work proportional to in_c and to
// out_c only, and the packed filter is 4× the size of the HWIO one.
//
// Accuracy: the transforms mix a tile's values with weights up to 8 before
// and after the products, so the GEMM's rounding errors are magnified: on
// random layers the error is 1-5e-6 of the output's largest magnitude
// (im2col: 2-4e-7), growing slowly with in_c. On the models and corpus CNNs
// it leaves every output within 1.1e-6 of TensorFlow (the 1e-4 tolerance of
// the project's tests is far off).
//
// The epilogue is conv2d_f32's (GemmEpilogue over pixels × out_c: bias,
// residual NHWC with row stride ldr, activation, ...), applied by the GEMM's
// own epilogue code to each tile's outputs right after its output transform,
// while they are in L1.
#pragma once

#include <cstddef>

#include "kernels/conv.h"
#include "kernels/gemm.h"

namespace frost::kernels {

// Whether the Winograd kernel computes p: a 3×3 filter, stride 1, dilation
// 1, one group, and an ISA with a Winograd kernel (AVX2, AVX-512; not SSE2).
bool conv2d_winograd_supported(const Conv2DParams& p, GemmIsa isa = GemmIsa::kAuto);

// Whether the Winograd kernel is expected to beat conv2d_f32 on p (the cost
// rule, measured with bench_conv; see its comment). p.out_h/out_w may be 0
// when the input's size is not known at prepare time: then the channels decide.
bool conv2d_winograd_pays(const Conv2DParams& p);

// What the cost rule weighs of the machine besides the layer: whether it has
// direct kernels, whether they run AVX-512, and whether a 512-bit FMA there
// does twice a 256-bit one's work (kernels/fma_rate.h).
struct WinogradMachine {
  bool direct = false;
  bool direct_avx512 = false;
  bool zmm_full_rate = false;
};
WinogradMachine winograd_this_machine();
// The rule for a given machine (the overload above: this one). Pure.
bool conv2d_winograd_pays(const Conv2DParams& p, const WinogradMachine& m);

// The ISA whose Winograd kernel suits p best among those the CPU runs
// (SSE2 when none has one). AVX-512's transforms take 16 channels a vector
// and its GEMM tile is 32 columns wide, so layers with few channels run
// faster on the AVX2 kernel (8 and 16): measured (thread-CPU time, 1 thread,
// Zen 4) 1.9× at 368×640×8→8, 1.5× at 184×320×16→16, even at 32→32, and
// AVX-512 1.1× ahead at 32→64. The rule: AVX2 when out_c ≤ 16 or in_c ≤ 8.
// Where a zmm FMA does twice a ymm one's work (kernels/fma_rate.h), half-empty
// zmm vectors still do as much as full ymm ones: AVX2 only when out_c ≤ 8
// (bench_conv, 1 thread, Zen 5, AVX-512 vs AVX2 kernel: 184×320×16→16 1.05
// vs 1.22 ms, 32²×16→16 17.0 vs 20.2 µs, 16²×32→16 8.1 vs 9.5, 64²×8→32
// 74 vs 100; 32²×8→8 14.1 vs 13.0, 32²×24→8 23.6 vs 22.9).
GemmIsa conv2d_winograd_isa(const Conv2DParams& p);
// The rule for the best ISA `best` (AVX2 assumed present with AVX-512) and
// the machine's 512-bit FMA rate. Pure.
GemmIsa conv2d_winograd_isa(const Conv2DParams& p, GemmIsa best, bool zmm_full_rate);

// The 36 transformed filters U[ξ] (in_c × out_c each), each packed for the
// GEMM of `isa`. Depends only on the filter (HWIO [3, 3, in_c, out_c]) and the ISA.
size_t conv2d_winograd_packed_filter_floats(const Conv2DParams& p, GemmIsa isa = GemmIsa::kAuto);
void conv2d_winograd_pack_filter(const Conv2DParams& p, const float* filter, float* packed_filter,
                                 GemmIsa isa = GemmIsa::kAuto);

// Working memory of one call for up to `threads` threads (0: omp_get_max_threads()).
size_t conv2d_winograd_scratch_floats(const Conv2DParams& p, int threads = 0, GemmIsa isa = GemmIsa::kAuto);

// output = epilogue(conv(input, filter)); p must be supported. run.scratch may be null.
void conv2d_winograd_f32(const Conv2DParams& p, const float* input, const float* packed_filter, float* output,
                         const GemmEpilogue& ep = {}, const GemmRun& run = {});

// "conv2d_winograd_f32_4x4_3x3_<isa>", or null when the ISA has none.
const char* conv2d_winograd_kernel_name(GemmIsa isa = GemmIsa::kAuto);

}  // namespace frost::kernels
