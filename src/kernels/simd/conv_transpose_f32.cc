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
// reads what the GEMM just wrote from L2.
//
// Threads: each chunk is a range of in_backprop rows (one a thread, taken in
// turn: kernels/simd/thread_policy.h); its thread computes the columns of
// every out_backprop row whose taps reach them, then adds only into the
// chunk's rows. No two chunks write the same row and there is one parallel
// region per call (no barrier per band); the price is that the out_backprop
// rows reaching across a boundary between two chunks (about
// filter_h·dilation/stride of them) are multiplied by both.

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
  int64_t band;       // out_backprop rows per band (one at least)
  bool direct;        // 1×1, stride 1, no padding: a plain GEMM into in_backprop
};

TransposeGemm transpose_gemm(const Conv2DParams& p) {
  TransposeGemm g;
  g.group_in = p.in_c / p.groups;
  g.group_out = p.out_c / p.groups;
  g.cols = p.filter_h * p.filter_w * g.group_in;
  g.band = std::clamp<int64_t>(kBandFloats / std::max<int64_t>(1, p.out_w * g.cols), 1, std::max<int64_t>(p.out_h, 1));
  g.direct = p.filter_h == 1 && p.filter_w == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 &&
             p.pad_left == 0 && p.out_h == p.in_h && p.out_w == p.in_w;
  return g;
}

// The band's GEMM: A = out_backprop pixels × group_out channels (lda out_c),
// B = the filter read transposed (group_out × cols), C = the column band.
GemmShape band_shape(const Conv2DParams& p, const TransposeGemm& g, int64_t pixels) {
  return GemmShape{pixels, g.cols, g.group_out, false, true, p.out_c, p.out_c, g.cols};
}

GemmShape direct_shape(const Conv2DParams& p, const TransposeGemm& g) {
  return GemmShape{p.batch * p.out_h * p.out_w, g.group_in, g.group_out, false, true, p.out_c, p.out_c, p.in_c};
}

// Floats of scratch one call needs: the direct path's threaded GEMM, or per
// thread a column band and a one-thread GEMM's working memory.
int64_t per_thread_floats(const Conv2DParams& p, const TransposeGemm& g, GemmIsa isa) {
  const GemmShape s = band_shape(p, g, g.band * p.out_w);
  return g.band * p.out_w * g.cols + 2 * kAlignFloats + static_cast<int64_t>(gemm_scratch_floats(s, true, 1, isa));
}

