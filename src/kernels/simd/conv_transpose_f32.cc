// The transposed convolution of the CPU backend (TensorFlow's
// Conv2DBackpropInput; see kernels/conv_simd.h): a GEMM per band of
// out_backprop rows, then a col2im scatter-add into in_backprop.
//
// Why GEMM + col2im rather than the "sub-pixel" (phase) decomposition:
//  - one GEMM whose B is the HWIO filter read transposed, which gemm_pack_b
//    packs straight from the filter (no per-phase transposed copies of the
//    filter, no phase bookkeeping for dilation, where the taps of a phase are
//    those with ky·dilation ≡ phase mod stride);
//  - the GEMM is wide (N = fh·fw·in_c), the shape the micro-kernels like,
//    whatever the stride, while a phase GEMM has N = in_c only;
//  - flops are exactly fh·fw·in_c·out_c per out_backprop pixel (a tap that
//    lands in the padding is computed and dropped, a small share).
// The price is the col2im pass (memory-bound, on a band that is still in L2)
// and zeroing the output first. It is weakest when out_c (the GEMM's K) is
// small; such layers are cheap anyway.
//
// Bands are whole rows of out_backprop, about 256 KiB of columns (one row at
// least), so big layers never get a full-size column buffer and the col2im
// reads what the GEMM just wrote from L2. The GEMM of a band uses the
// threads; the col2im of a band is split over in_backprop rows, which is
// race-free because each row is owned by one thread and gathers every tap
// that lands in it.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kernels/conv_simd.h"
#include "kernels/simd/conv_util.h"

