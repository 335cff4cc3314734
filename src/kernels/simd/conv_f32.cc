// Convolutions of the CPU backend (see kernels/conv_simd.h): conv2d as GEMM
// on NHWC (direct for 1×1, tiled im2col otherwise) and the front end of the
// vectorised depthwise kernels. ISA-neutral: the GEMM and the depthwise
// kernels dispatch on the CPU themselves.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "kernels/conv_simd.h"
#include "kernels/simd/conv_util.h"
#include "kernels/simd/dwconv_kernel_table.h"
#include "kernels/simd/small_layer_chain.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels {
namespace {

using simd::align_up;
using simd::div_up;
using simd::kAlignFloats;
using simd::own_scratch;
using simd::resolve_threads;
using simd::round_up;
using simd::threads_for_flops;

// An im2col tile holds about this many floats (1 MiB); the GEMM's own cache
// blocking takes it from there.
constexpr int64_t kIm2colTileFloats = int64_t{1} << 18;
// Tile heights are multiples of every micro-kernel's MR (6 and 12).
constexpr int64_t kTileRowQuantum = 12;
constexpr int64_t kMaxTileRows = 1536;

// Depthwise layers split at a tenth of the least work a thread gets
// elsewhere (25 kFLOP, about a microsecond). At 2 threads the layer before
// ran on both cores, so a small depthwise layer left on one thread reads the
// half of its input that the other core wrote, from that core's cache:
// teachable_handwriting's 7x7x336 layers took 7 us on 1 thread and 17-28 us
// single-threaded in a 2-thread run; split, each thread mostly reads what
// it wrote (0.028 -> 0.017 ms; the model's 2-thread p50 1.57-1.61 -> 1.48-1.53
// ms, chrt -f 10, AVX-512, load ~9).
constexpr simd::WorkRate kDepthwiseFlops{simd::kFlops.units_per_second, 2.5e4};

// The general rule's count, then the small-layer chains' (small_layer_chain.h).
int threads_for(const Conv2DParams& p, int64_t taps_per_output, const GemmRun& run, const GemmEpilogue& ep,
                simd::WorkRate rate = simd::kFlops) {
  const double flops = 2.0 * static_cast<double>(p.batch * p.out_h * p.out_w * p.out_c) *
                       static_cast<double>(taps_per_output);
  return simd::conv_layer_threads(p, flops, ep.activation, run.threads, run.force_threads, rate);
}

struct ConvGemm {
  int64_t pixels;    // M: output pixels of the whole batch
  int64_t group_in;  // input channels per group
  int64_t group_n;   // N: output channels per group
  int64_t k;         // K: fh·fw·group_in
  bool direct;       // 1×1, stride 1, no padding: A is the input itself
};

ConvGemm conv_gemm(const Conv2DParams& p) {
  ConvGemm g;
  g.pixels = p.batch * p.out_h * p.out_w;
  g.group_in = p.in_c / p.groups;
  g.group_n = p.out_c / p.groups;
  g.k = p.filter_h * p.filter_w * g.group_in;
  g.direct = p.filter_h == 1 && p.filter_w == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 &&
             p.pad_left == 0 && p.out_h == p.in_h && p.out_w == p.in_w;
  return g;
}

// How the im2col path splits the output pixels: `count` tiles of whole
// kTileRowQuantum-row units, the last tile also taking the pixels left over
// (fewer than a unit), so that no tile is shorter than a micro-kernel's MR
// unless all of M is: a GEMM that short takes the small-M path, which sums
// in another order, and the result would depend on the tiling. With several
// threads, at least kChunksPerThread tiles a thread, which the threads take
// in turn (parallel_for), unless there are too few pixels, in which case the
// tiles run one after another and the GEMM inside uses the threads. Every
// output element is then computed the same way whatever the thread count.
struct TilePlan {
  int64_t rows = 0;  // rows of the largest tile (the im2col buffer's height)
  int64_t count = 0, units = 0, pixels = 0;
  bool parallel_tiles = false;
};

TilePlan plan_tiles(const ConvGemm& g, int threads) {
  TilePlan t;
  const int64_t max_rows = std::max<int64_t>(
      kTileRowQuantum, std::min<int64_t>(kMaxTileRows, kIm2colTileFloats / std::max<int64_t>(g.k, 1)) /
                           kTileRowQuantum * kTileRowQuantum);
  t.pixels = g.pixels;
  t.units = std::max<int64_t>(1, g.pixels / kTileRowQuantum);
  int64_t count = div_up(g.pixels, max_rows);
  if (threads > 1 && g.pixels >= simd::kChunksPerThread * threads * kTileRowQuantum) {
    count = std::max<int64_t>(count, simd::kChunksPerThread * threads);
    t.parallel_tiles = true;
  }
  t.count = std::min(count, t.units);
  t.rows = div_up(t.units, t.count) * kTileRowQuantum + (g.pixels - t.units * kTileRowQuantum);
  return t;
}

// Pixels [m0, m1) of tile `tile`.
struct TileRows {
  int64_t m0, m1;
};
TileRows tile_rows(const TilePlan& t, int64_t tile) {
  const int64_t m0 = t.units * tile / t.count * kTileRowQuantum;
  const int64_t m1 = tile + 1 == t.count ? t.pixels : t.units * (tile + 1) / t.count * kTileRowQuantum;
  return {m0, m1};
}

GemmShape tile_shape(const ConvGemm& g, const Conv2DParams& p, int64_t rows) {
  return GemmShape{rows, g.group_n, g.k, false, false, g.k, p.out_c, p.out_c};
}

// Per-thread im2col buffer and GEMM scratch, then one shared GEMM scratch
// for tiles run one after another with a threaded GEMM.
struct ScratchLayout {
  int64_t per_thread = 0, im2col = 0, shared = 0;
};

ScratchLayout scratch_layout(const Conv2DParams& p, int threads, GemmIsa isa) {
  const ConvGemm g = conv_gemm(p);
  ScratchLayout l;
  if (g.direct) {
    const GemmShape s{g.pixels, g.group_n, g.k, false, false, p.in_c, p.out_c, p.out_c};
    l.shared = static_cast<int64_t>(gemm_scratch_floats(s, true, threads, isa));
    return l;
  }
  const TilePlan t = plan_tiles(g, threads);
  const GemmShape s = tile_shape(g, p, t.rows);
  l.im2col = round_up(t.rows * g.k, kAlignFloats) + kAlignFloats;
  l.per_thread = l.im2col + static_cast<int64_t>(gemm_scratch_floats(s, true, 1, isa)) + kAlignFloats;
  l.shared = t.parallel_tiles ? 0 : static_cast<int64_t>(gemm_scratch_floats(s, true, threads, isa));
  return l;
}

// Runs of im2col are often short (a few channels × a few taps): copy 4..16
// floats as two overlapping fixed-size moves, which the compiler inlines,
// instead of a call into libc per run.
inline __attribute__((always_inline)) void copy_floats(float* dst, const float* src, int64_t count) {
  if (count >= 8 && count <= 16) {
    float head[8], tail[8];
    std::memcpy(head, src, sizeof head);
    std::memcpy(tail, src + count - 8, sizeof tail);
    std::memcpy(dst, head, sizeof head);
    std::memcpy(dst + count - 8, tail, sizeof tail);
  } else if (count >= 4 && count < 8) {
    float head[4], tail[4];
    std::memcpy(head, src, sizeof head);
    std::memcpy(tail, src + count - 4, sizeof tail);
    std::memcpy(dst, head, sizeof head);
    std::memcpy(dst + count - 4, tail, sizeof tail);
  } else if (count < 4) {
    for (int64_t i = 0; i < count; ++i) dst[i] = src[i];
  } else {
    std::memcpy(dst, src, static_cast<size_t>(count) * sizeof(float));
  }
}

void zero_floats(float* dst, int64_t count) { std::memset(dst, 0, static_cast<size_t>(count) * sizeof(float)); }

// Rows [m0, m1) of the im2col matrix of group `grp` (row = output pixel,
// columns = taps ky, kx then channels of the group, the HWIO filter's order).
// Walks the pixels one output row at a time so that the input rows of the
// taps are looked up once per output row, not per pixel.
void im2col_rows(const Conv2DParams& p, const ConvGemm& g, const float* input, int64_t grp, int64_t m0, int64_t m1,
                 float* dst) {
  const int64_t per_image = p.out_h * p.out_w;
  const int64_t cin = g.group_in;
  // With one group and no horizontal dilation the taps of one filter row are
  // one contiguous run of the input row.
  const bool runs = p.groups == 1 && p.dilation_w == 1;
  const int64_t run = p.filter_w * cin;
  constexpr int64_t kMaxTapRows = 16;
  const float* tap_rows[kMaxTapRows];  // input row of each ky, or null (padding)
  const bool row_table = p.filter_h <= kMaxTapRows;
  for (int64_t m = m0; m < m1;) {
    const int64_t n = m / per_image, oy = (m % per_image) / p.out_w, ox0 = m % p.out_w;
    const int64_t count = std::min(m1 - m, p.out_w - ox0);  // pixels left in this output row
    const float* in_n = input + n * p.in_h * p.in_w * p.in_c + grp * cin;
    if (row_table) {
      for (int64_t ky = 0; ky < p.filter_h; ++ky) {
        const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
        tap_rows[ky] = (iy < 0 || iy >= p.in_h) ? nullptr : in_n + iy * p.in_w * p.in_c;
      }
    }
    for (int64_t ox = ox0; ox < ox0 + count; ++ox, dst += g.k) {
      const int64_t ix0 = ox * p.stride_w - p.pad_left;
      if (row_table && runs && ix0 >= 0 && ix0 + p.filter_w <= p.in_w) {
        // The whole filter row is inside the input row: one copy per ky.
        for (int64_t ky = 0; ky < p.filter_h; ++ky) {
          if (tap_rows[ky] == nullptr) {
            zero_floats(dst + ky * run, run);
          } else {
            copy_floats(dst + ky * run, tap_rows[ky] + ix0 * p.in_c, run);
          }
        }
        continue;
      }
      for (int64_t ky = 0; ky < p.filter_h; ++ky) {
        float* row_dst = dst + ky * run;
        const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
        if (iy < 0 || iy >= p.in_h) {
          zero_floats(row_dst, run);
          continue;
        }
        const float* in_row = in_n + iy * p.in_w * p.in_c;
        for (int64_t kx = 0; kx < p.filter_w; ++kx) {
          const int64_t ix = ix0 + kx * p.dilation_w;
          if (ix < 0 || ix >= p.in_w) {
            zero_floats(row_dst + kx * cin, cin);
          } else {
            copy_floats(row_dst + kx * cin, in_row + ix * p.in_c, cin);
          }
        }
      }
    }
    m += count;
  }
}

// The epilogue of group `grp` for output rows starting at pixel m0.
GemmEpilogue group_epilogue(const GemmEpilogue& ep, const ConvGemm& g, int64_t grp, int64_t m0) {
  GemmEpilogue e = ep;
  if (e.bias != nullptr) e.bias += grp * g.group_n;
  if (e.post_scale != nullptr) e.post_scale += grp * g.group_n;
  if (e.post_shift != nullptr) e.post_shift += grp * g.group_n;
  if (e.residual != nullptr) e.residual += m0 * e.ldr + grp * g.group_n;
  return e;
}

const simd::DwConvKernelTable& dw_table(GemmIsa isa) {
  if (isa == GemmIsa::kAuto) isa = gemm_best_isa();
  switch (isa) {
    case GemmIsa::kAvx512: return simd::dwconv_table_avx512();
    case GemmIsa::kAvx2: return simd::dwconv_table_avx2();
    default: return simd::dwconv_table_sse2();
  }
}

}  // namespace

