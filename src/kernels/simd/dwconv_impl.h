// Depthwise 2-D convolution on NHWC, vectorised over channels, as templates
// over the xsimd architecture. Included only by the per-ISA translation units
// dwconv_f32_<isa>.cc (internal linkage, as gemm_impl.h).
//
// Layouts: input [N, in_h, in_w, C], filter [fh, fw, C, m], output
// [N, out_h, out_w, C·m] (TensorFlow's DepthwiseConv2dNative).
//
// Fast path (multiplier 1, no dilation, 3×3 or 5×5, stride 1 or 2): for one
// vector of channels the fh·fw filter vectors stay in registers and OXB
// adjacent output pixels are accumulated at once, so each input vector is
// loaded once per output block instead of once per tap; output columns whose
// window leaves the input on the left or right skip the missing taps. Other
// filter sizes, dilation and multipliers > 1 take the per-pixel path. The
// last C mod W channels: with C ≥ W one more full vector ending at channel C
// (it recomputes a few channels with the same values), with C < W one partial
// vector (masked loads and stores), so a layer of 8 channels on AVX-512 runs
// the vector code, not a scalar loop. Rows above/below the input read a
// shared zero row.
#pragma once

#include <omp.h>

#include <cstdint>
#include <xsimd/xsimd.hpp>