namespace frost::kernels {
namespace {

using simd::align_up;
using simd::div_up;
using simd::kAlignFloats;

// A column band holds about this many floats (256 KiB, half a Zen L2).
constexpr int64_t kBandFloats = int64_t{1} << 16;

struct TransposeGemm {
  int64_t group_in;   // in_backprop channels per group
  int64_t group_out;  // K: out_backprop channels per group
  int64_t cols;       // N: fh·fw·group_in, the taps of one out_backprop pixel
  int64_t rows;       // out_backprop rows (batch·out_h)
  bool direct;        // 1×1, stride 1, no padding: a plain GEMM into in_backprop
};

TransposeGemm transpose_gemm(const Conv2DParams& p) {
  TransposeGemm g;
  g.group_in = p.in_c / p.groups;
  g.group_out = p.out_c / p.groups;
  g.cols = p.filter_h * p.filter_w * g.group_in;
  g.rows = p.batch * p.out_h;
  g.direct = p.filter_h == 1 && p.filter_w == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 &&
             p.pad_left == 0 && p.out_h == p.in_h && p.out_w == p.in_w;
  return g;
}

// out_backprop rows per band (at least one whole row).
int64_t band_rows(const Conv2DParams& p, const TransposeGemm& g) {
  const int64_t per_row = std::max<int64_t>(1, p.out_w * g.cols);
  return std::clamp<int64_t>(kBandFloats / per_row, 1, std::max<int64_t>(g.rows, 1));
}

// The band's GEMM: A = out_backprop pixels × group_out channels (lda out_c),
// B = the filter read transposed (group_out × cols), C = the column band.
GemmShape band_shape(const Conv2DParams& p, const TransposeGemm& g, int64_t pixels) {
  return GemmShape{pixels, g.cols, g.group_out, false, true, p.out_c, p.out_c, g.cols};
}

GemmShape direct_shape(const Conv2DParams& p, const TransposeGemm& g) {
  return GemmShape{p.batch * p.out_h * p.out_w, g.group_in, g.group_out, false, true, p.out_c, p.out_c, p.in_c};
}

struct ScratchLayout {
  int64_t cols = 0;  // the column band (0 on the direct path)
  int64_t gemm = 0;  // the GEMM's working memory
};

ScratchLayout scratch_layout(const Conv2DParams& p, int threads, GemmIsa isa) {
  const TransposeGemm g = transpose_gemm(p);
  ScratchLayout l;
  if (g.direct) {
    l.gemm = static_cast<int64_t>(gemm_scratch_floats(direct_shape(p, g), true, threads, isa));
    return l;
  }
  const int64_t rows = band_rows(p, g);
  l.cols = rows * p.out_w * g.cols + kAlignFloats;
  l.gemm = static_cast<int64_t>(gemm_scratch_floats(band_shape(p, g, rows * p.out_w), true, threads, isa));
  return l;
}

inline void add_floats(float* __restrict dst, const float* __restrict src, int64_t count) {
  for (int64_t i = 0; i < count; ++i) dst[i] += src[i];
}

// Adds the taps of out_backprop rows [r0, r1) (global rows n·out_h + oy),
// whose columns are in `cols`, into in_backprop row iy of image n, channels of
// group grp. Forward geometry: iy = oy·stride_h − pad_top + ky·dilation_h.
void col2im_row(const Conv2DParams& p, const TransposeGemm& g, const float* cols, int64_t r0, int64_t r1,
                int64_t n, int64_t iy, int64_t grp, float* in_backprop) {
  float* dst_row = in_backprop + ((n * p.in_h + iy) * p.in_w) * p.in_c + grp * g.group_in;
  for (int64_t ky = 0; ky < p.filter_h; ++ky) {
    const int64_t ty = iy + p.pad_top - ky * p.dilation_h;
    if (ty < 0 || ty % p.stride_h != 0) continue;
    const int64_t row = n * p.out_h + ty / p.stride_h;
    if (ty / p.stride_h >= p.out_h || row < r0 || row >= r1) continue;
    const float* src_row = cols + (row - r0) * p.out_w * g.cols + ky * p.filter_w * g.group_in;
    for (int64_t kx = 0; kx < p.filter_w; ++kx) {
      // ix = ox·stride_w − pad_left + kx·dilation_w must lie in [0, in_w).
      const int64_t shift = p.pad_left - kx * p.dilation_w;  // ix + shift = ox·stride_w
      const int64_t last = p.in_w - 1 + shift;  // the largest ox·stride_w allowed
      const int64_t ox0 = div_up(std::max<int64_t>(shift, 0), p.stride_w);
      const int64_t ox1 = last < 0 ? 0 : std::min<int64_t>(p.out_w, last / p.stride_w + 1);
      const float* src = src_row + kx * g.group_in;
      for (int64_t ox = ox0; ox < ox1; ++ox) {
        const int64_t ix = ox * p.stride_w - shift;
        add_floats(dst_row + ix * p.in_c, src + ox * g.cols, g.group_in);
      }
    }
  }
}

}  // namespace

size_t conv2d_backprop_input_packed_filter_floats(const Conv2DParams& p, GemmIsa isa) {
  const TransposeGemm g = transpose_gemm(p);
  return static_cast<size_t>(p.groups) * gemm_packed_b_floats(g.direct ? g.group_in : g.cols, g.group_out, isa);
}

void conv2d_backprop_input_pack_filter(const Conv2DParams& p, const float* filter, float* packed_filter,
                                       GemmIsa isa) {
  const TransposeGemm g = transpose_gemm(p);
  // The HWIO filter is a (fh·fw·group_in) × out_c row-major matrix: read
  // transposed, the columns of group grp are B (group_out × cols).
  const int64_t n = g.direct ? g.group_in : g.cols;
  const size_t per_group = gemm_packed_b_floats(n, g.group_out, isa);
  for (int64_t grp = 0; grp < p.groups; ++grp) {
    const GemmShape s{0, n, g.group_out, false, true, 0, p.out_c, 0};
    gemm_pack_b(s, filter + grp * g.group_out, packed_filter + static_cast<size_t>(grp) * per_group, isa);
  }
}

size_t conv2d_backprop_input_scratch_floats(const Conv2DParams& p, int threads, GemmIsa isa) {
  threads = simd::resolve_threads(threads);
  size_t most = 0;
  for (int t = 1; t <= threads; ++t) {  // the call may use fewer threads than asked for
    const ScratchLayout l = scratch_layout(p, t, isa);
    most = std::max(most, static_cast<size_t>(l.cols + l.gemm + kAlignFloats));
  }
  return most;
}

void conv2d_backprop_input_f32(const Conv2DParams& p, const float* out_backprop, const float* packed_filter,
                               float* in_backprop, const GemmRun& run) {
  const TransposeGemm g = transpose_gemm(p);
  const int64_t in_floats = p.batch * p.in_h * p.in_w * p.in_c;
  if (in_floats <= 0) return;
  const double flops = 2.0 * static_cast<double>(p.batch * p.out_h * p.out_w) * static_cast<double>(g.cols) *
                       static_cast<double>(p.out_c);
  const int threads = simd::threads_for_flops(flops, run.threads, run.force_threads);
  const GemmIsa isa = run.isa == GemmIsa::kAuto ? gemm_best_isa() : run.isa;
  const ScratchLayout l = scratch_layout(p, threads, isa);
  float* scratch = run.scratch != nullptr ? run.scratch
                                          : simd::own_scratch(static_cast<size_t>(l.cols + l.gemm + kAlignFloats));
  const size_t per_group = gemm_packed_b_floats(g.direct ? g.group_in : g.cols, g.group_out, isa);
  const GemmRun gemm_run{threads, run.force_threads, isa, align_up(scratch) + l.cols};

  if (g.direct) {
    // Every in_backprop pixel is exactly one out_backprop pixel times filter^T.
    for (int64_t grp = 0; grp < p.groups; ++grp)
      gemm_f32_packed(direct_shape(p, g), out_backprop + grp * g.group_out,
                      packed_filter + static_cast<size_t>(grp) * per_group, in_backprop + grp * g.group_in, {},
                      gemm_run);
    return;
  }

  std::memset(in_backprop, 0, static_cast<size_t>(in_floats) * sizeof(float));
  if (p.out_h <= 0 || p.out_w <= 0 || g.group_out <= 0) return;
  float* cols = align_up(scratch);
  const int64_t rows = band_rows(p, g);
  for (int64_t r0 = 0; r0 < g.rows; r0 += rows) {
    const int64_t r1 = std::min(g.rows, r0 + rows);
    // in_backprop rows the band reaches, per image it overlaps: from the
    // first row's first tap to the last row's last tap.
    const int64_t n0 = r0 / p.out_h, n1 = (r1 - 1) / p.out_h;
    for (int64_t grp = 0; grp < p.groups; ++grp) {
      gemm_f32_packed(band_shape(p, g, (r1 - r0) * p.out_w), out_backprop + r0 * p.out_w * p.out_c + grp * g.group_out,
                      packed_filter + static_cast<size_t>(grp) * per_group, cols, {}, gemm_run);
      for (int64_t n = n0; n <= n1; ++n) {
        const int64_t oy0 = std::max(r0, n * p.out_h) - n * p.out_h;
        const int64_t oy1 = std::min(r1, (n + 1) * p.out_h) - n * p.out_h;
        const int64_t iy0 = std::max<int64_t>(0, oy0 * p.stride_h - p.pad_top);
        const int64_t iy1 =
            std::min<int64_t>(p.in_h, (oy1 - 1) * p.stride_h - p.pad_top + (p.filter_h - 1) * p.dilation_h + 1);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && iy1 - iy0 > 1)
        for (int64_t iy = iy0; iy < iy1; ++iy) col2im_row(p, g, cols, r0, r1, n, iy, grp, in_backprop);
      }
    }
  }
}

}  // namespace frost::kernels