size_t conv2d_packed_filter_floats(const Conv2DParams& p, GemmIsa isa) {
  const ConvGemm g = conv_gemm(p);
  return static_cast<size_t>(p.groups) * gemm_packed_b_floats(g.group_n, g.k, isa);
}

void conv2d_pack_filter(const Conv2DParams& p, const float* filter, float* packed_filter, GemmIsa isa) {
  const ConvGemm g = conv_gemm(p);
  // The HWIO filter is a K × out_c row-major matrix; group grp owns columns
  // [grp·group_n, (grp+1)·group_n).
  const size_t per_group = gemm_packed_b_floats(g.group_n, g.k, isa);
  for (int64_t grp = 0; grp < p.groups; ++grp) {
    const GemmShape s{0, g.group_n, g.k, false, false, 0, p.out_c, 0};
    gemm_pack_b(s, filter + grp * g.group_n, packed_filter + static_cast<size_t>(grp) * per_group, isa);
  }
}

size_t conv2d_scratch_floats(const Conv2DParams& p, int threads, GemmIsa isa) {
  // The call may use fewer threads than asked for (small problems), with
  // another tile plan: cover every count up to `threads`.
  threads = resolve_threads(threads);
  size_t most = 0;
  for (int t = 1; t <= threads; ++t) {
    const ScratchLayout l = scratch_layout(p, t, isa);
    most = std::max(most, static_cast<size_t>(t * l.per_thread + l.shared + kAlignFloats));
  }
  return most;
}