int64_t scratch_floats(const Conv2DParams& p, int threads, GemmIsa isa) {
  const TransposeGemm g = transpose_gemm(p);
  if (g.direct) return static_cast<int64_t>(gemm_scratch_floats(direct_shape(p, g), true, threads, isa));
  return threads * per_thread_floats(p, g, isa);
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

// Computes in_backprop rows [row0, row1) of the whole batch (global rows
// n·in_h + iy), one thread: zero them, then for each band of the out_backprop
// rows that reach them, the band's GEMM and the col2im into these rows only.
void transpose_rows(const Conv2DParams& p, const TransposeGemm& g, const float* out_backprop,
                    const float* packed_filter, size_t per_group, float* in_backprop, int64_t row0, int64_t row1,
                    float* scratch, GemmIsa isa) {
  float* cols = align_up(scratch);
  const GemmRun one{1, false, isa, align_up(cols + g.band * p.out_w * g.cols)};
  for (int64_t r = row0; r < row1;) {
    const int64_t n = r / p.in_h, iy0 = r % p.in_h, iy1 = std::min(p.in_h, iy0 + (row1 - r));
    r += iy1 - iy0;
    std::memset(in_backprop + (n * p.in_h + iy0) * p.in_w * p.in_c, 0,
                static_cast<size_t>((iy1 - iy0) * p.in_w * p.in_c) * sizeof(float));
    // iy = oy·stride_h − pad_top + ky·dilation_h for some ky in [0, filter_h).
    const int64_t lowest = iy0 + p.pad_top - (p.filter_h - 1) * p.dilation_h;
    const int64_t highest = iy1 - 1 + p.pad_top;
    if (highest < 0) continue;
    const int64_t oy_begin = lowest <= 0 ? 0 : div_up(lowest, p.stride_h);
    const int64_t oy_end = std::min(p.out_h, highest / p.stride_h + 1);
    for (int64_t oy0 = oy_begin; oy0 < oy_end; oy0 += g.band) {
      const int64_t oy1 = std::min(oy_end, oy0 + g.band);
      const int64_t r0 = n * p.out_h + oy0, r1 = n * p.out_h + oy1;  // global out_backprop rows
      // Rows of ours the band reaches: its first row's first tap to its last row's last tap.
      const int64_t first = std::max(iy0, oy0 * p.stride_h - p.pad_top);
      const int64_t last =
          std::min(iy1, (oy1 - 1) * p.stride_h - p.pad_top + (p.filter_h - 1) * p.dilation_h + 1);
      const float* a = out_backprop + r0 * p.out_w * p.out_c;
      for (int64_t grp = 0; grp < p.groups; ++grp) {
        gemm_f32_packed(band_shape(p, g, (oy1 - oy0) * p.out_w), a + grp * g.group_out,
                        packed_filter + static_cast<size_t>(grp) * per_group, cols, {}, one);
        for (int64_t iy = first; iy < last; ++iy) col2im_row(p, g, cols, r0, r1, n, iy, grp, in_backprop);
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
  int64_t most = 0;
  for (int t = 1; t <= threads; ++t) most = std::max(most, scratch_floats(p, t, isa));  // a call may use fewer
  return static_cast<size_t>(most + kAlignFloats);
}

void conv2d_backprop_input_f32(const Conv2DParams& p, const float* out_backprop, const float* packed_filter,
                               float* in_backprop, const GemmRun& run) {
  const TransposeGemm g = transpose_gemm(p);
  const int64_t in_rows = p.batch * p.in_h;
  if (in_rows <= 0 || p.in_w <= 0 || p.in_c <= 0) return;
  const double flops = 2.0 * static_cast<double>(p.batch * p.out_h * p.out_w) * static_cast<double>(g.cols) *
                       static_cast<double>(p.out_c);
  const int threads =
      static_cast<int>(std::min<int64_t>(simd::threads_for_flops(flops, run.threads, run.force_threads), in_rows));
  const GemmIsa isa = run.isa == GemmIsa::kAuto ? gemm_best_isa() : run.isa;
  float* scratch = run.scratch != nullptr
                       ? run.scratch
                       : simd::own_scratch(static_cast<size_t>(scratch_floats(p, threads, isa) + kAlignFloats));
  const size_t per_group = gemm_packed_b_floats(g.direct ? g.group_in : g.cols, g.group_out, isa);

  if (g.direct) {
    // Every in_backprop pixel is exactly one out_backprop pixel times filter^T.
    const GemmRun r{threads, run.force_threads, isa, scratch};
    for (int64_t grp = 0; grp < p.groups; ++grp)
      gemm_f32_packed(direct_shape(p, g), out_backprop + grp * g.group_out,
                      packed_filter + static_cast<size_t>(grp) * per_group, in_backprop + grp * g.group_in, {}, r);
    return;
  }
  if (threads == 1) {
    transpose_rows(p, g, out_backprop, packed_filter, per_group, in_backprop, 0, in_rows, scratch, isa);
    return;
  }
  const int64_t per_thread = per_thread_floats(p, g, isa);
  // One chunk a thread (a boundary between chunks costs the rows computed
  // twice), taken in turn (parallel_for): a worker that has not started when
  // the caller is done with its own is not waited for, the caller takes its
  // chunk too (a fixed share waited a scheduler's time slice when another
  // program held the worker's core).
  simd::parallel_for(threads, threads, [&](int64_t c, int tid) {
    transpose_rows(p, g, out_backprop, packed_filter, per_group, in_backprop, in_rows * c / threads,
                   in_rows * (c + 1) / threads, scratch + tid * per_thread, isa);
  });
}

}  // namespace frost::kernels