#include "kernels/activation.h"
#include "kernels/conv.h"
#include "kernels/gemm.h"
#include "kernels/simd/dwconv_kernel_table.h"
#include "kernels/simd/epilogue_impl.h"
#include "kernels/simd/masked_impl.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {
namespace {  // NOLINT: internal linkage on purpose

template <class ArchT, int kOXB>
struct DwTraits {
  using Arch = ArchT;
  using V = xsimd::batch<float, Arch>;
  static constexpr int W = static_cast<int>(V::size);
  static constexpr int OXB = kOXB;  // output pixels per register block
};

// Per-pixel path: any filter size, stride, dilation and multiplier, with
// bounds checks on every tap. out points at output pixel (n, oy, ox).
template <class T>
void dw_pixel(const Conv2DParams& p, const float* input, const float* filter, float* out, int64_t n, int64_t oy,
              int64_t ox) {
  using V = typename T::V;
  constexpr int W = T::W;
  const int64_t m = p.depth_multiplier, out_c = p.out_c;
  const float* in_n = input + n * p.in_h * p.in_w * p.in_c;
  int64_t c = 0;
  if (m == 1) {
    for (; c + W <= out_c; c += W) {
      V acc(0.0f);
      for (int64_t ky = 0; ky < p.filter_h; ++ky) {
        const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
        if (iy < 0 || iy >= p.in_h) continue;
        for (int64_t kx = 0; kx < p.filter_w; ++kx) {
          const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
          if (ix < 0 || ix >= p.in_w) continue;
          acc = xsimd::fma(V::load_unaligned(in_n + (iy * p.in_w + ix) * p.in_c + c),
                           V::load_unaligned(filter + (ky * p.filter_w + kx) * out_c + c), acc);
        }
      }
      acc.store_unaligned(out + c);
    }
  }
  for (; c < out_c; ++c) {
    const int64_t ic = c / m;
    float acc = 0.0f;
    for (int64_t ky = 0; ky < p.filter_h; ++ky) {
      const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
      if (iy < 0 || iy >= p.in_h) continue;
      for (int64_t kx = 0; kx < p.filter_w; ++kx) {
        const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
        if (ix < 0 || ix >= p.in_w) continue;
        acc += in_n[(iy * p.in_w + ix) * p.in_c + ic] * filter[(ky * p.filter_w + kx) * out_c + c];
      }
    }
    out[c] = acc;
  }
}

// Loads and stores of one channel vector: all W lanes, or (kPartial) the
// first `count` only.
template <class V, bool kPartial>
FROST_SIMD_INLINE V dw_load(const float* p, int64_t count) {
  if constexpr (kPartial) return load_first<V>(p, count);
  else return V::load_unaligned(p);
}
template <class V, bool kPartial>
FROST_SIMD_INLINE void dw_store(V x, float* p, int64_t count) {
  if constexpr (kPartial) store_first(x, p, count);
  else x.store_unaligned(p);
}

// The fused epilogue of one channel vector, applied to the accumulators in
// registers before the one store (the same operations in the same order as
// epilogue_vector): the per-channel operands loaded once per channel vector,
// the residual per pixel. Run-time flags, as the branches are predictable and
// cheap beside a pixel's FH·FW FMAs; the activation is a template argument.
template <class V>
struct DwEpilogue {
  V bias, scale, shift, alpha;
  const float* res = nullptr;  // residual at (first pixel of the row, this channel vector), or null
  int64_t ldr = 0;             // residual floats per pixel
  bool has_bias = false, has_scale = false, has_shift = false, res_after = false;
};

// The epilogue a row kernel is built for: the activation, and whether there
// is any epilogue at all (without one, dw_finish is nothing, and the layer
// runs the plain loop of before: a transcendental activation is applied by a
// separate pass, see dw_run).
template <Activation kAct, bool kAny>
struct DwEpi {
  static constexpr Activation act = kAct;
  static constexpr bool any = kAny;
};

template <class V, class Epi, bool kPartial>
FROST_SIMD_INLINE V dw_finish(V x, const DwEpilogue<V> e, int64_t ox, int64_t count) {
  if constexpr (!Epi::any) return x;
  constexpr Activation kAct = Epi::act;
  V r(0.0f);
  if (e.res != nullptr) r = dw_load<V, kPartial>(e.res + ox * e.ldr, count);
  if (e.has_bias) x += e.bias;
  if (e.res != nullptr && !e.res_after) x += r;
  x = activation_op<kAct>(x, e.alpha);
  if (e.has_scale) x *= e.scale;
  if (e.has_shift) x += e.shift;
  if (e.res != nullptr && e.res_after) x += r;
  return x;
}

// OB output pixels starting at input column ix0 (all taps inside the row),
// one vector of channels (kPartial: its first `count` lanes). rows[ky] points
// at input row oy·S − pad_top + ky (or the zero row), offset to this channel
// vector.
template <class T, int FH, int FW, int S, int OB, class Epi, bool kPartial>
FROST_SIMD_INLINE void dw_block(const float* const* rows, int64_t ix0, int64_t in_c,
                                const typename T::V (&f)[FH][FW], const DwEpilogue<typename T::V> e, int64_t ox,
                                float* out, int64_t out_c, int64_t count) {
  using V = typename T::V;
  constexpr int kCols = (OB - 1) * S + FW;  // input columns the block reads
  V acc[OB];
#pragma GCC unroll 16
  for (int o = 0; o < OB; ++o) acc[o] = V(0.0f);
#pragma GCC unroll 8
  for (int ky = 0; ky < FH; ++ky) {
    const float* r = rows[ky] + ix0 * in_c;
#pragma GCC unroll 32
    for (int col = 0; col < kCols; ++col) {
      const V x = dw_load<V, kPartial>(r + col * in_c, count);
#pragma GCC unroll 16
      for (int o = 0; o < OB; ++o) {
        const int kx = col - o * S;
        if (kx >= 0 && kx < FW) acc[o] = xsimd::fma(x, f[ky][kx], acc[o]);
      }
    }
  }
#pragma GCC unroll 16
  for (int o = 0; o < OB; ++o)
    dw_store<V, kPartial>(dw_finish<V, Epi, kPartial>(acc[o], e, ox + o, count), out + o * out_c, count);
}

// One output pixel whose window sticks out of the row on the left or right:
// only taps kx in [lo, hi) are inside. Same registers as dw_block.
template <class T, int FH, int FW, class Epi, bool kPartial>
FROST_SIMD_INLINE void dw_edge(const float* const* rows, int64_t ix0, int64_t lo, int64_t hi, int64_t in_c,
                               const typename T::V (&f)[FH][FW], const DwEpilogue<typename T::V> e, int64_t ox,
                               float* out, int64_t count) {
  using V = typename T::V;
  V acc(0.0f);
#pragma GCC unroll 8
  for (int ky = 0; ky < FH; ++ky) {
#pragma GCC unroll 8
    for (int kx = 0; kx < FW; ++kx) {
      if (kx >= lo && kx < hi)
        acc = xsimd::fma(dw_load<V, kPartial>(rows[ky] + (ix0 + kx) * in_c, count), f[ky][kx], acc);
    }
  }
  dw_store<V, kPartial>(dw_finish<V, Epi, kPartial>(acc, e, ox, count), out, count);
}

// Output columns per chunk: the chunk's input (FH rows × its columns × all
// channels) should stay in L1 (about half of a 32 KiB L1D) while every
// channel vector passes over it. A multiple of the register block.
constexpr int64_t kDwChunkBytes = 16 * 1024;

template <class T, int FH, int FW, int S>
int64_t dw_chunk(int64_t channels) {
  const int64_t per_col = FH * channels * static_cast<int64_t>(sizeof(float));
  int64_t chunk = (kDwChunkBytes / per_col - FW) / S;
  chunk = chunk / T::OXB * T::OXB;
  return chunk < T::OXB ? T::OXB : chunk;
}

// Output columns [col0, col1) of one output row (n, oy) of the fast path,
// with the epilogue applied in registers.
template <class T, int FH, int FW, int S, class Epi>
void dw_row_fast(const Conv2DParams& p, const float* input, const float* filter, float* out_row, int64_t n,
                 int64_t oy, const float* zero_row, int64_t col0, int64_t col1, const GemmEpilogue& ep) {
  using V = typename T::V;
  constexpr int W = T::W, OXB = T::OXB;
  const int64_t C = p.in_c;
  const float* rows[FH];
  for (int ky = 0; ky < FH; ++ky) {
    const int64_t iy = oy * S - p.pad_top + ky;
    rows[ky] = (iy >= 0 && iy < p.in_h) ? input + ((n * p.in_h + iy) * p.in_w) * C : zero_row;
  }
  // Output columns whose whole window is inside the row.
  int64_t ox_lo = (p.pad_left + S - 1) / S;
  int64_t ox_hi = p.in_w - FW + p.pad_left >= 0 ? (p.in_w - FW + p.pad_left) / S + 1 : 0;
  if (ox_lo > p.out_w) ox_lo = p.out_w;
  if (ox_hi > p.out_w) ox_hi = p.out_w;
  if (ox_hi < ox_lo) ox_hi = ox_lo;

  const int64_t chunk = dw_chunk<T, FH, FW, S>(C);
  // One channel vector [c, c + W) (kPartial: [c, c + count)) over output
  // columns [x0, x1).
  const float* res_row =
      ep.residual != nullptr ? ep.residual + (n * p.out_h + oy) * p.out_w * ep.ldr : nullptr;
  // Inlined (as the loop was before it became a lambda): a call through the
  // closure kept the loop's pointers in memory and cost EfficientNet's
  // depthwise layers ~20%.
  auto channel_vector = [&]<bool kPartial>(int64_t c, int64_t count, int64_t x0, int64_t x1)
                            __attribute__((always_inline)) {
    V f[FH][FW];
#pragma GCC unroll 8
    for (int ky = 0; ky < FH; ++ky)
#pragma GCC unroll 8
      for (int kx = 0; kx < FW; ++kx) f[ky][kx] = dw_load<V, kPartial>(filter + (ky * FW + kx) * C + c, count);
    DwEpilogue<V> e;
    if constexpr (Epi::any) {
      e.alpha = V(ep.alpha);
      e.has_bias = ep.bias != nullptr;
      e.has_scale = ep.post_scale != nullptr;
      e.has_shift = ep.post_shift != nullptr;
      e.bias = e.has_bias ? dw_load<V, kPartial>(ep.bias + c, count) : V(0.0f);
      e.scale = e.has_scale ? dw_load<V, kPartial>(ep.post_scale + c, count) : V(1.0f);
      e.shift = e.has_shift ? dw_load<V, kPartial>(ep.post_shift + c, count) : V(0.0f);
      e.res = res_row != nullptr ? res_row + c : nullptr;
      e.ldr = ep.ldr;
      e.res_after = ep.residual_after_activation;
    }
    const float* rc[FH];
    for (int ky = 0; ky < FH; ++ky) rc[ky] = rows[ky] + c;
    int64_t ox = x0;
    while (ox < x1) {
      const int64_t ix0 = ox * S - p.pad_left;
      const int64_t inner_end = ox_hi < x1 ? ox_hi : x1;  // interior columns of this chunk
      if (ox >= ox_lo && ox + OXB <= inner_end) {
        dw_block<T, FH, FW, S, OXB, Epi, kPartial>(rc, ix0, C, f, e, ox, out_row + ox * C + c, C, count);
        ox += OXB;
      } else if (OXB > 4 && ox >= ox_lo && ox + 4 <= inner_end) {
        // The interior's last columns in blocks of 4 and 2 rather than one
        // at a time: a lone pixel is one chain of FH·FW dependent FMAs. Each
        // pixel's taps are summed in the same order whatever its block.
        dw_block<T, FH, FW, S, 4, Epi, kPartial>(rc, ix0, C, f, e, ox, out_row + ox * C + c, C, count);
        ox += 4;
      } else if (OXB > 2 && ox >= ox_lo && ox + 2 <= inner_end) {
        dw_block<T, FH, FW, S, 2, Epi, kPartial>(rc, ix0, C, f, e, ox, out_row + ox * C + c, C, count);
        ox += 2;
      } else if (ox >= ox_lo && ox < ox_hi) {
        dw_block<T, FH, FW, S, 1, Epi, kPartial>(rc, ix0, C, f, e, ox, out_row + ox * C + c, C, count);
        ++ox;
      } else {
        const int64_t lo = ix0 < 0 ? -ix0 : 0;
        const int64_t hi = p.in_w - ix0 < FW ? p.in_w - ix0 : FW;
        dw_edge<T, FH, FW, Epi, kPartial>(rc, ix0, lo, hi, C, f, e, ox, out_row + ox * C + c, count);
        ++ox;
      }
    }
  };
  for (int64_t x0 = col0; x0 < col1; x0 += chunk) {
    const int64_t x1 = x0 + chunk < col1 ? x0 + chunk : col1;
    if (C < W) {
      channel_vector.template operator()<true>(0, C, x0, x1);
      continue;
    }
    int64_t c = 0;
    for (; c + W <= C; c += W) channel_vector.template operator()<false>(c, W, x0, x1);
    if (c < C) channel_vector.template operator()<false>(C - W, W, x0, x1);
  }
}

// Any geometry, pixel by pixel; the epilogue is a separate pass (dw_run).
template <class T>
void dw_row_generic(const Conv2DParams& p, const float* input, const float* filter, float* out_row, int64_t n,
                    int64_t oy, const float*, int64_t col0, int64_t col1, const GemmEpilogue&) {
  for (int64_t ox = col0; ox < col1; ++ox) dw_pixel<T>(p, input, filter, out_row + ox * p.out_c, n, oy, ox);
}

template <class T>
using DwRowFn = void (*)(const Conv2DParams&, const float*, const float*, float*, int64_t, int64_t, const float*,
                         int64_t, int64_t, const GemmEpilogue&);

// The fast row kernel for the layer with epilogue `ep` fused (nullptr: none
// at all), or null (no fast path, or a transcendental activation).
template <class T>
DwRowFn<T> choose_fast_row_kernel(const Conv2DParams& p, const GemmEpilogue* ep) {
  const bool plain = p.depth_multiplier == 1 && p.dilation_h == 1 && p.dilation_w == 1 && p.stride_h == p.stride_w &&
                     p.filter_h == p.filter_w && p.in_c == p.out_c;
  if (!plain) return nullptr;
  const int64_t f = p.filter_h, s = p.stride_h;
  auto pick = [&]<class Epi>() -> DwRowFn<T> {
    if (f == 3 && s == 1) return &dw_row_fast<T, 3, 3, 1, Epi>;
    if (f == 3 && s == 2) return &dw_row_fast<T, 3, 3, 2, Epi>;
    if (f == 5 && s == 1) return &dw_row_fast<T, 5, 5, 1, Epi>;
    if (f == 5 && s == 2) return &dw_row_fast<T, 5, 5, 2, Epi>;
    return nullptr;
  };
  if (ep == nullptr) return pick.template operator()<DwEpi<Activation::kNone, false>>();
  return with_activation(ep->activation, [&](auto tag) -> DwRowFn<T> {
    constexpr Activation kAct = decltype(tag)::value;
    if constexpr (is_transcendental(kAct)) return nullptr;  // dw_run does not fuse these
    else return pick.template operator()<DwEpi<kAct, true>>();
  });
}

template <class T>
size_t dw_scratch_floats(const Conv2DParams& p) {
  return static_cast<size_t>(p.in_w * p.in_c + 1);  // the zero row
}

// The threads share the output as pieces of rows: whole rows when there are
// enough of them, otherwise each row cut into `parts` column ranges (a 7×7
// output on 2 threads: 14 half-rows, not 4 rows against 3). Up to twice the
// wanted chunk count, a chunk is one piece, so that equal threads end
// together. Each pixel is computed the same way whatever the cut.
struct DwPieces {
  int64_t parts, items, chunks;
};
inline DwPieces dw_pieces(int64_t rows, int64_t out_w, int threads) {
  const int64_t want = chunk_count(rows * out_w, threads);
  DwPieces d;
  d.parts = rows >= want ? 1 : (want + rows - 1) / rows;
  if (d.parts > out_w) d.parts = out_w;
  d.items = rows * d.parts;
  d.chunks = threads <= 1 ? 1 : d.items <= 2 * want ? d.items : want;
  return d;
}

template <class T>
void dw_run(const Conv2DParams& p, const float* input, const float* filter, float* output, const GemmEpilogue& ep,
            int threads, float* scratch) {
  const int64_t rows = p.batch * p.out_h;
  if (rows <= 0 || p.out_w <= 0 || p.out_c <= 0) return;
  for (int64_t i = 0; i < p.in_w * p.in_c; ++i) scratch[i] = 0.0f;
  // A transcendental activation (sigmoid, tanh, swish...) keeps its separate
  // pass: its constants beside the FH·FW filter vectors and OXB accumulators
  // would not fit the registers (EfficientNet's swish depthwise layers took
  // 8 -> 10 µs and 5 -> 9 µs fused).
  const bool fuse = !is_transcendental(ep.activation) && epilogue_active(ep);
  const DwRowFn<T> fast = choose_fast_row_kernel<T>(p, fuse ? &ep : nullptr);
  const DwRowFn<T> row_fn = fast != nullptr ? fast : &dw_row_generic<T>;
  const bool post_epilogue = fast == nullptr || !fuse;
  const GemmEpilogue none{};
  const GemmEpilogue& row_ep = post_epilogue ? none : ep;
  const DwPieces pieces = dw_pieces(rows, p.out_w, threads);
  parallel_for(threads, pieces.chunks, [&](int64_t chunk, int) {
    const ChunkRange range = chunk_range(pieces.items, pieces.chunks, chunk);
    for (int64_t i = range.begin; i < range.end; ++i) {
      const int64_t r = i / pieces.parts, part = i % pieces.parts;
      const ChunkRange cols = chunk_range(p.out_w, pieces.parts, part);
      const int64_t n = r / p.out_h, oy = r % p.out_h;
      row_fn(p, input, filter, output + r * p.out_w * p.out_c, n, oy, scratch, cols.begin, cols.end, row_ep);
      // The separate epilogue while the piece is in cache: C here is
      // (pixels × channels).
      if (post_epilogue)
        apply_epilogue<T>(output, p.out_c, r * p.out_w + cols.begin, 0, cols.end - cols.begin, p.out_c, ep);
    }
  });
}

template <class T>
const DwConvKernelTable& make_dw_table(const char* name) {
  static const DwConvKernelTable table{name, &dw_scratch_floats<T>, &dw_run<T>};
  return table;
}

}  // namespace
}  // namespace frost::kernels::simd
