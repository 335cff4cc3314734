// Front end of the direct transposed convolution (kernels/
// conv_transpose_direct.h): the ISA's table, threads and scratch; the loops
// are in conv_transpose_direct_impl.h.
#include "kernels/conv_transpose_direct.h"

#include <algorithm>

#include "kernels/simd/conv_transpose_direct_kernel_table.h"
#include "kernels/simd/conv_util.h"

namespace frost::kernels {
namespace {

const simd::ConvTransposeDirectTable& table(GemmIsa isa) {
  if (isa == GemmIsa::kAuto) isa = gemm_best_isa();
  switch (isa) {
    case GemmIsa::kAvx512: return simd::conv_transpose_direct_table_avx512();
    case GemmIsa::kAvx2: return simd::conv_transpose_direct_table_avx2();
    default: return simd::conv_transpose_direct_table_sse2();
  }
}

}  // namespace

bool conv2d_transpose_direct_supported(const Conv2DParams& p, GemmIsa isa) { return table(isa).supported(p); }

size_t conv2d_transpose_direct_packed_filter_floats(const Conv2DParams& p, GemmIsa isa) {
  return table(isa).packed_floats(p);
}

void conv2d_transpose_direct_pack_filter(const Conv2DParams& p, const float* filter, float* packed_filter,
                                         GemmIsa isa) {
  table(isa).pack(p, filter, packed_filter);
}

size_t conv2d_transpose_direct_scratch_floats(const Conv2DParams& p, GemmIsa isa) {
  return table(isa).scratch_floats(p);
}

void conv2d_transpose_direct_f32(const Conv2DParams& p, const float* out_backprop, const float* packed_filter,
                                 float* in_backprop, const GemmRun& run) {
  const simd::ConvTransposeDirectTable& t = table(run.isa);
  // The multiply-adds done: every in_backprop pixel's taps (about fh·fw /
  // stride² of them) times in_c·out_c.
  const double flops = 2.0 * static_cast<double>(p.batch * p.in_h * p.in_w) * static_cast<double>(p.in_c) *
                       static_cast<double>(p.out_c) * static_cast<double>(p.filter_h * p.filter_w) /
                       static_cast<double>(p.stride_h * p.stride_w);
  const int threads = static_cast<int>(
      std::min<int64_t>(simd::threads_for_flops(flops, run.threads, run.force_threads), p.batch * p.in_h));
  float* scratch = run.scratch != nullptr ? run.scratch : simd::own_scratch(t.scratch_floats(p));
  t.run(p, out_backprop, packed_filter, in_backprop, threads, scratch);
}

const char* conv2d_transpose_direct_kernel_name(GemmIsa isa) { return table(isa).name; }

}  // namespace frost::kernels