void conv2d_f32(const Conv2DParams& p, const float* input, const float* packed_filter, float* output,
                const GemmEpilogue& ep, const GemmRun& run) {
  const ConvGemm g = conv_gemm(p);
  if (g.pixels <= 0 || g.group_n <= 0) return;
  const int threads = threads_for(p, g.k, run, ep);
  const GemmIsa isa = run.isa == GemmIsa::kAuto ? gemm_best_isa() : run.isa;
  const ScratchLayout l = scratch_layout(p, threads, isa);
  float* scratch = run.scratch != nullptr
                       ? run.scratch
                       : own_scratch(static_cast<size_t>(threads * l.per_thread + l.shared + kAlignFloats));
  const size_t per_group = gemm_packed_b_floats(g.group_n, g.k, isa);

  if (g.direct) {
    // The NHWC input is the (pixels × in_c) A matrix; group grp reads its
    // channel slice with the full row stride.
    GemmRun r{threads, run.force_threads, isa, scratch};
    for (int64_t grp = 0; grp < p.groups; ++grp) {
      const GemmShape s{g.pixels, g.group_n, g.k, false, false, p.in_c, p.out_c, p.out_c};
      gemm_f32_packed(s, input + grp * g.group_in, packed_filter + static_cast<size_t>(grp) * per_group,
                      output + grp * g.group_n, group_epilogue(ep, g, grp, 0), r);
    }
    return;
  }

  const TilePlan t = plan_tiles(g, threads);
  auto do_tile = [&](int64_t tile, float* thread_scratch, int gemm_threads, float* gemm_scratch) {
    const auto [m0, m1] = tile_rows(t, tile);
    float* cols = align_up(thread_scratch);
    GemmRun r{gemm_threads, run.force_threads, isa, gemm_scratch};
    for (int64_t grp = 0; grp < p.groups; ++grp) {
      im2col_rows(p, g, input, grp, m0, m1, cols);
      gemm_f32_packed(tile_shape(g, p, m1 - m0), cols, packed_filter + static_cast<size_t>(grp) * per_group,
                      output + m0 * p.out_c + grp * g.group_n, group_epilogue(ep, g, grp, m0), r);
    }
  };
  if (t.parallel_tiles) {
    simd::parallel_for(threads, t.count, [&](int64_t tile, int tid) {
      float* mine = scratch + tid * l.per_thread;
      do_tile(tile, mine, 1, align_up(mine + l.im2col));
    });
  } else {
    float* shared = align_up(scratch + l.per_thread);
    for (int64_t tile = 0; tile < t.count; ++tile) do_tile(tile, scratch, threads, shared);
  }
}

size_t depthwise_conv2d_scratch_floats(const Conv2DParams& p, GemmIsa isa) { return dw_table(isa).scratch_floats(p); }

void depthwise_conv2d_f32(const Conv2DParams& p, const float* input, const float* filter, float* output,
                          const GemmEpilogue& ep, const GemmRun& run) {
  const simd::DwConvKernelTable& t = dw_table(run.isa);
  float* scratch = run.scratch != nullptr ? run.scratch : own_scratch(t.scratch_floats(p));
  t.run(p, input, filter, output, ep, threads_for(p, p.filter_h * p.filter_w, run, ep, kDepthwiseFlops), scratch);
}

const char* depthwise_conv2d_kernel_name(GemmIsa isa) { return dw_table(isa).name; }

}  // namespace frost::kernels
