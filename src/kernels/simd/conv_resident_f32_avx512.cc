// conv_resident_f32_avx512 (conv_resident.h): a panel of K × NV filter
// vectors held in registers while the pixels stream past. Per pixel: the
// accumulators start at the bias, K broadcasts of its input values each
// feed NV FMAs, and the sums go through the clamp of a ReLU / ReLU6 and a
// per-channel scale and shift after it (a BatchNormalization placed after
// the activation) straight to the output. Any other epilogue runs on a
// unit of pixels (an output row) after its sums are stored, while they are
// in L1.
// Built with -mavx512f; called only after a CPU + OS check.
#include <immintrin.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#include "kernels/simd/conv_direct_kernel_table.h"
#include "kernels/simd/conv_resident.h"
#include "kernels/simd/epilogue_impl.h"
#include "kernels/simd/panel_epilogue_avx512.h"
#include "kernels/simd/thread_policy.h"

namespace frost::kernels::simd {
namespace {

constexpr int kLanes = 16;
constexpr int kMaxNv = 4;
constexpr int64_t kMaxK = kResidentMaxFilterVectors;
// Pointwise layers run with their K values side by side (kContiguous) up
// to this many input channels (the counts measured).
constexpr int64_t kMaxContiguousK = 8;
// Pixels per unit of work: the threads share units, and an epilogue that
// is not a clamp runs on a unit's output (at most 16 KiB) while it is in L1.
constexpr int64_t kUnitPixels = 64;

// Output pixels [0, rows) of one panel: cols (≤ NV·16) channels at c (row
// stride ldc). Pixel r's tap k is at x[r·step + k] (kContiguous) or
// x[r·step + off[k]]. col: the panel's PanelColumns (used only in line).
// kInLine: e.in_line, kPost: e.post (template arguments, so that the pixel
// loop tests nothing per vector).
template <int K, int NV, bool kInLine, bool kContiguous, bool kPost = false>
void resident_rows(const float* x, int64_t step, const int64_t* off, int64_t rows, const float* panel,
                   const PanelColumns* col, int64_t cols, float* c, int64_t ldc, const PanelEpilogue& e) {
  __m512 w[K][NV];
#pragma GCC unroll 24
  for (int k = 0; k < K; ++k) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) w[k][v] = _mm512_loadu_ps(panel + (k * NV + v) * kLanes);
  }
  __mmask16 mask[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) mask[v] = panel_vector_mask(cols, v);
  int64_t at[K];
#pragma GCC unroll 24
  for (int k = 0; k < K; ++k) at[k] = kContiguous ? k : off[k];
  const bool whole = cols == NV * kLanes, accumulate = e.accumulate;
  const __m512 lo = _mm512_set1_ps(e.lo), hi = _mm512_set1_ps(e.hi);
  const float* bias = col->bias;
  for (int64_t r = 0; r < rows; ++r, x += step, c += ldc) {
    __m512 acc[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[v] = kInLine ? _mm512_load_ps(bias + v * kLanes) : _mm512_setzero_ps();
#pragma GCC unroll 24
    for (int k = 0; k < K; ++k) {
      const __m512 a = _mm512_set1_ps(x[at[k]]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[v] = _mm512_fmadd_ps(a, w[k][v], acc[v]);
    }
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) store_panel_vector(acc[v], c, v, mask[v], whole, kInLine, kPost, accumulate, lo, hi, col);
  }
}

using ResidentRows = void (*)(const float*, int64_t, const int64_t*, int64_t, const float*, const PanelColumns*, int64_t,
                              float*, int64_t, const PanelEpilogue&);

template <int K, int NV>
void resident_rows_for(const float* x, int64_t step, const int64_t* off, int64_t rows, const float* panel,
                       const PanelColumns* col, int64_t cols, float* c, int64_t ldc, const PanelEpilogue& e) {
  if constexpr (K <= kMaxContiguousK) {
    if (off == nullptr) {
      if (e.in_line && e.post) return resident_rows<K, NV, true, true, true>(x, step, off, rows, panel, col, cols, c, ldc, e);
      if (e.in_line) return resident_rows<K, NV, true, true>(x, step, off, rows, panel, col, cols, c, ldc, e);
      return resident_rows<K, NV, false, true>(x, step, off, rows, panel, col, cols, c, ldc, e);
    }
  }
  if (e.in_line && e.post) return resident_rows<K, NV, true, false, true>(x, step, off, rows, panel, col, cols, c, ldc, e);
  if (e.in_line) return resident_rows<K, NV, true, false>(x, step, off, rows, panel, col, cols, c, ldc, e);
  resident_rows<K, NV, false, false>(x, step, off, rows, panel, col, cols, c, ldc, e);
}

// resident_rows_for<K, NV> for nr = 16·NV; null where the panel does not
// fit the registers.
ResidentRows resident_rows_for(int64_t k, int64_t nr) {
  static constexpr auto table = []<size_t... I>(std::index_sequence<I...>) {
    return std::array<ResidentRows, sizeof...(I)>{
        (resident_panel_fits(static_cast<int64_t>(I % kMaxK) + 1, static_cast<int64_t>(I / kMaxK + 1) * kLanes)
             ? &resident_rows_for<static_cast<int>(I % kMaxK) + 1, static_cast<int>(I / kMaxK) + 1>
             : nullptr)...};
  }(std::make_index_sequence<kMaxK * kMaxNv>{});
  if (!resident_panel_fits(k, nr)) return nullptr;
  return table[static_cast<size_t>((nr / kLanes - 1) * kMaxK + k - 1)];
}


// Copies the fh input rows output row `row` (image-major) reads into strip
// (filter row ky at strip + ky·width·in_c), zeros where they lie outside
// the input.
void fill_strip(const Conv2DParams& p, const float* input, int64_t row, float* strip) {
  const int64_t n = row / p.out_h, oy = row % p.out_h, c = p.in_c, width = panel_strip_width(p);
  const float* image = input + n * p.in_h * p.in_w * c;
  const int64_t ix0 = -p.pad_left;
  // Strip columns [x0, x1) lie inside the input.
  const int64_t x0 = ix0 < 0 ? (-ix0 < width ? -ix0 : width) : 0;
  const int64_t x1 = p.in_w - ix0 < width ? p.in_w - ix0 : width;
  for (int64_t ky = 0; ky < p.filter_h; ++ky) {
    float* dst = strip + ky * width * c;
    const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
    if (iy < 0 || iy >= p.in_h || x1 <= x0) {
      std::memset(dst, 0, static_cast<size_t>(width * c) * sizeof(float));
      continue;
    }
    std::memset(dst, 0, static_cast<size_t>(x0 * c) * sizeof(float));
    std::memcpy(dst + x0 * c, image + (iy * p.in_w + ix0 + x0) * c, static_cast<size_t>((x1 - x0) * c) * sizeof(float));
    std::memset(dst + x1 * c, 0, static_cast<size_t>((width - x1) * c) * sizeof(float));
  }
}

void pointwise_run(const Conv2DParams& p, ResidentRows run_rows, const float* input, const float* filter, int64_t nr,
                   float* output, const GemmEpilogue& ep, int threads) {
  const PanelEpilogue e = panel_epilogue(ep);
  const int64_t pixels = p.batch * p.out_h * p.out_w, in_c = p.in_c, out_c = p.out_c;
  const int64_t panels = (out_c + nr - 1) / nr;
  const int64_t units = (pixels + kUnitPixels - 1) / kUnitPixels;
  const int64_t chunks = chunk_count(units, threads);
  parallel_for(threads, chunks, [&](int64_t chunk, int) {
    const ChunkRange r = chunk_range(units, chunks, chunk);
    const int64_t m0 = r.begin * kUnitPixels, m1 = r.end * kUnitPixels < pixels ? r.end * kUnitPixels : pixels;
    // Panel by panel over the chunk's pixels: the panel's filter and bias
    // are set up once per chunk.
    for (int64_t q = 0; q < panels; ++q) {
      const int64_t j0 = q * nr, cols = out_c - j0 < nr ? out_c - j0 : nr;
      const PanelColumns col(ep, j0, cols);
      const float* panel = filter + q * in_c * nr;
      if (e.in_line) {
        run_rows(input + m0 * in_c, in_c, nullptr, m1 - m0, panel, &col, cols, output + m0 * out_c + j0, out_c, e);
        continue;
      }
      for (int64_t m = m0; m < m1; m += kUnitPixels) {
        const int64_t rows = m1 - m < kUnitPixels ? m1 - m : kUnitPixels;
        run_rows(input + m * in_c, in_c, nullptr, rows, panel, &col, cols, output + m * out_c + j0, out_c, e);
        apply_epilogue<PanelTraits>(output, out_c, m, j0, rows, cols, ep);
      }
    }
  });
}

void window_run(const Conv2DParams& p, ResidentRows run_rows, const float* input, const float* filter, int64_t nr,
                float* output, const GemmEpilogue& ep, int threads, float* scratch) {
  const PanelEpilogue e = panel_epilogue(ep);
  const int64_t k = p.filter_h * p.filter_w * p.in_c, out_c = p.out_c, width = panel_strip_width(p);
  // Tap (ky, kx, c), the packed filter's row order, from a pixel's base in
  // its strip.
  int64_t off[kMaxK];
  for (int64_t ky = 0, i = 0; ky < p.filter_h; ++ky)
    for (int64_t kx = 0; kx < p.filter_w; ++kx)
      for (int64_t c = 0; c < p.in_c; ++c, ++i) off[i] = (ky * width + kx * p.dilation_w) * p.in_c + c;
  const int64_t panels = (out_c + nr - 1) / nr;
  const int64_t rows = p.batch * p.out_h;
  const int64_t chunks = chunk_count(rows, threads);
  float* strips = reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(scratch) + 63) & ~uintptr_t{63});
  parallel_for(threads, chunks, [&](int64_t chunk, int tid) {
    const ChunkRange r = chunk_range(rows, chunks, chunk);
    float* strip = strips + tid * panel_strip_floats(p);
    for (int64_t q = 0; q < panels; ++q) {
      const int64_t j0 = q * nr, cols = out_c - j0 < nr ? out_c - j0 : nr;
      const PanelColumns col(ep, j0, cols);
      const float* panel = filter + q * k * nr;
      for (int64_t row = r.begin; row < r.end; ++row) {
        fill_strip(p, input, row, strip);
        const int64_t m = row * p.out_w;
        run_rows(strip, p.stride_w * p.in_c, off, p.out_w, panel, &col, cols, output + m * out_c + j0, out_c, e);
        if (!e.in_line) apply_epilogue<PanelTraits>(output, out_c, m, j0, p.out_w, cols, ep);
      }
    }
  });
}

}  // namespace

size_t conv_resident_scratch_floats(const Conv2DParams& p, int threads) {
  if (direct_pointwise(p)) return 0;  // read in place
  return static_cast<size_t>((threads < 1 ? 1 : threads) * panel_strip_floats(p) + kLanes);
}

void conv_resident_f32_avx512(const Conv2DParams& p, bool pointwise, const float* input, const float* filter,
                              int64_t nr, float* output, const GemmEpilogue& ep, int threads, float* scratch) {
  const int64_t k = p.filter_h * p.filter_w * p.in_c;
  const ResidentRows run_rows =
      pointwise && k > kMaxContiguousK ? nullptr : resident_rows_for(k, nr);
  if (p.batch * p.out_h * p.out_w <= 0 || p.out_c <= 0 || run_rows == nullptr) return;
  if (pointwise) return pointwise_run(p, run_rows, input, filter, nr, output, ep, threads);
  window_run(p, run_rows, input, filter, nr, output, ep, threads, scratch);
}

}  // namespace frost::kernels::simd
